import type { Signal } from "../signal";
import { clamp, isNum } from "../signal";

/** Great-circle distance between billing and shipping coordinates (when both are known): log2(km / 50), 0..6. */
export const billingShippingDistance: Signal = {
  id: "billing_shipping_distance",
  meta: { direction: "billing far from shipping is riskier", shape: "log2(km / 50) clamped to 0..6", prior: 0.15, max: 0.6 },
  compute(f) {
    const b = f.billing;
    const s = f.shipping;
    if (!b || !s || !isNum(b.latitude) || !isNum(b.longitude) || !isNum(s.latitude) || !isNum(s.longitude)) return null;
    const rad = Math.PI / 180;
    const dLat = (s.latitude - b.latitude) * rad;
    const dLon = (s.longitude - b.longitude) * rad;
    const h = Math.sin(dLat / 2) ** 2 + Math.cos(b.latitude * rad) * Math.cos(s.latitude * rad) * Math.sin(dLon / 2) ** 2;
    const km = 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
    return { feature: clamp(Math.log2(Math.max(km, 1) / 50), 0, 6), value: Math.round(km) };
  },
  reason: (r, lang) => (lang === "ja" ? `請求先と配送先が${r.value}km離れている` : `Billing and shipping addresses are ${r.value} km apart`),
};
