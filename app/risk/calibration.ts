/**
 * Calibration of the model's log-odds into a probability of a fraud chargeback (issue 14, part 4).
 * Pure: no I/O, no clock, no randomness.
 *
 *   p = sigmoid(a * logit + b)            (Platt scaling; Model.calibration = {a, b})
 *
 * `fitPlatt` fits {a, b} by Newton's method with a backtracking line search on the log-loss, with
 * Platt's smoothed targets ((N+ + 1) / (N+ + 2) for fraud, 1 / (N- + 2) for good orders) and a tiny
 * ridge pulling towards the identity (a = 1, b = 0). `a` is kept in [minA, maxA] (default 0.1..10):
 * a calibration may soften or sharpen the model, never reverse or flatten its ranking. Degenerate
 * input (no fraud, no good orders, fewer than 2 of either, or logits without variance) gives the
 * identity. Rows whose logit is not finite are left out of the fit.
 *
 * `brierScore`, `reliabilityTable` and `expectedCalibrationError` measure a set of probabilities
 * against outcomes; the backtest reports them (docs/risk-engine.md, "Calibration").
 */

export interface Calibration {
  a: number;
  b: number;
  fittedOn?: string;
}

export const IDENTITY_CALIBRATION: Readonly<Calibration> = Object.freeze({ a: 1, b: 0 });

export interface PlattOptions {
  /** Ridge towards the identity, in log-loss units (default 1e-4: negligible beyond a few hundred orders). */
  ridge?: number;
  /** Bounds of `a` (defaults 0.1 and 10). minA must be > 0: a calibration never reverses the ranking. */
  minA?: number;
  maxA?: number;
  /** Newton iterations (default 100). */
  maxIterations?: number;
}

/** Outcome of a fit: `clamped` when the best `a` fell outside [minA, maxA]; `identity` when the input was degenerate. */
export type PlattStatus = "fitted" | "clamped" | "identity";

const MIN_PER_CLASS = 2;

/** log(1 + e^f) - t f, computed without overflow. */
function logLoss(f: number, t: number): number {
  const softplus = f > 0 ? f + Math.log1p(Math.exp(-f)) : Math.log1p(Math.exp(f));
  return softplus - t * f;
}

function sigmoid(f: number): number {
  return f >= 0 ? 1 / (1 + Math.exp(-f)) : Math.exp(f) / (1 + Math.exp(f));
}

/** Fit of {a, b} with its status (see `fitPlatt`). */
export function fitPlattDetailed(logits: ArrayLike<number>, labels: ArrayLike<boolean>, opts: PlattOptions = {}): { a: number; b: number; status: PlattStatus; reason?: string } {
  if (logits.length !== labels.length) throw new RangeError(`fitPlatt: ${logits.length} logits but ${labels.length} labels`);
  const minA = opts.minA ?? 0.1;
  const maxA = opts.maxA ?? 10;
  if (!(minA > 0) || !(maxA >= minA)) throw new RangeError("fitPlatt: need 0 < minA <= maxA");
  const ridge = opts.ridge ?? 1e-4;
  const maxIterations = opts.maxIterations ?? 100;

  const z: number[] = [];
  const y: boolean[] = [];
  for (let i = 0; i < logits.length; i++) {
    const v = logits[i]!;
    if (Number.isFinite(v)) { z.push(v); y.push(Boolean(labels[i])); }
  }
  const nPos = y.filter(Boolean).length;
  const nNeg = y.length - nPos;
  const identity = (reason: string) => ({ a: 1, b: 0, status: "identity" as const, reason });
  if (nPos < MIN_PER_CLASS || nNeg < MIN_PER_CLASS) return identity(`too few labels (${nPos} fraud, ${nNeg} good)`);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of z) { if (v < lo) lo = v; if (v > hi) hi = v; }
  if (hi - lo < 1e-9) return identity("logits without variance");

  const tPos = (nPos + 1) / (nPos + 2);
  const tNeg = 1 / (nNeg + 2);
  const t = y.map((f) => (f ? tPos : tNeg));
  const n = z.length;

  const objective = (a: number, b: number): number => {
    let s = 0;
    for (let i = 0; i < n; i++) s += logLoss(a * z[i]! + b, t[i]!);
    return s + (ridge / 2) * ((a - 1) ** 2 + b * b);
  };

  /** Newton on (a, b), or on b alone when `fixedA` is given. */
  const newton = (a0: number, b0: number, fixedA?: number): { a: number; b: number } => {
    let a = fixedA ?? a0;
    let b = b0;
    let f = objective(a, b);
    for (let it = 0; it < maxIterations; it++) {
      let ga = ridge * (a - 1);
      let gb = ridge * b;
      let haa = ridge;
      let hab = 0;
      let hbb = ridge;
      for (let i = 0; i < n; i++) {
        const p = sigmoid(a * z[i]! + b);
        const d = p - t[i]!;
        const w = Math.max(p * (1 - p), 1e-12);
        ga += d * z[i]!;
        gb += d;
        haa += w * z[i]! * z[i]!;
        hab += w * z[i]!;
        hbb += w;
      }
      let da: number;
      let db: number;
      if (fixedA !== undefined) {
        da = 0;
        db = -gb / hbb;
      } else {
        const det = haa * hbb - hab * hab;
        if (!(det > 0)) break;
        da = -(hbb * ga - hab * gb) / det;
        db = -(haa * gb - hab * ga) / det;
      }
      if (Math.abs(da) < 1e-12 && Math.abs(db) < 1e-12) break;
      // Backtracking line search: the log-loss is convex, so a shorter step always helps eventually.
      let step = 1;
      let next = objective(a + step * da, b + step * db);
      while (next > f + 1e-4 * step * (ga * da + gb * db) && step > 1e-10) {
        step /= 2;
        next = objective(a + step * da, b + step * db);
      }
      if (step <= 1e-10) break;
      a += step * da;
      b += step * db;
      const improved = f - next;
      f = next;
      if (improved < 1e-12 * Math.max(1, Math.abs(f))) break;
    }
    return { a, b };
  };

  const free = newton(1, 0);
  if (!Number.isFinite(free.a) || !Number.isFinite(free.b)) return identity("fit did not converge");
  if (free.a >= minA && free.a <= maxA) return { ...free, status: "fitted" };
  // The log-loss is convex: when the free optimum lies outside the bounds, the constrained optimum is on the nearer bound.
  const bound = free.a < minA ? minA : maxA;
  const fixed = newton(bound, free.b, bound);
  if (!Number.isFinite(fixed.b)) return identity("fit did not converge");
  return { a: bound, b: fixed.b, status: "clamped", reason: `best a = ${free.a.toFixed(4)} outside [${minA}, ${maxA}]` };
}

