/**
 * The backtest report (../shared/docs/corpus-format.md): JSON keys, the guarantee figures and the
 * HTML page. Pure functions of the replayed orders; scripts/backtest.ts re-exports them.
 */
import { Decimal } from "../../app/guarantee/money";
import { brierScore, expectedCalibrationError, reliabilityTable, type ReliabilityRow } from "../../app/risk/calibration";
import { approvalPoint, prAuc, recallAtFpr, rocAuc, type ApprovalPoint } from "../../app/risk/metrics";
import type { Scored } from "../backtest";

/** A figure rounded to 4 decimals for the report (non-finite values as they are). */
export const r4 = (x: number): number => (Number.isFinite(x) ? Math.round(x * 10_000) / 10_000 : x);

export const APPROVALS = [0.9, 0.95, 0.975, 0.99];
/** Shares of legitimate orders held at which `good_order_points` report the fraud caught. */
export const GOOD_HELD = [0.01, 0.05, 0.1];

/** Fraud caught while holding at most `good_held` of the legitimate orders (ties never split). */
export interface GoodOrderPoint { good_held: number; threshold: number; fraud_caught: number }

/** Calibration of each order's `probability` against its label (app/risk/calibration.ts). */
export interface CalibrationReport { brier: number; ece: number; reliability: ReliabilityRow[] }

export interface Report {
  orders: number; skipped: number; fraud: number; roc_auc: number; pr_auc: number; approval_points: ApprovalPoint[];
  good_order_points: GoodOrderPoint[];
  calibration: CalibrationReport;
  guarantee: {
    fee_rate: number; fees: number; chargebacks_on_approved: number; currency: string; claims_at_approval_points: ClaimsAtApproval[];
    approval_points: GuaranteeAtApproval[];
  };
  rules: { id: string; hits: number; precision: number }[];
  /**
   * How many orders came with how many of the five groups of facts, and how many were too thin to
   * judge (fewer than two: held for review by the default policy). Reported beside the figures,
   * which rank by score alone.
   */
  coverage: CoverageReport;
}

export interface CoverageReport { thin_data: number; thin_data_fraud: number; by_groups: Record<string, number> }

export function coverageReport(scored: Scored[]): CoverageReport {
  const byGroups: Record<string, number> = {};
  let thin = 0;
  let thinFraud = 0;
  for (const s of scored) {
    const g = s.decision.coverageGroups;
    if (g !== undefined) byGroups[String(g)] = (byGroups[String(g)] ?? 0) + 1;
    if (s.decision.thinData) {
      thin++;
      if (s.row.fraud) thinFraud++;
    }
  }
  return { thin_data: thin, thin_data_fraud: thinFraud, by_groups: byGroups };
}

/**
 * The guarantee's economics at one approval point (orders approved = score below the threshold):
 * - `approved_orders`, `approved_value`: how many orders and how much order value the guarantee covers;
 * - `expected_chargebacks`: Σ probability × order total over the approved orders (what the model expects to pay);
 * - `actual_chargebacks`: what it would have paid: the approved fraud orders, at the label's chargeback amount, else the total;
 * - `break_even_fee_rate`: actual / approved value, the fee rate at which fees on approved orders equal the
 *   chargebacks paid; `expected_break_even_fee_rate`: the same from the expected chargebacks.
 */
export interface GuaranteeAtApproval {
  approval: number; threshold: number; approved_orders: number; approved_value: number;
  expected_chargebacks: number; actual_chargebacks: number; break_even_fee_rate: number; expected_break_even_fee_rate: number;
}

