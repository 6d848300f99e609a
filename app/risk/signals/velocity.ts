import type { Signal } from "../signal";
import { isNum, log2p } from "../signal";
import type { IdentityKind, WindowCounts } from "../types";

const LABEL: Record<IdentityKind, [string, string]> = {
  email: ["email address", "メールアドレス"], phone: ["phone number", "電話番号"], ip: ["IP address", "IPアドレス"],
  device: ["device", "端末"], card: ["card", "カード"], address: ["shipping address", "配送先住所"],
};

/**
 * Velocity of one identity over 1 h / 24 h / 7 d (earlier orders only). Feature:
 * log2(1+n1h) + log2(1+n24h) + log2(1+n7d), so recent repeats weigh more.
 */
export function velocitySignal(kind: IdentityKind): Signal {
  return {
    id: `velocity_${kind}`,
    meta: { direction: `more earlier orders with the same ${LABEL[kind][0]} is riskier`, shape: "log2(1+n1h) + log2(1+n24h) + log2(1+n7d)", prior: kind === "card" ? 0.4 : 0.3, max: 1.5 },
    compute(f) {
      const c: WindowCounts | undefined = f.history?.velocity?.[kind];
      if (!c || !isNum(c.h1) || !isNum(c.h24) || !isNum(c.d7)) return null;
      return { feature: log2p(c.h1) + log2p(c.h24) + log2p(c.d7), value: `${c.h1}/${c.h24}/${c.d7}`, evidence: "earlier orders in 1h/24h/7d" };
    },
    reason: (r, lang) => {
      const [h1, h24, d7] = String(r.value).split("/");
      return lang === "ja"
        ? `同じ${LABEL[kind][1]}の注文: 1時間で${h1}件、24時間で${h24}件、7日間で${d7}件`
        : `Same ${LABEL[kind][0]} on earlier orders: ${h1} in 1 h, ${h24} in 24 h, ${d7} in 7 days`;
    },
  };
}
