import type { Signal } from "../signal";
import { isNum } from "../signal";

const DAY = 86_400;
/** Young account (1 minute to 7 days old at purchase): feature decays with age. */
export const accountAge: Signal = {
  id: "account_age_days",
  meta: { direction: "a younger account is riskier", shape: "1 at 1 minute falling in log-seconds to 0 at 7 days", prior: 0.5, max: 3 },
  compute(f) {
    const created = f.customer?.createdAt;
    if (!isNum(created) || !isNum(f.createdAt)) return null;
    const s = Math.max(0, (f.createdAt - created) / 1000);
    const feature = s <= 60 || s >= 7 * DAY ? 0 : 1 - Math.log1p(s / 60) / Math.log1p((7 * DAY) / 60);
    return { feature, value: Math.round((s / DAY) * 100) / 100 };
  },
  reason: (r, lang) => {
    const d = Number(r.value);
    const hours = Math.round(d * 24);
    if (lang === "ja") return d < 1 ? `アカウント作成から${hours}時間以内の注文` : `アカウント作成から${Math.round(d)}日の注文`;
    return d < 1 ? `Account created ${hours} hour(s) before the order` : `Account created ${Math.round(d)} day(s) before the order`;
  },
};
