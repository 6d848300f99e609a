// Exchange rates for billing a fee in the subscription's currency when the guaranteed order is in
// another: an operator-maintained table (`npm run rates -- set BASE QUOTE RATE --source ...`),
// docs/guarantee.md "Fees and billing". A rate is never guessed: no configured rate, no charge.
// The table is global (rates are not a shop's data), so these queries have no shop.
import type { Db, Tx } from "../db-client.server";
import { money } from "./money";

const CURRENCY = /^[A-Z]{3}$/;

export interface Conversion {
  /** Quote per one unit of base, a decimal string ("1" for the same currency). */
  rate: string;
  /** Where the rate comes from (the operator's text), or "same currency". */
  source: string;
  validFrom: Date | null;
}

/**
 * The rate from `base` to `quote` valid at `at`: the newest configured one whose validFrom is not
 * after `at`. The same currency converts at exactly 1 without a table. Undefined when none is configured.
 */
export async function rateAt(db: Db | Tx, base: string, quote: string, at: Date): Promise<Conversion | undefined> {
  if (base === quote) return { rate: "1", source: "same currency", validFrom: null };
  const row = await db.exchangeRate.findFirst({ where: { base, quote, validFrom: { lte: at } }, orderBy: { validFrom: "desc" } });
  return row ? { rate: row.rate, source: row.source, validFrom: row.validFrom } : undefined;
}

export class InvalidRateError extends Error {
  override name = "InvalidRateError";
}

/** Validate an operator's rate line; returns the normalised fields or throws InvalidRateError. */
export function parseRate(input: { base: string; quote: string; rate: string; source: string; from?: string }, now: Date) {
  const base = input.base.trim().toUpperCase();
  const quote = input.quote.trim().toUpperCase();
  if (!CURRENCY.test(base) || !CURRENCY.test(quote)) throw new InvalidRateError("currencies are three-letter ISO 4217 codes, e.g. JPY USD");
  if (base === quote) throw new InvalidRateError("base and quote are the same currency (it converts at 1 without a rate)");
  let rate;
  try {
    rate = money(input.rate);
  } catch {
    throw new InvalidRateError(`rate must be a positive decimal such as 0.0067, not ${JSON.stringify(input.rate)}`);
  }
  if (rate.isZero()) throw new InvalidRateError("rate must be above 0");
  const source = input.source.trim();
  if (!source) throw new InvalidRateError("--source is required: say where the rate comes from (e.g. \"ECB reference rate 2026-11-27\")");
  const validFrom = input.from ? new Date(input.from) : now;
  if (Number.isNaN(validFrom.getTime())) throw new InvalidRateError(`--from must be a date (YYYY-MM-DD or ISO 8601), not ${JSON.stringify(input.from)}`);
  return { base, quote, rate: rate.toFixed(), source: source.slice(0, 500), validFrom };
}

/** Record a rate (the same base, quote and validFrom again replaces its rate and source). */
export async function setRate(db: Db, input: { base: string; quote: string; rate: string; source: string; from?: string }, now = new Date()) {
  const r = parseRate(input, now);
  return db.exchangeRate.upsert({
    where: { base_quote_validFrom: { base: r.base, quote: r.quote, validFrom: r.validFrom } },
    create: r,
    update: { rate: r.rate, source: r.source },
  });
}

export function listRates(db: Db) {
  return db.exchangeRate.findMany({ orderBy: [{ base: "asc" }, { quote: "asc" }, { validFrom: "desc" }] });
}
