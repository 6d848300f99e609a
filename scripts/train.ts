/**
 * Fit the risk model from labelled corpora, deterministically, and measure how it generalises.
 *
 *   npm run train -- --input A.jsonl [--input B.jsonl ...] [--out app/risk/model/holdfast-risk-v2.json]
 *                    [--train-share 0.6] [--version v2] [--ip-table ip_country.csv] [--report FILE.json]
 *   npm run train -- --input A.jsonl --input B.jsonl ... --evaluate [--report FILE.json]
 *
 * Method (docs/risk-engine.md, "Fitting"): each corpus is one source (one shop), replayed on its
 * own in created_at order (history sees only earlier orders of that shop). Its first 60% by time
 * trains, the rest is its holdout. One logistic model is fitted over the training parts of all
 * sources (scripts/lib/fit.ts): shared weights inside each signal's documented bounds, pulled toward
 * its documented prior, one intercept per source. The model's bias is the median of the sources'
 * intercepts, its calibration is fitted on the holdouts' logits (out of sample), its default
 * threshold is the lowest score holding at most DEFAULT_GOOD_HELD of good orders on every source's
 * holdout (sources of at least MIN_ORDERS_FOR_THRESHOLD orders). `--evaluate` also fits on each source alone and scores the others (leave-one-source-out)
 * and fits on the first 60% of each source alone and scores the rest (time split).
 */
import { writeFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { fitCalibration } from "../app/risk/calibration";
import { rocAuc, recallAtFpr } from "../app/risk/metrics";
import { SIGNALS } from "../app/risk/signals/index";
import type { Model } from "../app/risk/types";
import { ipCountryFromTable, loadCorpus, replay, type Scored } from "./backtest";
import { r4 } from "./lib/backtest-report";
import { fitPooled, type FitSource, type WeightSpec } from "./lib/fit";

/** Share of good orders the default threshold may hold on any source's holdout. */
export const DEFAULT_GOOD_HELD = 0.02;
/** A source smaller than this (ravelin: 478 orders) is too small to set the default threshold: 2% of its good orders is a handful. */
export const MIN_ORDERS_FOR_THRESHOLD = 1000;
/** How far (sd, log-odds) the data may pull a weight from its documented prior before the penalty bites. */
export const PRIOR_SD = 0.5;

/**
 * Facts a source carries only as an artefact, which it therefore cannot estimate (its feature column
 * is left out of the fit; the weight comes from the other sources or stays at its prior):
 * - fraud-ecommerce's times have no timezone, so its hour of day is not the buyer's night;
 * - ravelin's are fictional (every order on 1 January 2023, hours drawn at random);
 * - the order factory's clock ticks at random intervals, so its hours and its gaps between a
 *   customer's orders carry nothing (its patterns, amounts and identities are what it models).
 */
export const NOT_ESTIMABLE: Readonly<Record<string, readonly string[]>> = {
  "fraud-ecommerce": ["order_hour_night"],
  ravelin: ["order_hour_night"],
  factory: ["order_hour_night", "customer_order_gap"],
};

export const SPECS: WeightSpec[] = SIGNALS.map((s) => ({ id: s.id, prior: s.meta.prior, min: s.meta.min ?? 0, max: s.meta.max }));

/** X: every feature as the engine sees it (what scoring uses); the fit leaves out the NOT_ESTIMABLE columns. */
export interface Source { name: string; X: Float64Array[]; y: boolean[]; amounts: number[] }

export function sourceFrom(name: string, scored: Scored[]): Source {
  return {
    name,
    X: scored.map((s) => Float64Array.from(SPECS, (spec) => s.features[spec.id] ?? 0)),
    y: scored.map((s) => s.row.fraud),
    amounts: scored.map((s) => Number(s.row.order.total_price) || 0),
  };
}

const slice = (s: Source, from: number, to: number): Source => ({ name: s.name, X: s.X.slice(from, to), y: s.y.slice(from, to), amounts: s.amounts.slice(from, to) });

/** The rows a fit sees: the source's columns it cannot estimate set to 0 (they neither pull their weight nor count as support). */
function forFit(s: Source): FitSource {
  const skip = SPECS.map((spec) => (NOT_ESTIMABLE[s.name] ?? []).includes(spec.id));
  if (!skip.some(Boolean)) return s;
  return { name: s.name, y: s.y, X: s.X.map((x) => x.map((v, j) => (skip[j] ? 0 : v))) };
}

export function logits(X: Float64Array[], weights: Record<string, number>, bias: number): number[] {
  const w = SPECS.map((s) => weights[s.id] ?? s.prior);
  return X.map((x) => x.reduce((z, v, j) => z + w[j]! * v, bias));
}

export interface Figures { orders: number; fraud: number; roc_auc: number; fraud_caught_at_5pct_good_held: number }
export function figures(scores: number[], y: boolean[]): Figures {
  return { orders: y.length, fraud: y.filter(Boolean).length, roc_auc: r4(rocAuc(scores, y)), fraud_caught_at_5pct_good_held: r4(recallAtFpr(scores, y, 0.05).recall) };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Fit the model on the training parts of `sources` (all of each when share = 1). */
export function fitModel(sources: Source[], share: number, version: string, priorSd = PRIOR_SD): { model: Model; intercepts: Record<string, number> } {
  const train: FitSource[] = sources.map((s) => forFit(slice(s, 0, Math.floor(s.X.length * share))));
  const fit = fitPooled(train, SPECS, { priorSd });
  const priors = SPECS.filter((s) => fit.support[s.id] === 0).map((s) => s.id);
  const weights: Record<string, number> = {};
  for (const s of SPECS) weights[s.id] = Number(fit.weights[s.id]!.toFixed(4));
  const bias = Number(median(Object.values(fit.intercepts)).toFixed(4));
  const model: Model = { version, bias, weights, threshold: 1000, priors };
  return { model, intercepts: fit.intercepts };
}

/** Platt calibration on the holdouts (out of sample), then the default threshold from the calibrated scores. */
export function calibrateAndThreshold(model: Model, sources: Source[], share: number): void {
  const holdouts = sources.map((s) => slice(s, Math.floor(s.X.length * share), s.X.length)).filter((s) => s.y.length > 0);
  const z = holdouts.flatMap((h) => logits(h.X, model.weights, model.bias));
  const y = holdouts.flatMap((h) => h.y);
  const fit = fitCalibration(z, y, { fittedOn: `holdouts (last ${Math.round((1 - share) * 100)}% by time) of ${holdouts.map((h) => h.name).join(", ")}` });
  model.calibration = fit.calibration;
  console.log(`calibration ${fit.status}: a ${fit.calibration.a}, b ${fit.calibration.b} on ${fit.orders} holdout orders (${fit.fraud} fraud); Brier ${fit.before.brier.toFixed(4)} -> ${fit.after.brier.toFixed(4)}, ECE ${fit.before.ece.toFixed(4)} -> ${fit.after.ece.toFixed(4)}`);
  const a = model.calibration?.a ?? 1;
  const b = model.calibration?.b ?? 0;
  let threshold = 1;
  for (const h of holdouts) {
    if (sources.find((s) => s.name === h.name)!.X.length < MIN_ORDERS_FOR_THRESHOLD) continue;
    const scores = logits(h.X, model.weights, model.bias).map((l) => Math.round(1000 / (1 + Math.exp(-(a * l + b)))));
    if (h.y.some((v) => !v)) threshold = Math.max(threshold, recallAtFpr(scores, h.y, DEFAULT_GOOD_HELD).threshold);
  }
  model.threshold = Math.min(1000, threshold);
}

export interface Evaluation {
  loso: { fitted_on: string; scored_on: string; roc_auc: number; fraud_caught_at_5pct_good_held: number }[];
  time_split: { source: string; train_share: number; holdout: Figures }[];
}

/** Leave-one-source-out (fit on one, score each other) and time split (fit on the first part of one, score its rest). */
export function evaluate(sources: Source[], share: number): Evaluation {
  const loso: Evaluation["loso"] = [];
  for (const fitOn of sources) {
    const { model } = fitModel([fitOn], 1, `loso-${fitOn.name}`);
    for (const other of sources) {
      if (other === fitOn) continue;
      const f = figures(logits(other.X, model.weights, model.bias), other.y);
      loso.push({ fitted_on: fitOn.name, scored_on: other.name, roc_auc: f.roc_auc, fraud_caught_at_5pct_good_held: f.fraud_caught_at_5pct_good_held });
    }
  }
  const time_split = sources.map((s) => {
    const cut = Math.floor(s.X.length * share);
    const { model } = fitModel([s], share, `time-${s.name}`);
    const rest = slice(s, cut, s.X.length);
    return { source: s.name, train_share: share, holdout: figures(logits(rest.X, model.weights, model.bias), rest.y) };
  });
  return { loso, time_split };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const inputs = args.flatMap((a, i) => (args[i - 1] === "--input" ? [a] : []));
  const opt = (name: string, def?: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] ? args[i + 1]! : def;
  };
  if (!inputs.length) {
    console.error("usage: npm run train -- --input CORPUS.jsonl [--input ...] [--out FILE] [--train-share 0.6] [--version v2] [--ip-table FILE] [--evaluate] [--report FILE]");
    process.exit(2);
  }
  const share = Number(opt("--train-share", "0.6"));
  if (!(share > 0 && share <= 1)) throw new Error("--train-share must be in (0, 1]");
  const version = opt("--version", "v2")!;
  const ipTable = opt("--ip-table");
  const ipCountry = ipTable ? ipCountryFromTable(ipTable) : undefined;
  const sources: Source[] = [];
  for (const input of inputs) {
    const { rows, bad } = await loadCorpus(input);
    if (bad.length) console.log(`${input}: ${bad.length} bad lines skipped (first: line ${bad[0]!.line}: ${bad[0]!.error})`);
    const { scored } = replay(rows, { ipCountry });
    sources.push(sourceFrom(basename(input).replace(/\.jsonl(\.gz)?$/u, ""), scored));
  }
  const report: Record<string, unknown> = {};
  if (args.includes("--evaluate")) {
    const ev = evaluate(sources, share);
    console.log("leave-one-source-out (fit on one source, all of it; score each other source, all of it):");
    for (const r of ev.loso) console.log(`  fit ${r.fitted_on.padEnd(16)} -> ${r.scored_on.padEnd(16)} ROC-AUC ${r.roc_auc.toFixed(3)}  caught at 5% good held ${(r.fraud_caught_at_5pct_good_held * 100).toFixed(1)}%`);
    console.log(`time split (fit on the first ${share * 100}% of one source, score its rest):`);
    for (const t of ev.time_split) console.log(`  ${t.source.padEnd(16)} ROC-AUC ${t.holdout.roc_auc.toFixed(3)}  caught at 5% good held ${(t.holdout.fraud_caught_at_5pct_good_held * 100).toFixed(1)}%  (${t.holdout.orders} orders, ${t.holdout.fraud} fraud)`);
    report.evaluation = ev;
  }
  const { model, intercepts } = fitModel(sources, share, version);
  calibrateAndThreshold(model, sources, share);
  model.trainedOn = sources.map((s) => `${s.name}: first ${Math.round(share * 100)}% by created_at (${Math.floor(s.X.length * share)} of ${s.X.length} orders)`).join("; ");
  model.notes = `Pooled logistic regression over the sources (scripts/lib/fit.ts): one intercept per source, shared weights inside each signal's [min, max] (never a flipped direction), Gaussian prior (sd ${PRIOR_SD}) toward each signal's documented prior; bias = median of the sources' intercepts ` +
    `(${Object.entries(intercepts).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(", ")}). 'priors' lists signals no training row could estimate: they keep their documented prior weight.`;
  const shipped: Record<string, Figures & { holdout: Figures }> = {};
  for (const s of sources) {
    const a = model.calibration?.a ?? 1;
    const b = model.calibration?.b ?? 0;
    const scores = logits(s.X, model.weights, model.bias).map((l) => 1 / (1 + Math.exp(-(a * l + b))));
    const cut = Math.floor(s.X.length * share);
    shipped[s.name] = { ...figures(scores, s.y), holdout: figures(scores.slice(cut), s.y.slice(cut)) };
    console.log(`shipped model on ${s.name.padEnd(16)} full replay ROC-AUC ${shipped[s.name]!.roc_auc.toFixed(3)}, caught at 5% good held ${(shipped[s.name]!.fraud_caught_at_5pct_good_held * 100).toFixed(1)}%; holdout ROC-AUC ${shipped[s.name]!.holdout.roc_auc.toFixed(3)}, ${(shipped[s.name]!.holdout.fraud_caught_at_5pct_good_held * 100).toFixed(1)}%`);
  }
  report.shipped = shipped;
  report.model = model;
  const out = opt("--out");
  if (out) {
    writeFileSync(out, JSON.stringify(model, null, 2) + "\n");
    console.log(`wrote ${out} (threshold ${model.threshold}; priors kept: ${model.priors?.join(", ") || "none"})`);
  }
  const reportFile = opt("--report");
  if (reportFile) writeFileSync(reportFile, JSON.stringify(report, null, 2) + "\n");
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}

