import type { Signal } from "../signal";

export const cvv: Signal = {
  id: "cvv_mismatch",
  meta: { direction: "a CVV mismatch is riskier; a match is safer", shape: "1 mismatch, -0.5 match, 0 unknown", prior: 1.2, max: 3 },
  compute(f) {
    const code = f.payment?.cvvResultCode;
    if (typeof code !== "string" || code === "") return null;
    const c = code.toUpperCase().slice(0, 1);
    return { feature: c === "N" ? 1 : c === "M" ? -0.5 : 0, value: code.slice(0, 8) };
  },
  reason: (r, lang) => (lang === "ja" ? `セキュリティコード（CVV）の結果: ${r.value}` : `Card security code (CVV) result: ${r.value}`),
};
