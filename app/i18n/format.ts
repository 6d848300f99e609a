// Numbers, money, percentages and dates for a locale, with Intl (pure). Money keeps the currency's
// own decimals (JPY none, USD two); an amount that is not a number is shown as it came, never as 0.
import type { Locale } from "./index";

const TAG: Record<Locale, string> = { en: "en-US", ja: "ja-JP" };

export function intlTag(locale: Locale): string {
  return TAG[locale];
}

export function formatNumber(locale: Locale, value: number, opts: Intl.NumberFormatOptions = {}): string {
  return new Intl.NumberFormat(TAG[locale], opts).format(value);
}

export function formatMoney(locale: Locale, amount: string | number | null | undefined, currency: string | null | undefined): string {
  if (amount === null || amount === undefined || amount === "") return "—";
  const n = typeof amount === "number" ? amount : Number(amount);
  if (!Number.isFinite(n)) return String(amount);
  if (!currency || !/^[A-Z]{3}$/.test(currency)) return formatNumber(locale, n);
  return new Intl.NumberFormat(TAG[locale], { style: "currency", currency }).format(n);
}

/** A share (0..1) as a percentage with up to `digits` decimals. */
export function formatPercent(locale: Locale, share: number, digits = 1): string {
  return new Intl.NumberFormat(TAG[locale], { style: "percent", maximumFractionDigits: digits }).format(share);
}

function toDate(value: Date | string | number): Date {
  return value instanceof Date ? value : new Date(value);
}

/** Intl's formatter in `timeZone`; a zone this runtime does not know falls back to UTC (never a thrown page). */
function dateFormat(locale: Locale, opts: Intl.DateTimeFormatOptions, timeZone: string | undefined): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat(TAG[locale], { ...opts, ...(timeZone ? { timeZone } : {}) });
  } catch {
    return new Intl.DateTimeFormat(TAG[locale], { ...opts, timeZone: "UTC" });
  }
}

export function formatDate(locale: Locale, value: Date | string | number | null | undefined, timeZone?: string): string {
  if (value === null || value === undefined) return "—";
  const d = toDate(value);
  if (Number.isNaN(d.getTime())) return "—";
  return dateFormat(locale, { dateStyle: "medium" }, timeZone).format(d);
}

export function formatDateTime(locale: Locale, value: Date | string | number | null | undefined, timeZone?: string): string {
  if (value === null || value === undefined) return "—";
  const d = toDate(value);
  if (Number.isNaN(d.getTime())) return "—";
  return dateFormat(locale, { dateStyle: "medium", timeStyle: "short" }, timeZone).format(d);
}
