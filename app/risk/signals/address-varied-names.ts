import type { Signal } from "../signal";
import { isNum, log2p } from "../signal";

/** Same normalised shipping address used under other recipient names this week. */
export const addressVariedNames: Signal = {
  id: "address_varied_names",
  meta: { direction: "many recipient names at one address (drop address) is riskier", shape: "log2(1 + other names at the address in 7 d)", prior: 0.7, max: 2 },
  compute(f) {
    const n = f.history?.addressOtherNames7d;
    if (!isNum(n)) return null;
    return { feature: log2p(n), value: n };
  },
  reason: (r, lang) => (lang === "ja" ? `同じ配送先に今週${r.value}件の別名義の注文` : `Same shipping address used under ${r.value} other name(s) this week`),
};
