import type { Signal } from "../signal";
import { clamp, isNum } from "../signal";

/** Order value in absolute terms: log2 of value over 100, from 0 (≤ 100) to 5 (≥ 3,200). */
export const orderValue: Signal = {
  id: "order_value",
  meta: { direction: "a larger order is riskier (the guarantee pays the full amount)", shape: "log2(value / 100) clamped to 0..5", prior: 0.2, max: 1, min: 0.05 },
  compute(f) {
    if (!isNum(f.totalPrice)) return null;
    return { feature: clamp(Math.log2(Math.max(f.totalPrice, 1) / 100), 0, 5), value: f.totalPrice };
  },
  reason: (r, lang) => (lang === "ja" ? `高額注文（${r.value}）` : `High order value (${r.value})`),
};
