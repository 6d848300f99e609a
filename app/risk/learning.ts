/**
 * Learning from each shop's outcomes (issue 14, part 5): a bounded per-shop adjustment of the global
 * model, fitted from the shop's labelled orders. Pure: no I/O, no clock, no randomness.
 *
 * The model's own log-odds of each labelled order (recomputed from its stored features with the
 * model's effective weights, then Platt-calibrated) is a fixed offset; on top of it a MAP logistic
 * fit finds an intercept c and per-signal offsets d_j:
 *
 *   z_i = a·(bias + Σ_j w_j f_ij) + b + c + a·Σ_j d_j f_ij
 *   minimise Σ_i logloss(z_i, y_i) + c² / (2·PRIOR_VAR_INTERCEPT) + Σ_j d_j² / (2·PRIOR_VAR_OFFSET)
 *
 * by cyclic coordinate descent (a Newton step per coordinate, or the 0.25 curvature bound's step
 * when Newton's would be long), at most FIT_SWEEPS sweeps. Bounds (docs/risk-engine.md, "Learning from
 * each shop's outcomes"):
 * - |c| ≤ min(INTERCEPT_CAP, PRIOR_VAR_INTERCEPT · n): the optimum satisfies the second bound
 *   (c / σ² = Σ (y − p), |Σ (y − p)| ≤ n), so it is enforced as a hard limit. With n ≤ 20 labels,
 *   |c| ≤ 0.2 and no probability moves by more than FEW_LABELS_MAX_SHIFT (0.25 · 0.2 = 0.05).
 * - offsets move only with MIN_LABELS_FOR_OFFSETS labels of which MIN_CLASS_LABELS of each class,
 *   and only for a signal non-zero on MIN_SIGNAL_SUPPORT labelled orders; |d_j| ≤ OFFSET_CAP, and
 *   w_j + d_j stays in [0, max] (the engine clamps too): a direction never flips.
 */
import { effectiveWeights, probabilityFromLogit } from "./engine";
import { SIGNALS } from "./signals/index";
import type { Model, Ruleset, ShopAdjustment, SignalOutcome } from "./types";

/** Prior variance of the intercept (log-odds²): a strong pull toward the global model. */
export const PRIOR_VAR_INTERCEPT = 0.01;
/** Prior variance of each signal's offset (log-odds per unit of feature, squared). */
export const PRIOR_VAR_OFFSET = 0.01;
/** Hard bound of the intercept, in log-odds. */
export const INTERCEPT_CAP = 2;
/** Hard bound of each offset, in log-odds per unit of feature. */
export const OFFSET_CAP = 1;
/** Labelled orders needed before any offset moves (below: only the intercept). */
export const MIN_LABELS_FOR_OFFSETS = 1000;
/** ... of which at least this many of each class (fraud and good). */
export const MIN_CLASS_LABELS = 50;
/** A signal's offset moves only when the signal is non-zero on at least this many labelled orders. */
export const MIN_SIGNAL_SUPPORT = 30;
/** Coordinate-descent sweeps of a fit, at most (no randomness: two fits of the same labels give the same adjustment). */
export const FIT_SWEEPS = 30;
/** A fit stops early after a sweep in which no parameter moved by more than this (deterministic too). */
export const FIT_TOLERANCE = 1e-4;
/** The most labelled orders one fit reads (the newest; the caller picks them). */
export const MAX_FIT_ROWS = 10_000;
/** With at most this many labels ... */
export const FEW_LABELS = 20;
/** ... no order's probability moves by more than this (PRIOR_VAR_INTERCEPT · FEW_LABELS · 0.25). */
export const FEW_LABELS_MAX_SHIFT = 0.25 * PRIOR_VAR_INTERCEPT * FEW_LABELS;

export interface LabelledExample {
  /** Each signal's feature as the decision stored it (SignalOutcome.feature), by signal id. */
  features: Record<string, number>;
  fraud: boolean;
}

export interface FitOptions {
  /** The version the adjustment gets (the caller's next version). */
  version?: number;
  sweeps?: number;
  /** Start from this adjustment instead of zero (a replay refitting daily); the bounds still hold. */
  start?: Pick<ShopAdjustment, "intercept" | "offsets">;
  minLabelsForOffsets?: number;
}

const N = SIGNALS.length;
const INDEX = new Map(SIGNALS.map((s, i) => [s.id, i]));

const rulesets = new WeakMap<Model, Ruleset>();
/** The model alone (no shop adjustment), as a ruleset: the fixed offset of every fit. */
function baseRuleset(model: Model): Ruleset {
  let r = rulesets.get(model);
  if (!r) {
    r = { version: "learning", model };
    rulesets.set(model, r);
  }
  return r;
}