/**
 * Platt scaling: {a, b} such that sigmoid(a * logit + b) best predicts the labels. Deterministic;
 * `a` is always > 0 (in [minA, maxA]); the identity {1, 0} on degenerate input.
 */
export function fitPlatt(logits: ArrayLike<number>, labels: ArrayLike<boolean>, opts: PlattOptions = {}): { a: number; b: number } {
  const { a, b } = fitPlattDetailed(logits, labels, opts);
  return { a, b };
}

/** p = sigmoid(a * logit + b); the same mapping as the engine's `probabilityFromLogit` without a shop adjustment. */
export function applyCalibration(logit: number, c: Pick<Calibration, "a" | "b"> | undefined): number {
  if (Number.isNaN(logit)) return 1;
  const a = c && Number.isFinite(c.a) && c.a > 0 ? c.a : 1;
  const b = c && Number.isFinite(c.b) ? c.b : 0;
  return sigmoid(a * logit + b);
}

function checkProbabilities(p: ArrayLike<number>, y: ArrayLike<boolean>, what: string): void {
  if (p.length !== y.length) throw new RangeError(`${what}: ${p.length} probabilities but ${y.length} labels`);
  for (let i = 0; i < p.length; i++) {
    const v = p[i]!;
    if (!(v >= 0 && v <= 1)) throw new RangeError(`${what}: probability ${v} at ${i} is not in [0, 1]`);
  }
}

/** Mean squared difference between probability and outcome (0 = perfect; NaN for no orders). */
export function brierScore(p: ArrayLike<number>, y: ArrayLike<boolean>): number {
  checkProbabilities(p, y, "brierScore");
  if (!p.length) return NaN;
  let s = 0;
  for (let i = 0; i < p.length; i++) s += (p[i]! - (y[i] ? 1 : 0)) ** 2;
  return s / p.length;
}

/**
 * Band edges of the reliability table. Fraud is rare, so most orders sit below 5%: the low bands
 * are narrow. Band i holds lo <= p < hi; the last band includes 1.
 */
export const DEFAULT_BANDS: readonly number[] = [0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1];

export interface ReliabilityRow {
  /** "lo-hi", e.g. "0.1-0.2". */
  band: string;
  orders: number;
  /** Mean predicted probability of the band's orders. */
  predicted: number;
  /** Share of the band's orders that were fraud. */
  observed: number;
}

