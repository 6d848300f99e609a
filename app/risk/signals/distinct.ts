import type { Signal } from "../signal";
import { clamp, isNum, log2p } from "../signal";
import type { CardsByKind, CustomersByKind } from "../types";

const LABEL: Record<CardsByKind | CustomersByKind, [string, string]> = {
  customer: ["customer account", "顧客アカウント"], email: ["email address", "メールアドレス"], device: ["device", "端末"],
  card: ["card", "カード"], ip: ["IP address", "IPアドレス"],
};
const SHAPE = "log2(1 + n) clamped to 0..5, n = distinct others on all earlier orders of the shop";

/** Distinct cards other than this order's on earlier orders (all-time) with the same customer / email / device: card testing, stolen cards. */
export function cardsPerSignal(kind: CardsByKind, prior: number): Signal {
  return {
    id: `cards_per_${kind}`,
    meta: { direction: `more different cards used before with the same ${LABEL[kind][0]} is riskier`, shape: SHAPE, prior, max: 2 },
    compute(f) {
      const n = f.history?.otherCards?.[kind];
      if (!isNum(n)) return null;
      return { feature: clamp(log2p(n), 0, 5), value: n };
    },
    reason: (r, lang) => (lang === "ja" ? `同じ${LABEL[kind][1]}で過去に別のカード${r.value}枚が使われた` : `${r.value} other card(s) used before with the same ${LABEL[kind][0]}`),
  };
}

/** Distinct customers other than this order's on earlier orders (all-time) with the same card / device / IP: shared or stolen identities. */
export function customersPerSignal(kind: CustomersByKind, prior: number): Signal {
  return {
    id: `customers_per_${kind}`,
    meta: { direction: `more other customers seen before with the same ${LABEL[kind][0]} is riskier`, shape: SHAPE, prior, max: 2 },
    compute(f) {
      const n = f.history?.otherCustomers?.[kind];
      if (!isNum(n)) return null;
      return { feature: clamp(log2p(n), 0, 5), value: n };
    },
    reason: (r, lang) => (lang === "ja" ? `同じ${LABEL[kind][1]}が過去に別の顧客${r.value}人に使われた` : `Same ${LABEL[kind][0]} used before by ${r.value} other customer(s)`),
  };
}
