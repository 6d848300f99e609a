import type { Signal } from "../signal";
import { emailParts, isFreeMailDomain } from "../email";

/** Email at a free-mail provider (email-providers list). Weak on its own. */
export const emailFreemail: Signal = {
  id: "email_freemail",
  compute(f) {
    if (typeof f.email !== "string") return null;
    const { domain } = emailParts(f.email);
    return { feature: isFreeMailDomain(domain) ? 1 : 0, value: domain };
  },
  reason: (r, lang) => (lang === "ja" ? `フリーメールアドレス（${r.value}）` : `Free email provider (${r.value})`),
};