interface Row {
  idx: Int16Array;
  val: Float64Array;
  /** Σ_j w_j f_j + bias (the model's logit, without error penalties). */
  logit: number;
}

/** Sparse rows per model, cached per features object (a replay refits from the same rows daily). */
const rowCache = new WeakMap<Model, WeakMap<object, Row>>();
function rowOf(features: Record<string, number>, model: Model, w: Float64Array, cache: WeakMap<object, Row>): Row {
  const hit = cache.get(features);
  if (hit) return hit;
  const idx: number[] = [];
  const val: number[] = [];
  let logit = Number.isFinite(model.bias) ? model.bias : 0;
  for (const key in features) {
    const j = INDEX.get(key);
    const f = features[key];
    if (j === undefined || typeof f !== "number" || !Number.isFinite(f) || f === 0) continue;
    idx.push(j);
    val.push(f);
    logit += w[j]! * f;
  }
  const row: Row = { idx: Int16Array.from(idx), val: Float64Array.from(val), logit };
  cache.set(features, row);
  return row;
}

/**
 * One coordinate's step: Newton's (the loss's own curvature, fast near the optimum), unless it is
 * longer than MAX_STEP, then the step of the curvature bound (0.25 · Σx² + prior), which can only
 * lower the objective. Deterministic.
 */
const MAX_STEP = 0.5;
function newtonStep(g: number, h: number, bound: number): number {
  const step = g / h;
  return Math.abs(step) <= MAX_STEP ? step : g / bound;
}

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6 || 0;
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/**
 * Fit the shop's adjustment from its labelled orders (see the file comment). Deterministic; an
 * empty list gives the zero adjustment.
 */
