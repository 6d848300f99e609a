import type { Lang, RiskFacts } from "./types";

export interface SignalResult {
  /** Model input; 0 means "nothing to see". */
  feature: number;
  value: number | string | boolean | null;
  evidence?: string;
}

/**
 * What a signal is known to do, written down from domain knowledge (issue 14, part 1). Every
 * feature is oriented so that a larger value means more risk, so every weight is in [0, max]:
 * fitting (scripts/train.ts) sets magnitudes, never flips a direction.
 */
export interface SignalMeta {
  /** The direction of the effect, in words ("a younger account is riskier"). */
  direction: string;
  /** The feature's shape over its range ("log2(value / 100) clamped to 0..5"). */
  shape: string;
  /** Documented prior weight (log-odds per unit of feature): kept when the data cannot estimate it, and what fitting is pulled toward. */
  prior: number;
  /** Upper bound of the weight (the lower bound is 0). */
  max: number;
  /**
   * Lower bound training keeps (default 0): a risk every fraud team knows (a larger order, a younger
   * account, a night-time order) keeps at least this weight when one data set shows no effect, since
   * the guarantee pays for what the global model misses. A shop's own outcomes may still lower it to 0.
   */
  min?: number;
}

/** One signal = one file in ./signals. `compute` returns null when the facts it needs are missing (skipped). */
export interface Signal {
  id: string;
  meta: SignalMeta;
  compute(f: RiskFacts): SignalResult | null;
  /** Merchant-readable reason for a hit, in English and Japanese (≤ 256 chars). */
  reason(r: SignalResult, lang: Lang): string;
}

export const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
export const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);
export const log2p = (n: number): number => Math.log2(1 + Math.max(0, n));

/**
 * How recent something is, 1 at 0 s falling in log-seconds to 0 at `rangeSeconds`:
 * 1 - ln(1 + s / 1 min) / ln(1 + range / 1 min), clamped to 0..1 (account age, gap between orders).
 */
export function recency(seconds: number, rangeSeconds: number): number {
  return clamp(1 - Math.log1p(Math.max(0, seconds) / 60) / Math.log1p(rangeSeconds / 60), 0, 1);
}
