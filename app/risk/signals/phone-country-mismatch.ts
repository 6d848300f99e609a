import type { Signal } from "../signal";

/** Phone number's country differs from the billing (or shipping) country. */
export const phoneCountryMismatch: Signal = {
  id: "phone_country_mismatch",
  meta: { direction: "a phone from another country than the address is riskier", shape: "1 on mismatch, else 0", prior: 0.5, max: 2 },
  compute(f) {
    const pc = f.phone?.country;
    const ac = f.billing?.countryCode ?? f.shipping?.countryCode;
    if (typeof pc !== "string" || typeof ac !== "string") return null;
    return { feature: pc.toUpperCase() === ac.toUpperCase() ? 0 : 1, value: `${pc}/${ac}` };
  },
  reason: (r, lang) => (lang === "ja" ? `電話番号の国と請求先の国が異なる（${r.value}）` : `Phone number country differs from the billing country (${r.value})`),
};
