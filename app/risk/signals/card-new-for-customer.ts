import type { Signal } from "../signal";
import { isNum } from "../signal";

/** A known customer (earlier orders of the shop) pays with a card none of their earlier orders used. */
export const cardNewForCustomer: Signal = {
  id: "card_new_for_customer",
  meta: { direction: "a returning customer paying with a card they never used here is riskier (account takeover, stolen card)", shape: "1 when the customer has earlier orders and none with this card, else 0", prior: 0.4, max: 2 },
  compute(f) {
    const earlier = f.history?.velocity?.customer?.all;
    const withCard = f.history?.customerCardOrders;
    // Skipped without a customer, a card, or any earlier order of the customer: nothing to compare with.
    if (!isNum(earlier) || earlier <= 0 || !isNum(withCard)) return null;
    return { feature: withCard === 0 ? 1 : 0, value: withCard, evidence: `${earlier} earlier order(s) of the customer` };
  },
  reason: (_r, lang) => (lang === "ja" ? "リピーターが初めて使うカードで支払い" : "Returning customer paying with a card not used on their earlier orders"),
};
