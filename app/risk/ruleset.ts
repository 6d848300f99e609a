import modelJson from "./model/holdfast-risk-v2.json";
import type { Model, Ruleset } from "./types";

export const DEFAULT_MODEL: Model = modelJson as Model;
export const RULESET_VERSION = "2026-11-30.1";

/** The ruleset for a shop: the committed model, optionally with the shop's own threshold (0-1000). */
export function defaultRuleset(opts: { threshold?: number; model?: Model } = {}): Ruleset {
  const model = opts.model ?? DEFAULT_MODEL;
  return { version: `${RULESET_VERSION}+${model.version}`, model, ...(opts.threshold !== undefined ? { threshold: opts.threshold } : {}), errorPenalty: 0.5 };
}
