import type { Signal } from "../signal";
import { isNum } from "../signal";
import { amountPercentile } from "../history";

/** Needs this many earlier orders with an amount before the shop's distribution means anything. */
export const MIN_SHOP_AMOUNTS = 30;

/** The order's percentile among the shop's earlier order amounts (log-scale histogram, all-time). */
export const orderValuePercentile: Signal = {
  id: "order_value_percentile",
  meta: {
    direction: "an order larger than most of the shop's earlier orders is riskier",
    shape: "max(0, 2 × (percentile - 0.5)): 0 at or below the shop's median amount, 1 above all its earlier orders; needs 30 earlier orders",
    prior: 0.5, max: 2, min: 0.25,
  },
  compute(f) {
    const h = f.history?.shopAmountHistogram;
    if (!isNum(f.totalPrice) || f.totalPrice <= 0 || !Array.isArray(h)) return null;
    let n = 0;
    for (let i = 0; i < h.length; i++) n += h[i]!;
    if (n < MIN_SHOP_AMOUNTS) return null;
    const p = amountPercentile(h, f.totalPrice);
    if (!isNum(p)) return null;
    return { feature: Math.max(0, 2 * (p - 0.5)), value: Math.round(p * 100) };
  },
  reason: (r, lang) => (lang === "ja" ? `このストアの過去の注文の${r.value}%より高額` : `Larger than ${r.value}% of this store's earlier orders`),
};
