import type { Signal } from "../signal";
import { emailParts, isDisposableDomain } from "../email";

/** Email at a disposable-mailbox domain (disposable-email-domains list). */
export const emailDisposable: Signal = {
  id: "email_disposable",
  meta: { direction: "a disposable email domain is riskier", shape: "1 when the domain is disposable, else 0", prior: 1.5, max: 4 },
  compute(f) {
    if (typeof f.email !== "string") return null;
    const { domain } = emailParts(f.email);
    const hit = isDisposableDomain(domain);
    return { feature: hit ? 1 : 0, value: domain };
  },
  reason: (r, lang) => (lang === "ja" ? `使い捨てメールアドレス（${r.value}）` : `Disposable email address (${r.value})`),
};
