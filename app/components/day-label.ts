// A chart's day label: the shop's calendar day "YYYY-MM-DD" as numeric month/day ("11/30"), the
// same in every locale (short enough that a chart's axis never cuts it, as "11月…" was).
export function monthDay(day: string): string {
  const m = /^\d{4}-(\d{2})-(\d{2})$/.exec(day);
  return m ? `${Number(m[1])}/${Number(m[2])}` : day;
}
