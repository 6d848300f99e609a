// What a hold threshold would have meant on the shop's own recent orders (the settings page shows
// it before saving). Pure: rows in, figures out. An order decided by a list entry, held for thin
// data or decided by a person (decidedBy "staff") keeps that verdict (the threshold does not decide
// it; a person's ship counts as approved, anything else as held); every other order is approved when its
// stored score is below the threshold, as the engine decides (app/risk/engine.ts: hold if score >= threshold).
// Expected chargeback cost of the approved orders = sum of probability x total, per currency; an
// approved order without a stored probability or total is left out of the cost and counted.
import { money, roundTo } from "../guarantee/money";

export interface ImpactRow {
  score: number;
  probability: number | null;
  total: string | null;
  currency: string | null;
  decidedBy: string;
  /** The stored verdict: what a person's decision (decidedBy "staff") keeps. */
  verdict?: string;
}

export interface ThresholdImpact {
  threshold: number;
  orders: number;
  approved: number;
  held: number;
  /** approved / orders (0 when there are no orders). */
  approvalRate: number;
  /** Orders whose verdict the threshold does not change (block or allow list, thin data, a person's decision). */
  fixed: number;
  /** Expected chargeback cost of the approved orders, per currency, as exact decimal strings. */
  cost: { currency: string; amount: string; orders: number }[];
  /** Approved orders left out of the cost: no stored probability, total or currency. */
  leftOut: number;
}

/** The verdict the threshold gives a stored decision (lists, thin data and a person's decision keep theirs). */
export function verdictAt(row: Pick<ImpactRow, "score" | "decidedBy" | "verdict">, threshold: number): "ship" | "hold" {
  if (row.decidedBy === "staff") return row.verdict === "ship" ? "ship" : "hold";
  if (row.decidedBy === "allow_list") return "ship";
  if (row.decidedBy === "block_list" || row.decidedBy === "thin_data") return "hold";
  // An unknown way of deciding or a score that is not a number is never read as approved.
  if (row.decidedBy !== "score" || !Number.isFinite(row.score)) return "hold";
  return row.score >= threshold ? "hold" : "ship";
}

export function thresholdImpact(rows: readonly ImpactRow[], threshold: number): ThresholdImpact {
  let approved = 0;
  let fixed = 0;
  let leftOut = 0;
  const sums = new Map<string, { amount: ReturnType<typeof money>; orders: number }>();
  for (const row of rows) {
    if (row.decidedBy !== "score") fixed++;
    if (verdictAt(row, threshold) !== "ship") continue;
    approved++;
    const p = row.probability;
    let total: ReturnType<typeof money> | null = null;
    try {
      total = row.total !== null ? money(row.total) : null;
    } catch {
      total = null;
    }
    if (p === null || !Number.isFinite(p) || p < 0 || p > 1 || total === null || !row.currency || !/^[A-Z]{3}$/.test(row.currency)) {
      leftOut++;
      continue;
    }
    const sum = sums.get(row.currency) ?? { amount: money(0), orders: 0 };
    sum.amount = sum.amount.plus(total.times(p));
    sum.orders++;
    sums.set(row.currency, sum);
  }
  return {
    threshold,
    orders: rows.length,
    approved,
    held: rows.length - approved,
    approvalRate: rows.length === 0 ? 0 : approved / rows.length,
    fixed,
    cost: [...sums.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([currency, s]) => ({ currency, amount: roundTo(s.amount, currency), orders: s.orders })),
    leftOut,
  };
}