export function guaranteeAtApproval(scored: Scored[], point: { approval: number; threshold: number }): GuaranteeAtApproval {
  let orders = 0;
  let value = new Decimal(0);
  let expected = 0;
  for (const s of scored) {
    if (s.decision.score >= point.threshold) continue;
    const total = Number(s.row.order.total_price) || 0;
    orders++;
    value = value.plus(new Decimal(String(total)));
    expected += s.decision.probability * total;
  }
  const approvedValue = value.toNumber();
  const actual = claimsAtApproval(scored, point).claims_value;
  const rate = (x: number): number => (approvedValue > 0 ? Math.round((x / approvedValue) * 1e6) / 1e6 : 0);
  return {
    approval: point.approval, threshold: point.threshold, approved_orders: orders, approved_value: value.toDecimalPlaces(2).toNumber(),
    expected_chargebacks: Math.round(expected * 100) / 100, actual_chargebacks: actual,
    break_even_fee_rate: rate(actual), expected_break_even_fee_rate: rate(expected),
  };
}

export function calibrationReport(scored: Scored[]): CalibrationReport {
  const p = scored.map((s) => s.decision.probability);
  const y = scored.map((s) => s.row.fraud);
  return {
    brier: r4(brierScore(p, y)), ece: r4(expectedCalibrationError(p, y)),
    reliability: reliabilityTable(p, y).map((r) => ({ ...r, predicted: r4(r.predicted), observed: r4(r.observed) })),
  };
}

export function goodOrderPoints(scores: ArrayLike<number>, labels: ArrayLike<boolean>): GoodOrderPoint[] {
  return GOOD_HELD.map((g) => {
    const r = recallAtFpr(scores, labels, g);
    return { good_held: g, threshold: Math.round(r.threshold * 100) / 100, fraud_caught: r4(r.recall) };
  });
}

/**
 * The guarantee claims that would have been opened at one approval point: the labelled-fraud orders
 * approved there (score below its threshold), each a fraud chargeback on an approved order, valued at
 * the label's chargeback amount when given, else the order's total (summed exactly, no cap).
 */
export interface ClaimsAtApproval { approval: number; threshold: number; claims: number; claims_value: number }

export function claimsAtApproval(scored: Scored[], point: { approval: number; threshold: number }): ClaimsAtApproval {
  let claims = 0;
  let value = new Decimal(0);
  for (const s of scored) {
    if (!s.row.fraud || s.decision.score >= point.threshold) continue;
    claims++;
    const amount = s.row.chargeback ?? (Number(s.row.order.total_price) || 0);
    value = value.plus(new Decimal(String(amount)));
  }
  return { approval: point.approval, threshold: point.threshold, claims, claims_value: value.toDecimalPlaces(2).toNumber() };
}


export function buildReport(scored: Scored[], skipped: number, feeRate = 0.005): Report {
  const scores = scored.map((s) => s.decision.score);
  // Ranking figures use the calibrated probability itself: the 0-1000 score rounds it, which ties
  // most orders of a low-risk shop (p 2-10% is only 80 score values). Approval points stay on the
  // score, the unit a shop's threshold is set in. A good-order point's threshold is 1000 x p.
  const fine = scored.map((s) => (Number.isFinite(s.decision.probability) ? 1000 * s.decision.probability : s.decision.score));
  const labels = scored.map((s) => s.row.fraud);
  let fees = 0;
  let cb = 0;
  const currencies = new Map<string, number>();
  for (const s of scored) {
    const total = Number(s.row.order.total_price) || 0;
    const cur = String(s.row.order.currency);
    currencies.set(cur, (currencies.get(cur) ?? 0) + 1);
    if (s.decision.verdict === "ship") {
      fees += total * feeRate;
      if (s.row.fraud) cb += s.row.chargeback ?? total;
    }
  }
  const ids = Object.keys(scored[0]?.features ?? {});
  const hits = new Map<string, number>();
  const tps = new Map<string, number>();
  for (const s of scored) {
    for (const id of s.flagged) {
      hits.set(id, (hits.get(id) ?? 0) + 1);
      if (s.row.fraud) tps.set(id, (tps.get(id) ?? 0) + 1);
    }
  }
  const rules = ids.map((id) => {
    const h = hits.get(id) ?? 0;
    return { id, hits: h, precision: h ? r4((tps.get(id) ?? 0) / h) : 0 };
  });
  const approvalPoints = APPROVALS.map((a) => {
    const p = approvalPoint(scores, labels, a);
    return { ...p, fraud_caught: r4(p.fraud_caught), fraud_rate_approved: r4(p.fraud_rate_approved) };
  });
  return {
    orders: scored.length, skipped, fraud: labels.filter(Boolean).length, roc_auc: r4(rocAuc(fine, labels)), pr_auc: r4(prAuc(fine, labels)),
    approval_points: approvalPoints,
    good_order_points: goodOrderPoints(fine, labels),
    calibration: calibrationReport(scored),
    guarantee: {
      fee_rate: feeRate, fees: Math.round(fees * 100) / 100, chargebacks_on_approved: Math.round(cb * 100) / 100, currency: [...currencies].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "USD",
      claims_at_approval_points: approvalPoints.map((p) => claimsAtApproval(scored, p)),
      approval_points: approvalPoints.map((p) => guaranteeAtApproval(scored, p)),
    },
    rules,
    coverage: coverageReport(scored),
  };
}

