import type { Signal } from "../signal";
import { isNum, recency } from "../signal";

const DAY = 86_400;
/** The range over which age still matters: about two years. */
export const ACCOUNT_AGE_RANGE_S = 730 * DAY;

/** Account age at purchase, continuous and monotone in log-seconds from 1 minute to ~2 years. */
export const accountAge: Signal = {
  id: "account_age_days",
  meta: {
    direction: "a younger account is riskier",
    shape: "1 - ln(1 + age/1 min) / ln(1 + 730 d/1 min), clamped to 0..1: 1 at 0 s, 0.70 at 1 h, 0.48 at 1 day, 0.23 at 30 days, 0 at 2 years or more",
    prior: 0.8, max: 3, min: 0.4,
  },
  compute(f) {
    const created = f.customer?.createdAt;
    if (!isNum(created) || !isNum(f.createdAt)) return null;
    const s = Math.max(0, (f.createdAt - created) / 1000);
    return { feature: recency(s, ACCOUNT_AGE_RANGE_S), value: Math.round((s / DAY) * 100) / 100 };
  },
  reason: (r, lang) => {
    const d = Number(r.value);
    const hours = Math.round(d * 24);
    if (lang === "ja") return d < 1 ? `アカウント作成から${hours}時間以内の注文` : `アカウント作成から${Math.round(d)}日の注文`;
    return d < 1 ? `Account created ${hours} hour(s) before the order` : `Account created ${Math.round(d)} day(s) before the order`;
  },
};
