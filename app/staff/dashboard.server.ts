// The dashboard's figures for one shop, each from a grouped query (counts, sums and bands are
// computed by the database: a shop with 100k screened orders is never read row by row). Money is
// summed exactly (exactSums in sql.server.ts: integers of the last decimal in SQL, decimal.js beside).
import type { Db } from "../db-client.server";
import { monthlyTotals, type LedgerRow } from "../guarantee/ledger-totals";
import { Decimal, exactSums, num, sqlBuilder, type SqlNum } from "./sql.server";
import { failedActionsCount } from "./failed.server";
import { reviewCount } from "./review.server";

/** Dispute reasons the guarantee covers as fraud (app/guarantee/claims.ts). */
export const FRAUD_REASONS = ["fraudulent", "unrecognized"] as const;
export const CHART_DAYS = 30;
export const SCORE_BAND = 100;
export const SCORE_BANDS = 10;

export interface MoneySum {
  currency: string;
  amount: string;
}

export interface FeeTotals {
  currency: string;
  charged: string;
  pending: string;
  owed: string;
}

export interface DashboardData {
  screened: number;
  approved: number;
  held: number;
  /** approved / screened, null when nothing was screened. */
  approvalRate: number | null;
  /** Orders waiting for review: the review queue's total (held, not decided by a person). */
  heldNow: number;
  guaranteed: { count: number; sums: MoneySum[] };
  fraudChargebacks: number;
  claims: { open: number; approved: number; paid: number; closed: number };
  fees: FeeTotals[];
  /** One entry per day of the shop's calendar, oldest first: the day (YYYY-MM-DD, shop's time) and its verdicts. */
  perDay: { day: string; approved: number; held: number }[];
  /** Ten bands of 100 over 0–1000 (1000 counts in the last). */
  scoreBands: { from: number; to: number; count: number }[];
  failedActions: number;
  deadJobs: number;
}

