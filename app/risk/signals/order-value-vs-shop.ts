import type { Signal } from "../signal";
import { clamp, isNum } from "../signal";

/** Order value against this shop's typical order (needs ≥ 20 orders of history). */
export const orderValueVsShop: Signal = {
  id: "order_value_vs_shop",
  meta: { direction: "an order far above the shop's usual value is riskier", shape: "log2(value / shop's typical value) - 1, clamped to 0..5", prior: 0.3, max: 1.5 },
  compute(f) {
    const typical = f.history?.shopTypicalValue;
    if (!isNum(f.totalPrice) || !isNum(typical) || typical <= 0 || !isNum(f.history?.shopOrders) || f.history.shopOrders < 20) return null;
    const ratio = Math.max(f.totalPrice, 0.01) / typical;
    return { feature: clamp(Math.log2(ratio) - 1, 0, 5), value: Math.round(ratio * 10) / 10 };
  },
  reason: (r, lang) => (lang === "ja" ? `このストアの通常の注文額の${r.value}倍` : `${r.value}× this store's usual order value`),
};
