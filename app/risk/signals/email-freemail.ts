import type { Signal } from "../signal";
import { emailParts, isFreeMailDomain } from "../email";

/** Email at a free-mail provider (email-providers list). Weak on its own. */
export const emailFreemail: Signal = {
  id: "email_freemail",
  meta: { direction: "a free-mail address is slightly riskier than a company one", shape: "1 for a free-mail domain, else 0", prior: 0.2, max: 1 },
  compute(f) {
    if (typeof f.email !== "string") return null;
    const { domain } = emailParts(f.email);
    return { feature: isFreeMailDomain(domain) ? 1 : 0, value: domain };
  },
  reason: (r, lang) => (lang === "ja" ? `フリーメールアドレス（${r.value}）` : `Free email provider (${r.value})`),
};