const pct = (x: number, d = 1): string => `${(x * 100).toFixed(d)}%`;

/** Console lines for the good-order points, the calibration and the guarantee per approval point. */
export function summaryLines(report: Report): string[] {
  const c = report.calibration;
  const cur = report.guarantee.currency;
  return [
    ...report.good_order_points.map((g) => `holding ${pct(g.good_held)} of legitimate orders: threshold ${g.threshold}, fraud caught ${pct(g.fraud_caught)}`),
    `coverage: ${report.coverage.thin_data} orders too thin to judge (fewer than 2 of 5 groups of facts; ${report.coverage.thin_data_fraud} of them fraud), held for review by the default policy; orders by groups present: ${Object.entries(report.coverage.by_groups).map(([g, n]) => `${g}: ${n}`).join(", ")}`,
    `calibration: Brier ${c.brier}, ECE ${c.ece}`,
    ...c.reliability.map((r) => `  p ${r.band.padEnd(9)} ${String(r.orders).padStart(7)} orders, predicted ${pct(r.predicted, 2).padStart(7)}, observed ${pct(r.observed, 2).padStart(7)}`),
    ...report.guarantee.approval_points.map((g) => `guarantee at ${pct(g.approval)} approval (threshold ${g.threshold}): approved ${g.approved_orders} orders, ${g.approved_value} ${cur}; ` +
      `chargebacks expected ${g.expected_chargebacks}, actual ${g.actual_chargebacks}; break-even fee ${pct(g.break_even_fee_rate, 2)} (expected ${pct(g.expected_break_even_fee_rate, 2)})`),
  ];
}

