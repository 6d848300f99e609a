import type { Lang, RiskFacts } from "./types";

export interface SignalResult {
  /** Model input; 0 means "nothing to see". */
  feature: number;
  value: number | string | boolean | null;
  evidence?: string;
}

/** One signal = one file in ./signals. `compute` returns null when the facts it needs are missing (skipped). */
export interface Signal {
  id: string;
  compute(f: RiskFacts): SignalResult | null;
  /** Merchant-readable reason for a hit, in English and Japanese (≤ 256 chars). */
  reason(r: SignalResult, lang: Lang): string;
}

export const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
export const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);
export const log2p = (n: number): number => Math.log2(1 + Math.max(0, n));