export function fitShopAdjustment(model: Model, examples: readonly LabelledExample[], opts: FitOptions = {}): ShopAdjustment {
  const ruleset = baseRuleset(model);
  const w = effectiveWeights(ruleset);
  let cache = rowCache.get(model);
  if (!cache) {
    cache = new WeakMap();
    rowCache.set(model, cache);
  }
  const n = examples.length;
  const version = opts.version ?? 0;
  if (n === 0) return { version, intercept: 0, offsets: {}, labels: 0 };
  const c = model.calibration;
  const a = c && Number.isFinite(c.a) && c.a > 0 ? c.a : 1;
  const b = c && Number.isFinite(c.b) ? c.b : 0;

  // z_i without the adjustment; y_i.
  const z = new Float64Array(n);
  const y = new Uint8Array(n);
  const rows: Row[] = new Array(n);
  let fraud = 0;
  for (let i = 0; i < n; i++) {
    const ex = examples[i]!;
    const row = rowOf(ex.features && typeof ex.features === "object" ? ex.features : {}, model, w, cache);
    rows[i] = row;
    z[i] = a * row.logit + b;
    if (ex.fraud === true) {
      y[i] = 1;
      fraud++;
    }
  }
  const good = n - fraud;

  // Columns of the signals eligible for an offset: x_ij = a·f_ij.
  const minLabels = opts.minLabelsForOffsets ?? MIN_LABELS_FOR_OFFSETS;
  const offsetsAllowed = n >= minLabels && fraud >= MIN_CLASS_LABELS && good >= MIN_CLASS_LABELS;
  const count = new Int32Array(N);
  if (offsetsAllowed) for (const r of rows) for (let k = 0; k < r.idx.length; k++) count[r.idx[k]!]!++;
  const cols: { j: number; rows: Int32Array; x: Float64Array; lo: number; hi: number; curv: number }[] = [];
  for (let j = 0; j < N; j++) {
    if (!offsetsAllowed || count[j]! < MIN_SIGNAL_SUPPORT) continue;
    const rs = new Int32Array(count[j]!);
    const xs = new Float64Array(count[j]!);
    cols.push({ j, rows: rs, x: xs, lo: 0, hi: 0, curv: 0 });
  }
  const colOf = new Int32Array(N).fill(-1);
  cols.forEach((col, k) => (colOf[col.j] = k));
  const fill = new Int32Array(cols.length);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    for (let k = 0; k < r.idx.length; k++) {
      const ci = colOf[r.idx[k]!]!;
      if (ci < 0) continue;
      const col = cols[ci]!;
      col.rows[fill[ci]!] = i;
      col.x[fill[ci]!] = a * r.val[k]!;
      fill[ci]!++;
    }
  }
  for (const col of cols) {
    const s = SIGNALS[col.j]!;
    let absSum = 0;
    let sq = 0;
    for (let k = 0; k < col.x.length; k++) {
      absSum += Math.abs(col.x[k]!);
      sq += col.x[k]! * col.x[k]!;
    }
    // w + d stays in [0, max]; |d| ≤ OFFSET_CAP; and the optimum's own bound σ²·Σ|x|.
    const lim = Math.min(OFFSET_CAP, PRIOR_VAR_OFFSET * absSum);
    col.lo = Math.max(-lim, -w[col.j]!);
    col.hi = Math.min(lim, s.meta.max - w[col.j]!);
    col.curv = 0.25 * sq + 1 / PRIOR_VAR_OFFSET;
  }
  const cLim = Math.min(INTERCEPT_CAP, PRIOR_VAR_INTERCEPT * n);
  const cCurv = 0.25 * n + 1 / PRIOR_VAR_INTERCEPT;

  // Start (zero, or a previous adjustment within this fit's bounds).
  const clampTo = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);
  let ci = clampTo(Number.isFinite(opts.start?.intercept) ? opts.start!.intercept : 0, -cLim, cLim);
  const d = new Float64Array(cols.length);
  for (let k = 0; k < cols.length; k++) {
    const s0 = opts.start?.offsets?.[SIGNALS[cols[k]!.j]!.id];
    d[k] = clampTo(typeof s0 === "number" && Number.isFinite(s0) ? s0 : 0, cols[k]!.lo, cols[k]!.hi);
  }
  // Current linear predictor including the adjustment.
  const eta = new Float64Array(n);
  for (let i = 0; i < n; i++) eta[i] = z[i]! + ci;
  for (let k = 0; k < cols.length; k++) {
    const col = cols[k]!;
    if (d[k] !== 0) for (let m = 0; m < col.rows.length; m++) eta[col.rows[m]!]! += d[k]! * col.x[m]!;
  }

  const sweeps = opts.sweeps ?? FIT_SWEEPS;
  for (let it = 0; it < sweeps; it++) {
    let moved = 0;
    // Intercept.
    let g = ci / PRIOR_VAR_INTERCEPT;
    let h = 1 / PRIOR_VAR_INTERCEPT;
    for (let i = 0; i < n; i++) {
      const p = sigmoid(eta[i]!);
      g += p - y[i]!;
      h += p * (1 - p);
    }
    const cNew = clampTo(ci - newtonStep(g, h, cCurv), -cLim, cLim);
    if (cNew !== ci) {
      const delta = cNew - ci;
      moved = Math.max(moved, Math.abs(delta));
      for (let i = 0; i < n; i++) eta[i]! += delta;
      ci = cNew;
    }
    // Offsets.
    for (let k = 0; k < cols.length; k++) {
      const col = cols[k]!;
      let gk = d[k]! / PRIOR_VAR_OFFSET;
      let hk = 1 / PRIOR_VAR_OFFSET;
      for (let m = 0; m < col.rows.length; m++) {
        const i = col.rows[m]!;
        const p = sigmoid(eta[i]!);
        const x = col.x[m]!;
        gk += (p - y[i]!) * x;
        hk += p * (1 - p) * x * x;
      }
      const dNew = clampTo(d[k]! - newtonStep(gk, hk, col.curv), col.lo, col.hi);
      if (dNew !== d[k]) {
        const delta = dNew - d[k]!;
        moved = Math.max(moved, Math.abs(delta));
        for (let m = 0; m < col.rows.length; m++) eta[col.rows[m]!]! += delta * col.x[m]!;
        d[k] = dNew;
      }
    }
    if (moved < FIT_TOLERANCE) break;
  }

  const offsets: Record<string, number> = {};
  for (let k = 0; k < cols.length; k++) {
    const v = round6(d[k]!);
    if (v !== 0) offsets[SIGNALS[cols[k]!.j]!.id] = v;
  }
  return { version, intercept: round6(ci), offsets, labels: n };
}

/**
 * The log-odds a stored decision's rows give under a ruleset (its weights, with the shop's offsets):
 * the bias plus weight × feature of each signal, an error row's own penalty. Scoring an order again
 * under another adjustment without running the signals again (a replay, a what-if).
 */
export function logitFromOutcomes(outcomes: readonly Pick<SignalOutcome, "id" | "outcome" | "feature" | "contribution">[], ruleset: Ruleset): number {
  const w = effectiveWeights(ruleset);
  let logit = Number.isFinite(ruleset.model.bias) ? ruleset.model.bias : 0;
  for (const o of outcomes) {
    if (o.outcome === "error") logit += o.contribution;
    else {
      const j = INDEX.get(o.id);
      if (j !== undefined && o.feature) logit += w[j]! * o.feature;
    }
  }
  return logit;
}

/** The score (0-1000) of those rows under a ruleset, as `evaluate` computes it. */
export function scoreFromOutcomes(outcomes: readonly Pick<SignalOutcome, "id" | "outcome" | "feature" | "contribution">[], ruleset: Ruleset): number {
  return Math.round(1000 * probabilityFromLogit(logitFromOutcomes(outcomes, ruleset), ruleset));
}
