import type { Signal } from "../signal";
import { emailParts } from "../email";
import { normaliseName } from "../address";

/** None of the buyer's name parts (≥ 3 letters) appears in the email's local part. */
export const emailNameMismatch: Signal = {
  id: "email_name_mismatch",
  meta: { direction: "an email unrelated to the buyer's name is riskier", shape: "1 when the local part shares nothing with the name, else 0", prior: 0.4, max: 1.5 },
  compute(f) {
    if (typeof f.email !== "string") return null;
    const name = normaliseName([f.customer?.firstName, f.customer?.lastName].filter(Boolean).join(" ") || f.billing?.name || f.shipping?.name);
    const parts = name.split(" ").filter((p) => /^[a-z]{3,}$/u.test(p));
    if (parts.length === 0) return null;
    const local = emailParts(f.email).local.toLowerCase();
    const matches = parts.some((p) => local.includes(p) || local.includes(p.slice(0, 4)));
    return { feature: matches ? 0 : 1, value: name };
  },
  reason: (r, lang) => (lang === "ja" ? `メールアドレスが購入者名（${r.value}）と一致しない` : `Email address does not match the buyer's name (${r.value})`),
};
