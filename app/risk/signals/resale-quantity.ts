import type { Signal } from "../signal";
import { isNum } from "../signal";

/** Many units of one item (resale abuse): feature log2(max units / 2), 0..5. */
export const resaleQuantity: Signal = {
  id: "resale_quantity",
  meta: { direction: "many units of one item (resale) is riskier", shape: "log2(max quantity / 2) clamped to 0..5", prior: 0.5, max: 1.5 },
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
    return { feature: Math.min(5, Math.max(0, Math.log2(max / 2))), value: max };
  },
  reason: (r, lang) => (lang === "ja" ? `同じ商品を${r.value}個注文` : `${r.value} units of the same item`),
};
