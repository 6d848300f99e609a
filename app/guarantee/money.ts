// Exact money arithmetic for the guarantee, fees and claims: amounts are decimal strings (as Shopify
// sends them) and are computed with decimal.js, never with binary floats, and never capped: a claim
// of JPY 12,000,000 or of any larger amount is carried exactly (docs/decisions/011-usage-billing-and-credits.md).
import Decimal from "decimal.js";

const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });

/** An amount as Shopify writes one: digits with an optional fraction (no sign, no exponent). */
const AMOUNT = /^\d{1,30}(\.\d{1,12})?$/;

export function isAmount(value: string): boolean {
  return AMOUNT.test(value);
}

/** A non-negative decimal string parsed exactly; anything else is an error (never read as 0). */
export function money(value: string | number): Decimal {
  const text = typeof value === "number" ? String(value) : value.trim();
  if (!AMOUNT.test(text)) throw new Error(`not an amount: ${JSON.stringify(value).slice(0, 60)}`);
  return new D(text);
}

/** How many decimals a currency has (JPY 0, USD 2, KWD 3), from Intl's ISO 4217 data. */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** Rounded to the currency's minor unit (half up), as a plain decimal string. */
export function roundTo(value: Decimal, currency: string): string {
  return value.toDecimalPlaces(minorDigits(currency), Decimal.ROUND_HALF_UP).toFixed(minorDigits(currency));
}

/** `rate` × `amount`, rounded to the currency's minor unit: the fee on a covered amount. */
export function feeOn(amount: string, rate: string, currency: string): string {
  return roundTo(money(amount).times(money(rate)), currency);
}

/** Sum of decimal strings, exact. */
export function sum(values: string[]): Decimal {
  return values.reduce((acc, v) => acc.plus(money(v)), new D(0));
}

export { D as Decimal };
