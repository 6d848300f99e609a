/**
 * Backtest: replay a labelled corpus (../shared/docs/corpus-format.md) in created_at
 * order through the risk engine and measure it.
 *
 *   npm run backtest -- --input CORPUS.jsonl[.gz] [--out REPORT.json] [--html REPORT.html]
 *                       [--scores SCORES.csv] [--model FILE] [--ip-table ip_country.csv] [--threshold N]
 *                       [--label-delay 30d|12h|7d]   (learning from outcomes: cold-start and with-feedback figures)
 */
import { createReadStream, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { Decimal } from "../app/guarantee/money";
import { InMemoryHistoryStore } from "../app/risk/history";
import { countryNameToIso, lookupIpRange, parseIpRangeCsv } from "../app/risk/ip-table";
import { approvalPoint, prAuc, recallAtFpr, rocAuc, type ApprovalPoint } from "../app/risk/metrics";
import { MAX_FIT_ROWS, fitShopAdjustment, scoreFromOutcomes, type LabelledExample } from "../app/risk/learning";
import { screenWithHistory } from "../app/risk/replay";
import { defaultRuleset } from "../app/risk/ruleset";
import type { Decision, Model, Ruleset, ShopAdjustment } from "../app/risk/types";

export interface CorpusRow { line: number; order: Record<string, unknown>; fraud: boolean; chargeback?: number; createdAt: number }
export interface BadLine { line: number; error: string }

export async function loadCorpus(path: string, onProgress?: (n: number) => void): Promise<{ rows: CorpusRow[]; bad: BadLine[] }> {
  const raw = createReadStream(path);
  const input = path.endsWith(".gz") ? raw.pipe(createGunzip()) : raw;
  const rl = createInterface({ input, crlfDelay: Infinity });
  const rows: CorpusRow[] = [];
  const bad: BadLine[] = [];
  let line = 0;
  for await (const text of rl) {
    line++;
    if (!text.trim()) continue;
    try {
      const rec = JSON.parse(text) as { order?: Record<string, unknown>; label?: { fraud?: unknown; chargeback?: { amount?: unknown } } };
      const o = rec?.order;
      if (!o || typeof o !== "object") throw new Error("missing order");
      for (const k of ["id", "created_at", "total_price", "currency"]) if (o[k] === undefined || o[k] === null) throw new Error(`order.${k} missing`);
      const createdAt = Date.parse(String(o.created_at));
      if (!Number.isFinite(createdAt)) throw new Error("order.created_at is not a date");
      if (typeof rec.label?.fraud !== "boolean") throw new Error("label.fraud must be true or false");
      const cb = Number(rec.label.chargeback?.amount);
      rows.push({ line, order: o, fraud: rec.label.fraud, createdAt, ...(Number.isFinite(cb) ? { chargeback: cb } : {}) });
    } catch (e) {
      bad.push({ line, error: (e as Error).message.slice(0, 200) });
    }
    if (onProgress && line % 10_000 === 0) onProgress(line);
  }
  return { rows, bad };
}

/** What the backtest keeps per order (not the whole decision: memory stays flat). */
export interface Scored {
  row: CorpusRow;
  decision: Pick<Decision, "score" | "verdict" | "modelVersion">;
  features: Record<string, number>;
  /** Signals that hit and pushed towards hold. */
  flagged: string[];
  /** With `labelDelayMs`: the score under the shop's adjustment learnt from the labels revealed before this order. */
  feedbackScore?: number;
}

const DAY_MS = 86_400_000;

/** `--label-delay`: a whole number of hours or days ("12h", "7d", "30d"), strictly; at most 3650 days. */
export function parseLabelDelay(text: string): number {
  const m = /^([1-9]\d{0,5})(h|d)$/.exec(text);
  if (!m) throw new Error(`--label-delay must be a whole number of hours or days, e.g. 12h, 7d or 30d (got "${text}")`);
  const ms = Number(m[1]) * (m[2] === "h" ? 3_600_000 : DAY_MS);
  if (ms > 3650 * DAY_MS) throw new Error(`--label-delay ${text} is longer than 3650 days`);
  return ms;
}

export interface FeedbackRun {
  labelDelayMs: number;
  /** Refits done (at most one per simulated day, only when new labels arrived). */
  refits: number;
  /** Labels revealed by the end of the replay. */
  labelsRevealed: number;
  /** The last adjustment fitted. */
  adjustment?: ShopAdjustment;
}

/**
 * Replay in created_at order (stable: ties keep file order); history sees only earlier orders.
 * With `labelDelayMs`, each order's label is revealed that long after its created_at; before the
 * first order of each simulated (UTC) day, if new labels arrived, the shop's adjustment is refitted
 * with `fitShopAdjustment` from the newest MAX_FIT_ROWS labels revealed so far (warm-started from the
 * previous fit), and every later order also gets a `feedbackScore` under it. `decision.score` stays the
 * cold-start score (the global model alone).
 */
export function replay(
  rows: CorpusRow[],
  opts: { model?: Model; threshold?: number; ipCountry?: (ip: string) => string | undefined; onProgress?: (n: number) => void; shop?: string; labelDelayMs?: number },
): { scored: Scored[]; failed: BadLine[]; feedback?: FeedbackRun } {
  const sorted = [...rows].sort((a, b) => a.createdAt - b.createdAt || a.line - b.line);
  const store = new InMemoryHistoryStore();
  const ruleset = defaultRuleset({ model: opts.model, threshold: opts.threshold });
  const scored: Scored[] = [];
  const failed: BadLine[] = [];
  const delay = opts.labelDelayMs;
  const learning = delay !== undefined && Number.isFinite(delay) && delay >= 0;
  // Labels in the order they are revealed (created_at order, so reveal order too).
  const labelled: LabelledExample[] = [];
  let revealed = 0;
  let fittedOn = 0;
  let lastFitDay = -Infinity;
  let adjusted: Ruleset = ruleset;
  const feedback: FeedbackRun | undefined = learning ? { labelDelayMs: delay, refits: 0, labelsRevealed: 0 } : undefined;
  sorted.forEach((row, i) => {
    if (learning) {
      while (revealed < scored.length && scored[revealed]!.row.createdAt + delay <= row.createdAt) {
        const s = scored[revealed++]!;
        labelled.push({ features: s.features, fraud: s.row.fraud });
      }
      const day = Math.floor(row.createdAt / DAY_MS);
      if (day > lastFitDay && labelled.length > fittedOn) {
        const adjustment = fitShopAdjustment(ruleset.model, labelled.length > MAX_FIT_ROWS ? labelled.slice(-MAX_FIT_ROWS) : labelled, {
          version: feedback!.refits + 1, start: feedback!.adjustment,
        });
        adjusted = { ...ruleset, adjustment };
        feedback!.adjustment = adjustment;
        feedback!.refits++;
        fittedOn = labelled.length;
        lastFitDay = day;
      }
    }
    try {
      const { decision } = screenWithHistory(row.order, undefined, { shop: opts.shop ?? "backtest", ipCountry: opts.ipCountry }, store, ruleset);
      const features: Record<string, number> = {};
      const flagged: string[] = [];
      for (const o of decision.outcomes) {
        features[o.id] = o.feature;
        if (o.outcome === "hit" && o.contribution > 0) flagged.push(o.id);
      }
      scored.push({
        row, decision: { score: decision.score, verdict: decision.verdict, modelVersion: decision.modelVersion }, features, flagged,
        ...(learning ? { feedbackScore: adjusted === ruleset ? decision.score : scoreFromOutcomes(decision.outcomes, adjusted) } : {}),
      });
    } catch (e) {
      failed.push({ line: row.line, error: (e as Error).message.slice(0, 200) });
    }
    if (opts.onProgress && (i + 1) % 5_000 === 0) opts.onProgress(i + 1);
  });
  if (feedback) feedback.labelsRevealed = labelled.length;
  return { scored, failed, ...(feedback ? { feedback } : {}) };
}

export interface FeedbackFigures { roc_auc: number; pr_auc: number; fraud_caught_at_5pct_good_held: number; threshold_at_5pct_good_held: number }

/** Cold-start and with-feedback figures side by side (the report's `feedback` key). */
export function feedbackReport(scored: Scored[], run: FeedbackRun) {
  const labels = scored.map((s) => s.row.fraud);
  const figures = (scores: number[]): FeedbackFigures => {
    const t = recallAtFpr(scores, labels, 0.05);
    return { roc_auc: r4(rocAuc(scores, labels)), pr_auc: r4(prAuc(scores, labels)), fraud_caught_at_5pct_good_held: r4(t.recall), threshold_at_5pct_good_held: t.threshold };
  };
  return {
    label_delay_hours: run.labelDelayMs / 3_600_000, refits: run.refits, labels_revealed: run.labelsRevealed, max_fit_rows: MAX_FIT_ROWS,
    final_adjustment: run.adjustment ?? null,
    cold_start: figures(scored.map((s) => s.decision.score)),
    with_feedback: figures(scored.map((s) => s.feedbackScore ?? s.decision.score)),
  };
}

export const APPROVALS = [0.9, 0.95, 0.975, 0.99];

export interface Report {
  orders: number; skipped: number; fraud: number; roc_auc: number; pr_auc: number; approval_points: ApprovalPoint[];
  guarantee: { fee_rate: number; fees: number; chargebacks_on_approved: number; currency: string; claims_at_approval_points: ClaimsAtApproval[] };
  rules: { id: string; hits: number; precision: number }[];
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

const r4 = (x: number): number => (Number.isFinite(x) ? Math.round(x * 10_000) / 10_000 : x);

export function buildReport(scored: Scored[], skipped: number, feeRate = 0.005): Report {
  const scores = scored.map((s) => s.decision.score);
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
    orders: scored.length, skipped, fraud: labels.filter(Boolean).length, roc_auc: r4(rocAuc(scores, labels)), pr_auc: r4(prAuc(scores, labels)),
    approval_points: approvalPoints,
    guarantee: {
      fee_rate: feeRate, fees: Math.round(fees * 100) / 100, chargebacks_on_approved: Math.round(cb * 100) / 100, currency: [...currencies].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "USD",
      claims_at_approval_points: approvalPoints.map((p) => claimsAtApproval(scored, p)),
    },
    rules,
  };
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
<h2>Score histogram (log scale; green legit, red fraud)</h2><svg width="${W}" height="${H + 20}" viewBox="0 0 ${W} ${H + 20}">${bars}<text x="0" y="${H + 15}">0</text><text x="${W - 30}" y="${H + 15}">1000</text></svg>
<h2>ROC curve (AUC ${report.roc_auc})</h2><svg width="320" height="320" viewBox="-10 -10 320 320"><rect x="0" y="0" width="300" height="300" fill="none" stroke="#999"/><line x1="0" y1="300" x2="300" y2="0" stroke="#ccc" stroke-dasharray="4"/><polyline fill="none" stroke="#36c" stroke-width="2" points="${pts.join(" ")}"/></svg>
<h2>Rules</h2><table><tr><th>id</th><th>hits</th><th>precision</th></tr>${report.rules.map((r) => `<tr><td>${esc(r.id)}</td><td>${r.hits}</td><td>${r.precision}</td></tr>`).join("")}</table>`;
}

export function ipCountryFromTable(path: string): (ip: string) => string | undefined {
  const table = parseIpRangeCsv(readFileSync(path, "utf8"), countryNameToIso);
  return (ip) => lookupIpRange(table, ip);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const input = opt("--input");
  if (!input) {
    console.error("usage: npm run backtest -- --input CORPUS.jsonl[.gz] [--out REPORT.json] [--html REPORT.html] [--scores SCORES.csv] [--model FILE] [--ip-table FILE] [--threshold N] [--label-delay 30d]");
    process.exit(2);
  }
  const t0 = performance.now();
  const model = opt("--model") ? (JSON.parse(readFileSync(opt("--model")!, "utf8")) as Model) : undefined;
  const ipTable = opt("--ip-table");
  const ipCountry = ipTable ? ipCountryFromTable(ipTable) : undefined;
  const thr = opt("--threshold");
  const delayText = opt("--label-delay");
  let labelDelayMs: number | undefined;
  if (args.includes("--label-delay")) {
    try {
      labelDelayMs = parseLabelDelay(delayText ?? "");
    } catch (e) {
      console.error((e as Error).message);
      process.exit(2);
    }
  }
  process.stderr.write(`reading ${input}\n`);
  const { rows, bad } = await loadCorpus(input, (n) => process.stderr.write(`  read ${n} lines\r`));
  for (const b of bad.slice(0, 20)) process.stderr.write(`line ${b.line}: skipped: ${b.error}\n`);
  if (bad.length > 20) process.stderr.write(`... and ${bad.length - 20} more bad lines\n`);
  const { scored, failed, feedback: run } = replay(rows, {
    model, ipCountry, threshold: thr ? Number(thr) : undefined, labelDelayMs, onProgress: (n) => process.stderr.write(`  replayed ${n}/${rows.length}\r`),
  });
  for (const b of failed.slice(0, 20)) process.stderr.write(`line ${b.line}: skipped: ${b.error}\n`);
  const report = buildReport(scored, bad.length + failed.length);
  const scores = scored.map((s) => s.decision.score);
  const labels = scored.map((s) => s.row.fraud);
  const tpr = recallAtFpr(scores, labels, 0.05);
  const out = opt("--out");
  const feedback = run ? feedbackReport(scored, run) : undefined;
  if (out) writeFileSync(out, JSON.stringify(feedback ? { ...report, feedback } : report, null, 2) + "\n");
  const html = opt("--html");
  if (html) writeFileSync(html, htmlReport(report, scored, resolve(input)));
  const csv = opt("--scores");
  if (csv) writeFileSync(csv, "order_id,score,verdict,fraud\n" + scored.map((s) => `${String(s.row.order.id)},${s.decision.score},${s.decision.verdict},${s.row.fraud}`).join("\n") + "\n");
  const p95 = report.approval_points.find((p) => p.approval === 0.95)!;
  const secs = (performance.now() - t0) / 1000;
  console.log(`\n${report.orders} orders (${report.fraud} fraud), ${report.skipped} skipped, model ${scored[0]?.decision.modelVersion ?? "-"}`);
  console.log(`ROC-AUC ${report.roc_auc}  PR-AUC ${report.pr_auc}`);
  for (const p of report.approval_points) console.log(`approval ${(p.approval * 100).toFixed(1)}%: threshold ${p.threshold}, fraud caught ${(p.fraud_caught * 100).toFixed(1)}%, fraud rate approved ${(p.fraud_rate_approved * 100).toFixed(2)}%`);
  console.log(`(95% approval of all orders: ${(p95.fraud_caught * 100).toFixed(1)}% caught; holding 5% of legitimate orders instead: ${(tpr.recall * 100).toFixed(1)}% caught at threshold ${tpr.threshold})`);
  console.log(`guarantee: fees ${report.guarantee.fees} ${report.guarantee.currency}, chargebacks on approved ${report.guarantee.chargebacks_on_approved}`);
  for (const c of report.guarantee.claims_at_approval_points) console.log(`  claims at ${(c.approval * 100).toFixed(1)}% approval (threshold ${c.threshold}): ${c.claims}, value ${c.claims_value}`);
  if (feedback) {
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    console.log(`learning from outcomes (labels revealed ${delayText} after each order; ${feedback.refits} refits, ${feedback.labels_revealed} labels; final intercept ${feedback.final_adjustment?.intercept ?? 0}, offsets ${JSON.stringify(feedback.final_adjustment?.offsets ?? {})})`);
    console.log(`                      cold start   with feedback`);
    console.log(`  ROC-AUC             ${String(feedback.cold_start.roc_auc).padEnd(12)} ${feedback.with_feedback.roc_auc}`);
    console.log(`  PR-AUC              ${String(feedback.cold_start.pr_auc).padEnd(12)} ${feedback.with_feedback.pr_auc}`);
    console.log(`  caught, 5% good held ${pct(feedback.cold_start.fraud_caught_at_5pct_good_held).padEnd(12)} ${pct(feedback.with_feedback.fraud_caught_at_5pct_good_held)}`);
  }
  console.log(`time ${secs.toFixed(2)} s, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