function checkBands(bands: readonly number[]): void {
  if (bands.length < 2 || bands[0] !== 0 || bands[bands.length - 1] !== 1) throw new RangeError("bands must run from 0 to 1");
  for (let i = 1; i < bands.length; i++) if (!(bands[i]! > bands[i - 1]!)) throw new RangeError("bands must increase");
}

/** Predicted against observed, per probability band; bands without orders are left out. */
export function reliabilityTable(p: ArrayLike<number>, y: ArrayLike<boolean>, bands: readonly number[] = DEFAULT_BANDS): ReliabilityRow[] {
  checkProbabilities(p, y, "reliabilityTable");
  checkBands(bands);
  const k = bands.length - 1;
  const count = new Array<number>(k).fill(0);
  const sumP = new Array<number>(k).fill(0);
  const fraud = new Array<number>(k).fill(0);
  for (let i = 0; i < p.length; i++) {
    const v = p[i]!;
    let j = 0;
    while (j < k - 1 && v >= bands[j + 1]!) j++;
    count[j]!++;
    sumP[j]! += v;
    if (y[i]) fraud[j]!++;
  }
  const rows: ReliabilityRow[] = [];
  for (let j = 0; j < k; j++) {
    if (!count[j]) continue;
    rows.push({ band: `${bands[j]}-${bands[j + 1]}`, orders: count[j]!, predicted: sumP[j]! / count[j]!, observed: fraud[j]! / count[j]! });
  }
  return rows;
}

/** Expected calibration error: Σ over bands of (orders in band / all orders) × |predicted − observed|. NaN for no orders. */
export function expectedCalibrationError(p: ArrayLike<number>, y: ArrayLike<boolean>, bands: readonly number[] = DEFAULT_BANDS): number {
  const rows = reliabilityTable(p, y, bands);
  const n = rows.reduce((s, r) => s + r.orders, 0);
  if (!n) return NaN;
  return rows.reduce((s, r) => s + (r.orders / n) * Math.abs(r.predicted - r.observed), 0);
}

export interface CalibrationFit {
  /** What to store as Model.calibration (a and b rounded to 4 decimals; a stays >= minA). */
  calibration: Calibration;
  /**
   * `fitted`: a and b fitted; `clamped`: the best a was above maxA and was capped; `intercept_only`: the best a was
   * below minA (the orders show no usable ranking, e.g. a holdout the model cannot rank), so the model's own
   * slope is kept (a = 1) and only b is fitted, rather than flattening every score towards the base rate;
   * `identity`: degenerate input.
   */
  status: PlattStatus | "intercept_only";
  reason?: string;
  orders: number;
  fraud: number;
  /** Brier score and ECE of the same orders before (identity) and after the fit: in-sample for the fit's own orders. */
  before: { brier: number; ece: number };
  after: { brier: number; ece: number };
}

/**
 * The training step: fit the model's calibration on out-of-sample logits (the time holdout's raw
 * log-odds, bias + Σ weight × feature, before any calibration) and say how it went. Unlike
 * `fitPlatt`, a best slope below minA does not flatten the model: the slope stays 1 and only the
 * intercept is fitted (status `intercept_only`).
 */
export function fitCalibration(logits: ArrayLike<number>, labels: ArrayLike<boolean>, opts: PlattOptions & { fittedOn?: string } = {}): CalibrationFit {
  let fit: { a: number; b: number; status: PlattStatus | "intercept_only"; reason?: string } = fitPlattDetailed(logits, labels, opts);
  const minA = opts.minA ?? 0.1;
  if (fit.status === "clamped" && fit.a === minA) {
    const kept = fitPlattDetailed(logits, labels, { ...opts, minA: 1, maxA: 1 });
    fit = { a: 1, b: kept.b, status: "intercept_only", reason: `${fit.reason ?? ""}: slope kept, intercept fitted` };
  }
  const a = Math.max(Math.round(fit.a * 10_000) / 10_000, fit.status === "identity" ? 1 : minA);
  const calibration: Calibration = { a, b: Math.round(fit.b * 10_000) / 10_000, ...(opts.fittedOn ? { fittedOn: opts.fittedOn } : {}) };
  const ys = Array.from(labels, Boolean);
  const measure = (c: Calibration) => {
    const p = Array.from(logits, (z) => applyCalibration(z, c));
    return { brier: brierScore(p, ys), ece: expectedCalibrationError(p, ys) };
  };
  return {
    calibration, status: fit.status, ...(fit.reason ? { reason: fit.reason } : {}),
    orders: ys.length, fraud: ys.filter(Boolean).length,
    before: measure({ a: 1, b: 0 }), after: measure(calibration),
  };
}
