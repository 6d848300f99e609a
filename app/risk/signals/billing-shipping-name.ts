import type { Signal } from "../signal";
import { normaliseName } from "../address";

export const billingShippingName: Signal = {
  id: "billing_shipping_name",
  meta: { direction: "different billing and shipping names are riskier", shape: "1 on mismatch, else 0", prior: 0.4, max: 1.5 },
  compute(f) {
    const b = normaliseName(f.billing?.name);
    const s = normaliseName(f.shipping?.name);
    if (!b || !s) return null;
    return { feature: b === s ? 0 : 1, value: `${b} / ${s}`.slice(0, 120) };
  },
  reason: (r, lang) => (lang === "ja" ? `請求先と配送先の氏名が異なる（${r.value}）` : `Billing and shipping names differ (${r.value})`),
};
