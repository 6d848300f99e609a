import type { Signal } from "../signal";
import { isNum } from "../signal";

/** First order of this customer (guest checkouts count as new); returning customers lower risk. */
export const newCustomer: Signal = {
  id: "new_customer",
  compute(f) {
    const prev = f.customer?.previousOrders;
    if (!f.customer) return { feature: 1, value: "guest" };
    if (!isNum(prev)) return null;
    return { feature: prev === 0 ? 1 : -Math.min(3, Math.log2(1 + prev)), value: prev };
  },
  reason: (r, lang) => {
    if (r.value === "guest") return lang === "ja" ? "ゲスト購入（アカウントなし）" : "Guest checkout (no customer account)";
    if (r.value === 0) return lang === "ja" ? "初めての注文" : "First order from this customer";
    return lang === "ja" ? `過去に${r.value}件の注文があるリピーター` : `Returning customer with ${r.value} earlier order(s)`;
  },
};
