/**
 * Direction-sane fitting of the risk model (issue 14, part 1). Pure and deterministic.
 *
 * One logistic model over several labelled sources ("shops"): shared signal weights, one intercept
 * per source (each shop has its own base rate), each weight kept inside its documented bounds
 * [min, max] (min ≥ 0: fitting sets magnitudes, never flips a direction) and pulled toward its
 * documented prior by a Gaussian penalty, so a weight the data cannot estimate stays at its prior.
 * A large source counts for at most the mean source size, so one big shop cannot drown the others.
 * Minimised by projected gradient descent with a diagonal Newton step.
 */

export interface FitSource {
  name: string;
  /** One row of features per order, columns in `specs` order. */
  X: Float64Array[];
  y: boolean[];
}

export interface WeightSpec {
  id: string;
  prior: number;
  min: number;
  max: number;
}

export interface FitOptions {
  /** Prior standard deviation of every weight around its prior (log-odds). */
  priorSd?: number;
  iterations?: number;
  /** Step size on the diagonal Newton direction (≤ 1). */
  step?: number;
}

export interface PooledFit {
  weights: Record<string, number>;
  intercepts: Record<string, number>;
  /** Rows (across sources, training part) in which each signal's feature was not zero. */
  support: Record<string, number>;
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/**
 * Cyclic coordinate descent, one exact Newton step per coordinate (steps of at most 1 log-odds),
 * over column-sparse features: deterministic, monotone in practice, and fast (most features are 0).
 */
export function fitPooled(sources: FitSource[], specs: WeightSpec[], opts: FitOptions = {}): PooledFit {
  const d = specs.length;
  const sweeps = opts.iterations ?? 200;
  const invVar = 1 / (opts.priorSd ?? 0.5) ** 2;
  const N = sources.reduce((n, s) => n + s.X.length, 0);
  const cap = sources.length ? N / sources.length : 0;
  const y = new Uint8Array(N);
  const rw = new Float64Array(N);
  const srcStart: number[] = [];
  const cols: { idx: number[]; val: number[] }[] = specs.map(() => ({ idx: [], val: [] }));
  let r = 0;
  sources.forEach((s) => {
    srcStart.push(r);
    const weight = s.X.length > cap ? cap / s.X.length : 1;
    s.X.forEach((x, i) => {
      y[r] = s.y[i] ? 1 : 0;
      rw[r] = weight;
      for (let j = 0; j < d; j++) if (x[j] !== 0) { cols[j]!.idx.push(r); cols[j]!.val.push(x[j]!); }
      r++;
    });
  });
  srcStart.push(N);
  const w = Float64Array.from(specs, (s) => Math.min(s.max, Math.max(s.min, s.prior)));
  const b = sources.map((s) => {
    const pos = s.y.filter(Boolean).length;
    return Math.log((pos + 0.5) / (s.y.length - pos + 0.5));
  });
  const z = new Float64Array(N);
  sources.forEach((_, k) => { for (let i = srcStart[k]!; i < srcStart[k + 1]!; i++) z[i] = b[k]!; });
  for (let j = 0; j < d; j++) { const c = cols[j]!; for (let t = 0; t < c.idx.length; t++) z[c.idx[t]!]! += w[j]! * c.val[t]!; }
  const clampStep = (x: number): number => (x > 1 ? 1 : x < -1 ? -1 : x);

  for (let sweep = 0; sweep < sweeps; sweep++) {
    for (let k = 0; k < sources.length; k++) {
      let g = 0;
      let h = 1e-9;
      for (let i = srcStart[k]!; i < srcStart[k + 1]!; i++) {
        const p = sigmoid(z[i]!);
        g += rw[i]! * (p - y[i]!);
        h += rw[i]! * p * (1 - p);
      }
      const delta = clampStep(-g / h);
      b[k] = b[k]! + delta;
      for (let i = srcStart[k]!; i < srcStart[k + 1]!; i++) z[i]! += delta;
    }
    for (let j = 0; j < d; j++) {
      const c = cols[j]!;
      const spec = specs[j]!;
      let g = invVar * (w[j]! - spec.prior);
      let h = invVar;
      for (let t = 0; t < c.idx.length; t++) {
        const i = c.idx[t]!;
        const x = c.val[t]!;
        const p = sigmoid(z[i]!);
        g += rw[i]! * (p - y[i]!) * x;
        h += rw[i]! * p * (1 - p) * x * x;
      }
      const next = Math.min(spec.max, Math.max(spec.min, w[j]! + clampStep(-g / h)));
      const delta = next - w[j]!;
      if (delta === 0) continue;
      w[j] = next;
      for (let t = 0; t < c.idx.length; t++) z[c.idx[t]!]! += delta * c.val[t]!;
    }
  }
  const weights: Record<string, number> = {};
  const support: Record<string, number> = {};
  specs.forEach((s, j) => { weights[s.id] = w[j]!; support[s.id] = cols[j]!.idx.length; });
  const intercepts: Record<string, number> = {};
  sources.forEach((s, k) => (intercepts[s.name] = b[k]!));
  return { weights, intercepts, support };
}
