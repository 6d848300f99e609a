import type { Signal } from "../signal";
import { isNum } from "../signal";

/** First order of this customer (guest checkouts count as new); returning customers lower risk. */
export const newCustomer: Signal = {
  id: "new_customer",
  meta: { direction: "a guest or first order is riskier than a returning customer's", shape: "1 guest or first order; -log2(1+n) (≥ -3) for n earlier orders", prior: 0.3, max: 1.5 },
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
