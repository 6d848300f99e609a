/**
 * Backtest: replay a labelled corpus (../shared/docs/corpus-format.md) in created_at
 * order through the risk engine and measure it.
 *
 *   npm run backtest -- --input CORPUS.jsonl[.gz] [--out REPORT.json] [--html REPORT.html]
 *                       [--scores SCORES.csv] [--model FILE] [--ip-table ip_country.csv] [--threshold N] [--timezone IANA, default UTC]
 *                       [--label-delay 30d|12h|7d]   (learning from outcomes: cold-start and with-feedback figures)
 */
import { createReadStream, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { z } from "zod";
import { InMemoryHistoryStore } from "../app/risk/history";
import { countryNameToIso, lookupIpRange, parseIpRangeCsv } from "../app/risk/ip-table";
import { isKnownTimezone } from "../app/risk/local-time";
import { MAX_FIT_ROWS, fitShopAdjustment, logitFromOutcomes, type LabelledExample } from "../app/risk/learning";
import { probabilityFromLogit } from "../app/risk/engine";
import { prAuc, recallAtFpr, rocAuc } from "../app/risk/metrics";
import { screenWithHistory } from "../app/risk/replay";
import { defaultRuleset } from "../app/risk/ruleset";
import type { Decision, Model, Ruleset, ShopAdjustment } from "../app/risk/types";
import { buildReport, htmlReport, r4, summaryLines } from "./lib/backtest-report";

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
  decision: Pick<Decision, "score" | "probability" | "verdict" | "modelVersion"> & { thinData?: boolean; coverageGroups?: number };
  features: Record<string, number>;
  /** Signals that hit and pushed towards hold. */
  flagged: string[];
  /** With `labelDelayMs`: 1000 x the probability under the shop's adjustment learnt from the labels revealed before this order. */
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
  opts: { model?: Model; threshold?: number; ipCountry?: (ip: string) => string | undefined; onProgress?: (n: number) => void; shop?: string; timezone?: string; labelDelayMs?: number },
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
      const { decision } = screenWithHistory(row.order, undefined, { shop: opts.shop ?? "backtest", ipCountry: opts.ipCountry, timezone: opts.timezone }, store, ruleset);
      const features: Record<string, number> = {};
      const flagged: string[] = [];
      for (const o of decision.outcomes) {
        features[o.id] = o.feature;
        if (o.outcome === "hit" && o.contribution > 0) flagged.push(o.id);
      }
      scored.push({
        row, decision: {
          score: decision.score, probability: decision.probability, verdict: decision.verdict, modelVersion: decision.modelVersion,
          thinData: decision.thinData, coverageGroups: decision.coverage.groups,
        },
        features, flagged,
        ...(learning ? { feedbackScore: adjusted === ruleset ? 1000 * decision.probability : 1000 * probabilityFromLogit(logitFromOutcomes(decision.outcomes, adjusted), adjusted) } : {}),
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
    cold_start: figures(scored.map((s) => 1000 * s.decision.probability)),
    with_feedback: figures(scored.map((s) => s.feedbackScore ?? 1000 * s.decision.probability)),
  };
}

export { APPROVALS, buildReport, claimsAtApproval, htmlReport, type ClaimsAtApproval, type Report } from "./lib/backtest-report";
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
    console.error("usage: npm run backtest -- --input CORPUS.jsonl[.gz] [--out REPORT.json] [--html REPORT.html] [--scores SCORES.csv] [--model FILE] [--ip-table FILE] [--threshold N] [--timezone IANA] [--label-delay 30d]");
    process.exit(2);
  }
  const t0 = performance.now();
  const model = opt("--model") ? (JSON.parse(readFileSync(opt("--model")!, "utf8")) as Model) : undefined;
  const ipTable = opt("--ip-table");
  const ipCountry = ipTable ? ipCountryFromTable(ipTable) : undefined;
  const thr = opt("--threshold");
  // The shop's timezone for hour-of-day signals (a CLI argument: checked, never cast); default UTC.
  const tz = z.string().min(1).refine(isKnownTimezone, "not an IANA timezone").safeParse(opt("--timezone") ?? "UTC");
  if (!tz.success) {
    console.error(`--timezone: ${tz.error.issues[0]?.message ?? "invalid"}`);
    process.exit(2);
  }
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
    model, ipCountry, threshold: thr ? Number(thr) : undefined, timezone: tz.data, labelDelayMs, onProgress: (n) => process.stderr.write(`  replayed ${n}/${rows.length}\r`),
  });
  for (const b of failed.slice(0, 20)) process.stderr.write(`line ${b.line}: skipped: ${b.error}\n`);
  const report = buildReport(scored, bad.length + failed.length);
  const tpr = report.good_order_points.find((g) => g.good_held === 0.05)!;
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
  console.log(`(95% approval of all orders: ${(p95.fraud_caught * 100).toFixed(1)}% caught; holding 5% of legitimate orders instead: ${(tpr.fraud_caught * 100).toFixed(1)}% caught at threshold ${tpr.threshold})`);
  console.log(`guarantee: fees ${report.guarantee.fees} ${report.guarantee.currency}, chargebacks on approved ${report.guarantee.chargebacks_on_approved}`);
  for (const c of report.guarantee.claims_at_approval_points) console.log(`  claims at ${(c.approval * 100).toFixed(1)}% approval (threshold ${c.threshold}): ${c.claims}, value ${c.claims_value}`);
  for (const line of summaryLines(report)) console.log(line);
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
