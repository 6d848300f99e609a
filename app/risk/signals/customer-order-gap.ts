import type { Signal } from "../signal";
import { isNum, recency } from "../signal";

const RANGE = 30 * 24 * 3600;

/** Time since the same customer's previous order: a short gap (a run of orders) is riskier. */
export const customerOrderGap: Signal = {
  id: "customer_order_gap",
  meta: {
    direction: "a shorter time since the customer's previous order is riskier",
    shape: "1 - ln(1 + gap/1 min) / ln(1 + 30 d/1 min), clamped to 0..1: 1 at 0 s, ~0.5 at 2.5 h, 0 at 30 days or more",
    prior: 0.5, max: 2,
  },
  compute(f) {
    const last = f.history?.customerLastOrderAt;
    if (!isNum(last) || !isNum(f.createdAt)) return null;
    const s = Math.max(0, (f.createdAt - last) / 1000);
    return { feature: recency(s, RANGE), value: Math.round(s) };
  },
  reason: (r, lang) => {
    const s = Number(r.value);
    const mins = Math.round(s / 60);
    const hours = Math.round(s / 3600);
    if (lang === "ja") return s < 3600 ? `同じ顧客の前回の注文から${mins}分` : `同じ顧客の前回の注文から${hours}時間`;
    return s < 3600 ? `${mins} minute(s) after the same customer's previous order` : `${hours} hour(s) after the same customer's previous order`;
  },
};
