import type { Signal } from "../signal";
import { isNum } from "../signal";

/** Paid within 60 seconds of creating the account (scripted sign-up + checkout). */
export const accountInstantPurchase: Signal = {
  id: "account_instant_purchase",
  meta: { direction: "paying within 60 s of creating the account is riskier", shape: "1 when ≤ 60 s from sign-up to purchase, else 0", prior: 2, max: 6 },
  compute(f) {
    const created = f.customer?.createdAt;
    if (!isNum(created) || !isNum(f.createdAt)) return null;
    const s = Math.max(0, Math.round((f.createdAt - created) / 1000));
    return { feature: s <= 60 ? 1 : 0, value: s };
  },
  reason: (r, lang) => (lang === "ja" ? `アカウント作成から${r.value}秒後に支払い` : `Paid ${r.value} seconds after creating the account`),
};
