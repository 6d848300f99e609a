// The ledger's monthly totals, per currency (docs/guarantee.md "Ledger"). Pure: entries in, sums
// out, exact (decimal.js; never floats), so the CLI, the demo and the staff pages all agree.
import { Decimal, minorDigits, money } from "./money";

type Dec = ReturnType<typeof money>;

/** The fields of a LedgerEntry the totals read. */
export interface LedgerRow {
  kind: string;
  state: string;
  month: string;
  amount: string;
  currency: string;
  billedAmount: string | null;
  billedCurrency: string | null;
}

export const TOTAL_COLUMNS = [
  "feesCharged", "feesPending", "feesOwed", "creditsIssued", "creditsApplied", "creditsOpen", "claimsApproved", "claimsPaid",
] as const;
export type TotalColumn = (typeof TOTAL_COLUMNS)[number];

export type MonthTotals = { month: string; currency: string } & Record<TotalColumn, string>;

/**
 * What each entry adds to, in which currency:
 *   fee charged              -> feesCharged: the price billed through Shopify (billing currency, after credits);
 *   fee pending | owed       -> feesPending | feesOwed: the price fixed if there is one, else the fee in the order's currency;
 *   fee netted | void        -> nothing billed (a netted fee shows under creditsApplied);
 *   fee_credit (any state)   -> creditsIssued; applied -> creditsApplied; open -> creditsOpen
 *                               (a credit used in part is split, so applied + open = issued);
 *   claim_approved | claim_paid -> claimsApproved | claimsPaid (the claim's currency).
 * Anything else is ignored here (listed with the entries).
 */
function columnsOf(e: LedgerRow): { columns: TotalColumn[]; amount: string; currency: string } | undefined {
  const fixed = e.billedAmount !== null && e.billedCurrency !== null;
  if (e.kind === "fee") {
    if (e.state === "charged" && fixed) return { columns: ["feesCharged"], amount: e.billedAmount!, currency: e.billedCurrency! };
    if (e.state === "pending" || e.state === "owed") {
      const column: TotalColumn = e.state === "pending" ? "feesPending" : "feesOwed";
      return fixed ? { columns: [column], amount: e.billedAmount!, currency: e.billedCurrency! } : { columns: [column], amount: e.amount, currency: e.currency };
    }
    return undefined;
  }
  if (e.kind === "fee_credit") {
    const state: TotalColumn[] = e.state === "applied" ? ["creditsApplied"] : e.state === "open" ? ["creditsOpen"] : [];
    return { columns: ["creditsIssued", ...state], amount: e.amount, currency: e.currency };
  }
  if (e.kind === "claim_approved") return { columns: ["claimsApproved"], amount: e.amount, currency: e.currency };
  if (e.kind === "claim_paid") return { columns: ["claimsPaid"], amount: e.amount, currency: e.currency };
  return undefined;
}

/** A sum as a decimal string with at least the currency's minor digits, and every digit it has. */
export function formatSum(value: Dec, currency: string): string {
  const digits = minorDigits(currency);
  return value.decimalPlaces() <= digits ? value.toFixed(digits) : value.toFixed();
}

/** Totals per (month, currency), months ascending, then currencies. */
export function monthlyTotals(entries: readonly LedgerRow[]): MonthTotals[] {
  const sums = new Map<string, { month: string; currency: string; values: Record<TotalColumn, Dec> }>();
  for (const e of entries) {
    const target = columnsOf(e);
    if (!target) continue;
    const key = `${e.month}|${target.currency}`;
    let row = sums.get(key);
    if (!row) {
      row = { month: e.month, currency: target.currency, values: Object.fromEntries(TOTAL_COLUMNS.map((c) => [c, new Decimal(0)])) as Record<TotalColumn, Dec> };
      sums.set(key, row);
    }
    for (const column of target.columns) row.values[column] = row.values[column].plus(money(target.amount));
  }
  return [...sums.values()]
    .sort((a, b) => a.month.localeCompare(b.month) || a.currency.localeCompare(b.currency))
    .map((r) => ({ month: r.month, currency: r.currency, ...(Object.fromEntries(TOTAL_COLUMNS.map((c) => [c, formatSum(r.values[c], r.currency)])) as Record<TotalColumn, string>) }));
}
