import type { Signal } from "../signal";

export const billingShippingCountry: Signal = {
  id: "billing_shipping_country",
  meta: { direction: "billing and shipping in different countries is riskier", shape: "1 on mismatch, else 0", prior: 1, max: 3 },
  compute(f) {
    const b = f.billing?.countryCode;
    const s = f.shipping?.countryCode;
    if (typeof b !== "string" || typeof s !== "string") return null;
    return { feature: b.toUpperCase() === s.toUpperCase() ? 0 : 1, value: `${b}/${s}` };
  },
  reason: (r, lang) => (lang === "ja" ? `請求先と配送先の国が異なる（${r.value}）` : `Billing and shipping countries differ (${r.value})`),
};
