import type { Signal } from "../signal";
import { isNum } from "../signal";

/** Many units of one item (resale abuse): feature log2(max units / 4), 0..4: up to 4 of an item is ordinary and says nothing. */
export const resaleQuantity: Signal = {
  id: "resale_quantity",
  meta: { direction: "many units of one item (resale) is riskier", shape: "log2(max units of one item / 4) clamped to 0..4: 0 up to 4 units, 1 at 8, 2 at 16", prior: 0.5, max: 1.2 },
  compute(f) {
    if (!Array.isArray(f.lineItems) || f.lineItems.length === 0) return null;
    const byKey = new Map<string, number>();
    let max = 0;
    for (const li of f.lineItems) {
      if (!li || !isNum(li.quantity)) continue;
      const n = (byKey.get(String(li.key)) ?? 0) + li.quantity;
      byKey.set(String(li.key), n);
      if (n > max) max = n;
    }
    return { feature: Math.min(4, Math.max(0, Math.log2(max / 4))), value: max };
  },
  reason: (r, lang) => (lang === "ja" ? `同じ商品を${r.value}個注文` : `${r.value} units of the same item`),
};
