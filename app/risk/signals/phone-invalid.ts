import type { Signal } from "../signal";

/** Phone number that libphonenumber-js cannot validate. */
export const phoneInvalid: Signal = {
  id: "phone_invalid",
  meta: { direction: "an invalid phone number is riskier", shape: "1 when libphonenumber-js finds it invalid, else 0", prior: 0.8, max: 2.5 },
  compute(f) {
    if (!f.phone || typeof f.phone !== "object") return null;
    return { feature: f.phone.valid === true ? 0 : 1, value: String(f.phone.raw).slice(0, 40) };
  },
  reason: (r, lang) => (lang === "ja" ? `無効な電話番号（${r.value}）` : `Invalid phone number (${r.value})`),
};
