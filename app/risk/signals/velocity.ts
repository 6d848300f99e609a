import type { Signal } from "../signal";
import { isNum, log2p } from "../signal";
import type { HistoryKind, WindowCounts } from "../types";

const LABEL: Record<HistoryKind, [string, string]> = {
  email: ["email address", "メールアドレス"], phone: ["phone number", "電話番号"], ip: ["IP address", "IPアドレス"],
  device: ["device", "端末"], card: ["card", "カード"], address: ["shipping address", "配送先住所"], customer: ["customer account", "顧客アカウント"],
};

/**
 * Velocity of one identity over 1 h / 24 h / 7 d (earlier orders only). Feature:
 * log2(1+n1h) + log2(1+n24h) + log2(1+n7d), so recent repeats weigh more. The all-time count is
 * carried in the value and reason but is not in the feature: repeat use by the same customer over
 * months is what loyal customers do; all-time sharing across customers and cards is measured by
 * the customers_per_* and cards_per_* signals.
 */
export function velocitySignal(kind: HistoryKind): Signal {
  return {
    id: `velocity_${kind}`,
    meta: {
      direction: `more earlier orders with the same ${LABEL[kind][0]} in the last hour, day and week is riskier`,
      shape: "log2(1+n1h) + log2(1+n24h) + log2(1+n7d) (earlier orders; the all-time count is shown, not scored)",
      prior: kind === "card" ? 0.4 : 0.3,
      max: 1.5,
    },
    compute(f) {
      const c: WindowCounts | undefined = f.history?.velocity?.[kind];
      if (!c || !isNum(c.h1) || !isNum(c.h24) || !isNum(c.d7)) return null;
      return { feature: log2p(c.h1) + log2p(c.h24) + log2p(c.d7), value: `${c.h1}/${c.h24}/${c.d7}/${isNum(c.all) ? c.all : "?"}`, evidence: "earlier orders in 1h/24h/7d/all-time" };
    },
    reason: (r, lang) => {
      const [h1, h24, d7, all] = String(r.value).split("/");
      return lang === "ja"
        ? `同じ${LABEL[kind][1]}の注文: 1時間で${h1}件、24時間で${h24}件、7日間で${d7}件（累計${all}件）`
        : `Same ${LABEL[kind][0]} on earlier orders: ${h1} in 1 h, ${h24} in 24 h, ${d7} in 7 days (${all} in all)`;
    },
  };
}
