import type { Signal } from "../signal";
import { normaliseZip } from "../address";

export const billingShippingZip: Signal = {
  id: "billing_shipping_zip",
  meta: { direction: "billing and shipping in different postcodes is riskier", shape: "1 on mismatch, else 0", prior: 0.3, max: 1.5 },
  compute(f) {
    const b = normaliseZip(f.billing?.zip);
    const s = normaliseZip(f.shipping?.zip);
    if (!b || !s) return null;
    return { feature: b === s ? 0 : 1, value: `${b}/${s}` };
  },
  reason: (r, lang) => (lang === "ja" ? `請求先と配送先の郵便番号が異なる（${r.value}）` : `Billing and shipping postal codes differ (${r.value})`),
};
