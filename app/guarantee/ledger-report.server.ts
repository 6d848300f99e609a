// One shop's ledger as the operator and the staff pages read it: the entries, the monthly totals
// (ledger-totals.ts) and a CSV export (csv-stringify: quoting, and cells that a spreadsheet would
// run as a formula escaped). Every query is scoped by shop.
import { stringify } from "csv-stringify/sync";
import type { Db } from "../db-client.server";
import { monthlyTotals, TOTAL_COLUMNS, type MonthTotals } from "./ledger-totals";

export async function ledgerEntries(db: Db, shop: string, opts: { month?: string } = {}) {
  return db.ledgerEntry.findMany({
    where: { shop, ...(opts.month ? { month: opts.month } : {}) },
    orderBy: [{ createdAt: "asc" }, { key: "asc" }],
  });
}

export type LedgerEntryRow = Awaited<ReturnType<typeof ledgerEntries>>[number];

export interface LedgerReport {
  shop: string;
  totals: MonthTotals[];
  entries: LedgerEntryRow[];
}

export async function ledgerReport(db: Db, shop: string, opts: { month?: string } = {}): Promise<LedgerReport> {
  const entries = await ledgerEntries(db, shop, opts);
  return { shop, totals: monthlyTotals(entries), entries };
}

export const CSV_COLUMNS = [
  "month", "created_at", "key", "kind", "state", "order_id", "claim_id", "amount", "currency",
  "billed_amount", "billed_currency", "rate", "rate_source", "usage_record_id", "idempotency_key", "detail",
] as const;

/** The entries as CSV, one line per entry, amounts as the exact decimal strings stored. */
export function ledgerCsv(entries: readonly LedgerEntryRow[]): string {
  return stringify(
    entries.map((e) => [
      e.month, e.createdAt.toISOString(), e.key, e.kind, e.state, e.orderId ?? "", e.claimId ?? "", e.amount, e.currency,
      e.billedAmount ?? "", e.billedCurrency ?? "", e.rate ?? "", e.rateSource ?? "", e.usageRecordId ?? "", e.idempotencyKey ?? "", e.detail ?? "",
    ]),
    { header: true, columns: [...CSV_COLUMNS], escape_formulas: true },
  );
}

/** The monthly totals as CSV. */
export function totalsCsv(totals: readonly MonthTotals[]): string {
  return stringify(
    totals.map((t) => [t.month, t.currency, ...TOTAL_COLUMNS.map((c) => t[c])]),
    { header: true, columns: ["month", "currency", ...TOTAL_COLUMNS], escape_formulas: true },
  );
}