/** `YYYY-MM-DD` of instant `t` in `tz` (UTC when absent or unknown). */
function localDay(t: number, tz: string | undefined): { y: number; m: number; d: number } {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat("en-US", { timeZone: tz ?? "UTC", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", hourCycle: "h23" });
  } catch {
    format = new Intl.DateTimeFormat("en-US", { timeZone: "UTC", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", hourCycle: "h23" });
  }
  const parts = Object.fromEntries(format.formatToParts(t).map((p) => [p.type, p.value]));
  return { y: Number(parts.year), m: Number(parts.month), d: Number(parts.day) };
}

/** The zone's offset from UTC (ms) at instant t. */
function offsetAt(t: number, tz: string | undefined): number {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat("en-US", { timeZone: tz ?? "UTC", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric", hourCycle: "h23" });
  } catch {
    return 0;
  }
  const p = Object.fromEntries(format.formatToParts(t).map((x) => [x.type, x.value]));
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return asUtc - Math.floor(t / 1000) * 1000;
}

/** The instant (ms) a calendar day (month 1–12) starts in `tz`; two looks at the offset, so a day that starts a DST change is right. */
export function localMidnight(y: number, m: number, d: number, tz: string | undefined): number {
  const wall = Date.UTC(y, m - 1, d);
  const guess = wall - offsetAt(wall, tz);
  return wall - offsetAt(guess, tz);
}

/**
 * The shop's last `days` calendar days up to `now` (today included): each day's name and its start
 * as an instant, plus the end of today. Midnight is found from the zone's offset at that midnight
 * (two looks, so a day that starts a DST change is right).
 */
export function calendarDays(now: number, days: number, tz: string | undefined): { days: string[]; bounds: Date[] } {
  const today = localDay(now, tz);
  const names: string[] = [];
  const bounds: Date[] = [];
  const midnight = (y: number, m: number, d: number) => localMidnight(y, m, d, tz);
  for (let i = days - 1; i >= -1; i--) {
    const wall = new Date(Date.UTC(today.y, today.m - 1, today.d - i));
    const y = wall.getUTCFullYear(), m = wall.getUTCMonth() + 1, d = wall.getUTCDate();
    bounds.push(new Date(midnight(y, m, d)));
    if (i >= 0) names.push(`${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`);
  }
  return { days: names, bounds };
}

/** Exact sums of a table's "amount" per currency, over rows matching `where`. */
async function sumsByCurrency(db: Db, table: string, where: (p: (v: unknown) => string) => string): Promise<{ count: number; sums: MoneySum[] }> {
  const rows = await exactSums(db, table, `"amount"`, { currency: `"currency"` }, where);
  const byCurrency = new Map<string, Decimal>();
  let count = 0;
  for (const r of rows) {
    count += r.count;
    const currency = r.group.currency ?? "";
    byCurrency.set(currency, (byCurrency.get(currency) ?? new Decimal(0)).plus(r.sum ?? 0));
  }
  const sums = [...byCurrency].sort(([a], [b]) => a.localeCompare(b)).map(([currency, amount]) => ({ currency, amount: amount.toFixed() }));
  return { count, sums };
}

/** Fees charged, pending and owed per currency, as the ledger's totals count them (ledger-totals.ts), over all months. */
async function feeTotals(db: Db, shop: string): Promise<FeeTotals[]> {
  // Entries with a fixed (billed) price and without are grouped apart; each group then reads as one entry.
  const groups = {
    state: `"state"`, currency: `"currency"`, billedCurrency: `"billedCurrency"`,
    fixed: `(CASE WHEN "billedAmount" IS NULL OR "billedCurrency" IS NULL THEN 0 ELSE 1 END)`,
  };
  const where = (p: (v: unknown) => string) => `"shop" = ${p(shop)} AND "kind" = 'fee' AND "state" IN ('charged', 'pending', 'owed')`;
  const [amounts, billed] = await Promise.all([
    exactSums(db, "LedgerEntry", `"amount"`, groups, where),
    exactSums(db, "LedgerEntry", `"billedAmount"`, groups, where),
  ]);
  const key = (g: Record<keyof typeof groups, string | null>) => JSON.stringify([g.state, g.currency, g.billedCurrency, Number(g.fixed)]);
  const billedSums = new Map(billed.map((b) => [key(b.group), b.sum]));
  const ledgerRows: LedgerRow[] = amounts.map((r) => {
    const billedSum = billedSums.get(key(r.group)) ?? null;
    const fixed = Number(r.group.fixed) === 1 && r.group.billedCurrency !== null && billedSum !== null;
    return {
      kind: "fee", state: r.group.state ?? "", month: "all", amount: r.sum ?? "0", currency: r.group.currency ?? "",
      billedAmount: fixed ? billedSum : null, billedCurrency: fixed ? r.group.billedCurrency : null,
    };
  });
  return monthlyTotals(ledgerRows).map((t) => ({ currency: t.currency, charged: t.feesCharged, pending: t.feesPending, owed: t.feesOwed }));
}

async function verdictsPerDay(db: Db, shop: string, now: number, tz: string | undefined): Promise<DashboardData["perDay"]> {
  const { days, bounds } = calendarDays(now, CHART_DAYS, tz);
  const q = sqlBuilder(db);
  const whens = bounds.slice(1).map((b, i) => `WHEN "screenedAt" < ${q.p(b)} THEN ${i}`).join(" ");
  const rows = await q.run<{ day: SqlNum; verdict: string; n: SqlNum }>(
    `SELECT (CASE ${whens} ELSE -1 END) AS day, "verdict" AS verdict, COUNT(*) AS n FROM ${q.table("OrderScreening")} ` +
      `WHERE "shop" = ${q.p(shop)} AND "screenedAt" >= ${q.p(bounds[0])} AND "screenedAt" < ${q.p(bounds[bounds.length - 1])} GROUP BY 1, 2`,
  );
  const out = days.map((day) => ({ day, approved: 0, held: 0 }));
  for (const r of rows) {
    const slot = out[num(r.day)];
    if (!slot) continue;
    if (r.verdict === "ship") slot.approved += num(r.n);
    else slot.held += num(r.n); // anything but an approval counts as held (fail safe)
  }
  return out;
}

async function scoreBands(db: Db, shop: string): Promise<DashboardData["scoreBands"]> {
  const q = sqlBuilder(db);
  const rows = await q.run<{ band: SqlNum; n: SqlNum }>(
    `SELECT ("score" / ${SCORE_BAND}) AS band, COUNT(*) AS n FROM ${q.table("OrderScreening")} WHERE "shop" = ${q.p(shop)} GROUP BY 1`,
  );
  const out = Array.from({ length: SCORE_BANDS }, (_, i) => ({ from: i * SCORE_BAND, to: i === SCORE_BANDS - 1 ? SCORE_BANDS * SCORE_BAND : (i + 1) * SCORE_BAND - 1, count: 0 }));
  for (const r of rows) {
    const i = Math.min(SCORE_BANDS - 1, Math.max(0, Math.floor(num(r.band))));
    out[i]!.count += num(r.n);
  }
  return out;
}

export async function dashboardData(db: Db, shop: string, opts: { now?: number; timeZone?: string } = {}): Promise<DashboardData> {
  const now = opts.now ?? Date.now();
  const [verdicts, heldNow, guaranteed, fraudChargebacks, claims, fees, perDay, bands, failedActions, deadJobs] = await Promise.all([
    db.orderScreening.groupBy({ by: ["verdict"], where: { shop }, _count: { _all: true } }),
    reviewCount(db, shop), // "held now" is the review queue's total (app/staff/review.server.ts)
    sumsByCurrency(db, "Guarantee", (p) => `"shop" = ${p(shop)} AND "state" = 'active'`),
    db.dispute.count({ where: { shop, type: "chargeback", reason: { in: [...FRAUD_REASONS] } } }),
    db.claim.groupBy({ by: ["state"], where: { shop }, _count: { _all: true } }),
    feeTotals(db, shop),
    verdictsPerDay(db, shop, now, opts.timeZone),
    scoreBands(db, shop),
    failedActionsCount(db, shop),
    db.job.count({ where: { shop, state: "dead" } }),
  ]);
  const screened = verdicts.reduce((n, v) => n + v._count._all, 0);
  const approved = verdicts.find((v) => v.verdict === "ship")?._count._all ?? 0;
  const claimCount = (state: string) => claims.find((c) => c.state === state)?._count._all ?? 0;
  return {
    screened, approved, held: screened - approved,
    approvalRate: screened > 0 ? approved / screened : null,
    heldNow, guaranteed, fraudChargebacks,
    claims: { open: claimCount("open"), approved: claimCount("approved"), paid: claimCount("paid"), closed: claimCount("closed") },
    fees, perDay, scoreBands: bands, failedActions, deadJobs,
  };
}