export function htmlReport(report: Report, scored: Scored[], title: string): string {
  const bins = 50;
  const legit = new Array<number>(bins).fill(0);
  const fraud = new Array<number>(bins).fill(0);
  for (const s of scored) (s.row.fraud ? fraud : legit)[Math.min(bins - 1, Math.floor(s.decision.score / (1001 / bins)))]!++;
  const max = Math.max(1, ...legit.map((l, i) => l + fraud[i]!));
  const W = 600;
  const H = 240;
  const bw = W / bins;
  const bars = legit.map((l, i) => {
    const hl = (Math.log1p(l) / Math.log1p(max)) * H;
    const hf = (Math.log1p(fraud[i]!) / Math.log1p(max)) * H;
    return `<rect x="${(i * bw).toFixed(1)}" y="${(H - hl).toFixed(1)}" width="${(bw / 2 - 0.5).toFixed(1)}" height="${hl.toFixed(1)}" fill="#5c8"><title>${i * 20}-${i * 20 + 19}: ${l} legit</title></rect>` +
      `<rect x="${(i * bw + bw / 2).toFixed(1)}" y="${(H - hf).toFixed(1)}" width="${(bw / 2 - 0.5).toFixed(1)}" height="${hf.toFixed(1)}" fill="#d54"><title>${i * 20}-${i * 20 + 19}: ${fraud[i]} fraud</title></rect>`;
  }).join("");
  // ROC curve: one point per distinct score.
  const sorted = [...scored].sort((a, b) => b.decision.score - a.decision.score);
  const P = report.fraud || 1;
  const N = scored.length - report.fraud || 1;
  let tp = 0;
  let fp = 0;
  const pts: string[] = ["0,300"];
  for (let i = 0; i < sorted.length; i++) {
    if (sorted[i]!.row.fraud) tp++; else fp++;
    if (i === sorted.length - 1 || sorted[i + 1]!.decision.score !== sorted[i]!.decision.score) pts.push(`${((fp / N) * 300).toFixed(1)},${(300 - (tp / P) * 300).toFixed(1)}`);
  }
  const rows = report.approval_points.map((p) => `<tr><td>${p.approval}</td><td>${p.threshold}</td><td>${(p.fraud_caught * 100).toFixed(1)}%</td><td>${(p.fraud_rate_approved * 100).toFixed(2)}%</td></tr>`).join("");
  const esc = (s: string): string => s.replace(/[&<>"]/gu, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><meta charset="utf-8"><title>${esc(title)}</title><style>body{font:14px system-ui;margin:2em}td,th{padding:2px 8px;text-align:right}</style>
<h1>Holdfast backtest: ${esc(title)}</h1>
<p>${report.orders} orders, ${report.fraud} fraud, ${report.skipped} skipped. ROC-AUC ${report.roc_auc}, PR-AUC ${report.pr_auc}.</p>
<table><tr><th>approval</th><th>threshold</th><th>fraud caught</th><th>fraud rate approved</th></tr>${rows}</table>
<h2>Fraud caught against legitimate orders held</h2><table><tr><th>good orders held</th><th>threshold</th><th>fraud caught</th></tr>${report.good_order_points.map((g) => `<tr><td>${pct(g.good_held)}</td><td>${g.threshold}</td><td>${pct(g.fraud_caught)}</td></tr>`).join("")}</table>
<h2>Calibration (Brier ${report.calibration.brier}, ECE ${report.calibration.ece})</h2><table><tr><th>probability</th><th>orders</th><th>predicted</th><th>observed</th></tr>${report.calibration.reliability.map((r) => `<tr><td>${r.band}</td><td>${r.orders}</td><td>${pct(r.predicted, 2)}</td><td>${pct(r.observed, 2)}</td></tr>`).join("")}</table>
<h2>Guarantee by approval point (${esc(report.guarantee.currency)})</h2><table><tr><th>approval</th><th>threshold</th><th>approved orders</th><th>approved value</th><th>expected chargebacks</th><th>actual chargebacks</th><th>break-even fee</th><th>expected break-even fee</th></tr>${report.guarantee.approval_points.map((g) => `<tr><td>${g.approval}</td><td>${g.threshold}</td><td>${g.approved_orders}</td><td>${g.approved_value}</td><td>${g.expected_chargebacks}</td><td>${g.actual_chargebacks}</td><td>${pct(g.break_even_fee_rate, 2)}</td><td>${pct(g.expected_break_even_fee_rate, 2)}</td></tr>`).join("")}</table>
<h2>Score histogram (log scale; green legit, red fraud)</h2><svg width="${W}" height="${H + 20}" viewBox="0 0 ${W} ${H + 20}">${bars}<text x="0" y="${H + 15}">0</text><text x="${W - 30}" y="${H + 15}">1000</text></svg>
<h2>ROC curve (AUC ${report.roc_auc})</h2><svg width="320" height="320" viewBox="-10 -10 320 320"><rect x="0" y="0" width="300" height="300" fill="none" stroke="#999"/><line x1="0" y1="300" x2="300" y2="0" stroke="#ccc" stroke-dasharray="4"/><polyline fill="none" stroke="#36c" stroke-width="2" points="${pts.join(" ")}"/></svg>
<h2>Rules</h2><table><tr><th>id</th><th>hits</th><th>precision</th></tr>${report.rules.map((r) => `<tr><td>${esc(r.id)}</td><td>${r.hits}</td><td>${r.precision}</td></tr>`).join("")}</table>`;
}
