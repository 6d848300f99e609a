import type { Signal } from "../signal";

export const billingShippingCountry: Signal = {
  id: "billing_shipping_country",
  compute(f) {
    const b = f.billing?.countryCode;
    const s = f.shipping?.countryCode;
    if (typeof b !== "string" || typeof s !== "string") return null;
    return { feature: b.toUpperCase() === s.toUpperCase() ? 0 : 1, value: `${b}/${s}` };
  },
  reason: (r, lang) => (lang === "ja" ? `請求先と配送先の国が異なる（${r.value}）` : `Billing and shipping countries differ (${r.value})`),
};
