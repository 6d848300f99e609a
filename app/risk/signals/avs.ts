import type { Signal } from "../signal";

// AVS codes (Visa/Mastercard/Amex common set): full match, partial, no match; U/R/S/G/E = unavailable.
const FULL = new Set(["Y", "X", "D", "F", "M"]);
const PARTIAL = new Set(["A", "Z", "W", "P", "B", "T"]);
const NONE = new Set(["N", "C", "I"]);

export const avs: Signal = {
  id: "avs_mismatch",
  meta: { direction: "an address-verification mismatch is riskier; a full match is safer", shape: "1 no match, 0.5 partial, -0.5 full match, 0 unknown", prior: 0.8, max: 2.5 },
  compute(f) {
    const code = f.payment?.avsResultCode;
    if (typeof code !== "string" || code === "") return null;
    const c = code.toUpperCase().slice(0, 1);
    return { feature: NONE.has(c) ? 1 : PARTIAL.has(c) ? 0.5 : FULL.has(c) ? -0.5 : 0, value: code.slice(0, 8) };
  },
  reason: (r, lang) => (lang === "ja" ? `住所確認（AVS）の結果: ${r.value}` : `Address verification (AVS) result: ${r.value}`),
};
