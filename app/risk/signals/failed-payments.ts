import type { Signal } from "../signal";
import { isNum, log2p } from "../signal";

/** Failed payment attempts before this order (several cards tried). */
export const failedPayments: Signal = {
  id: "failed_payment_attempts",
  meta: { direction: "failed payment attempts before the order are riskier", shape: "log2(1 + attempts), ≤ 4", prior: 0.6, max: 2 },
  compute(f) {
    const n = f.payment?.failedAttempts;
    if (!isNum(n)) return null;
    return { feature: Math.min(4, log2p(n)), value: n };
  },
  reason: (r, lang) => (lang === "ja" ? `支払いの失敗が${r.value}回` : `${r.value} failed payment attempt(s) before this order`),
};
