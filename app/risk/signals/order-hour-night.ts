import type { Signal } from "../signal";
import { isNum } from "../signal";
import { localHour } from "../local-time";

/** Night-time in the shop's timezone: 00:00-05:59 local. */
export const NIGHT_FROM = 0;
export const NIGHT_UNTIL = 6;

/** Ordered at night in the shop's timezone (RiskFacts.timezone, UTC when absent or unknown). */
export const orderHourNight: Signal = {
  id: "order_hour_night",
  meta: { direction: "an order placed at night in the shop's timezone is riskier", shape: "1 when the local hour is 00:00-05:59, else 0", prior: 0.4, max: 1.5 },
  compute(f) {
    if (!isNum(f.createdAt)) return null;
    const h = localHour(f.createdAt, typeof f.timezone === "string" ? f.timezone : undefined);
    return { feature: h >= NIGHT_FROM && h < NIGHT_UNTIL ? 1 : 0, value: h };
  },
  reason: (r, lang) => (lang === "ja" ? `ストアの時間で深夜（${r.value}時台）の注文` : `Placed at night in the store's timezone (${r.value}:00-${r.value}:59)`),
};
