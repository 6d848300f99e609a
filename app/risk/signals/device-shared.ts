import type { Signal } from "../signal";
import { isNum, log2p } from "../signal";

/** The storefront device (`_holdfast_device`) was used by other customers this week. */
export const deviceShared: Signal = {
  id: "device_shared_identities",
  meta: { direction: "a device used by other customers is riskier", shape: "log2(1 + other customers on the device in 7 d)", prior: 0.6, max: 2 },
  compute(f) {
    const n = f.history?.deviceOtherCustomers7d;
    if (!isNum(n)) return null;
    return { feature: log2p(n), value: n };
  },
  reason: (r, lang) => (lang === "ja" ? `同じ端末が今週${r.value}人の別の顧客に使われた` : `Same device used by ${r.value} other customer(s) this week`),
};
