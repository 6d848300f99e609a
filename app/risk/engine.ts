/**
 * evaluate(facts, ruleset) -> decision. Pure and deterministic: no clock, no I/O.
 * Priority: block list (hold) > allow list (ship) > score vs threshold.
 */
import { MIN_COVERAGE_GROUPS, coverageOf, type Coverage } from "./coverage";
import { identityKeys } from "./history";
import type { Signal, SignalResult } from "./signal";
import { SIGNALS } from "./signals/index";
import type { Decision, HardOutcome, ListEntry, RiskFact, RiskFacts, Ruleset, SignalOutcome } from "./types";

export const DEFAULT_ERROR_PENALTY = 0.5;
export const MAX_RISK_FACTS = 20;
/** Shopify keeps 256 characters of a risk fact's description and cuts the rest (OrderRiskAssessmentFactInput). */
export const MAX_FACT_CHARS = 256;

const BY_ID = new Map(SIGNALS.map((s) => [s.id, s]));

/**
 * Each signal's weight as the engine uses it: the model's weight plus the shop's offset, clamped to
 * [0, meta.max] (a signal missing from the model file uses its prior), so neither a model file nor a shop's labels can flip a documented direction.
 * Computed once per ruleset (rulesets are built once per shop and model).
 */
const effective = new WeakMap<Ruleset, Float64Array>();
export function effectiveWeights(ruleset: Ruleset): Float64Array {
  let w = effective.get(ruleset);
  if (w) return w;
  w = new Float64Array(SIGNALS.length);
  const offsets = ruleset.adjustment?.offsets;
  for (let i = 0; i < SIGNALS.length; i++) {
    const s = SIGNALS[i]!;
    const base = ruleset.model.weights[s.id];
    const off = offsets?.[s.id];
    // A signal the model file does not know (added after it was fitted) keeps its documented prior.
    const raw = (base === undefined ? s.meta.prior : Number.isFinite(base) ? base : 0) + (Number.isFinite(off) ? off! : 0);
    w[i] = raw < 0 ? 0 : raw > s.meta.max ? s.meta.max : raw;
  }
  effective.set(ruleset, w);
  return w;
}

/** Calibrated probability from the model's log-odds: Platt scaling, then the shop's intercept. NaN counts as certain fraud. */
export function probabilityFromLogit(logit: number, ruleset: Ruleset): number {
  if (Number.isNaN(logit)) return 1;
  const c = ruleset.model.calibration;
  const a = c && Number.isFinite(c.a) && c.a > 0 ? c.a : 1;
  const b = c && Number.isFinite(c.b) ? c.b : 0;
  const i = ruleset.adjustment && Number.isFinite(ruleset.adjustment.intercept) ? ruleset.adjustment.intercept : 0;
  const z = a * logit + b + i;
  return Number.isNaN(z) ? 1 : 1 / (1 + Math.exp(-z));
}

export function scoreFromLogit(logit: number): number {
  if (Number.isNaN(logit)) return 1000;
  return Math.round(1000 / (1 + Math.exp(-logit)));
}

function runSignal(s: Signal, facts: RiskFacts, weight: number, errorPenalty: number): SignalOutcome {
  let r: SignalResult | null;
  try {
    r = s.compute(facts);
    if (r !== null && (typeof r.feature !== "number" || !Number.isFinite(r.feature))) throw new Error(`non-finite feature ${String(r.feature)}`);
  } catch (e) {
    return { id: s.id, outcome: "error", value: null, feature: 0, contribution: errorPenalty, evidence: String((e as Error)?.message ?? e).slice(0, 200) };
  }
  if (r === null) return { id: s.id, outcome: "skipped", value: null, feature: 0, contribution: 0 };
  const contribution = weight * r.feature;
  const t = typeof r.value;
  const value = r.value === null || t === "number" || t === "string" || t === "boolean" ? r.value : String(r.value);
  return { id: s.id, outcome: r.feature !== 0 ? "hit" : "no_hit", value, feature: r.feature, contribution, ...(r.evidence ? { evidence: r.evidence } : {}) };
}

function matchList(entries: ListEntry[] | undefined, keys: Record<string, string | undefined>): ListEntry | undefined {
  if (!Array.isArray(entries)) return undefined;
  for (const e of entries) {
    if (!e || typeof e.value !== "string") continue;
    const k = keys[e.kind];
    if (k !== undefined && k === e.value.trim().toLowerCase()) return e;
  }
  return undefined;
}

function hardOutcome(facts: RiskFacts): HardOutcome | null | "error" {
  try {
    if (!facts.lists) return null;
    const ik = identityKeys(facts) as Record<string, string | undefined>;
    const keys: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(ik)) keys[k] = typeof v === "string" ? v.toLowerCase() : undefined;
    const b = matchList(facts.lists.block, keys);
    if (b) return { kind: "block", list: b.kind, value: b.value };
    const a = matchList(facts.lists.allow, keys);
    if (a) return { kind: "allow", list: a.kind, value: a.value };
    return null;
  } catch {
    return "error";
  }
}

/** At most `n` characters (code points, never half a surrogate pair), ending in "…" when cut. */
export function truncateChars(s: string, n: number): string {
  if (s.length <= n) return s; // at most n UTF-16 units: at most n characters (the hot path: no array)
  const chars = Array.from(s);
  return chars.length <= n ? s : `${chars.slice(0, n - 1).join("")}…`;
}
const truncate = truncateChars;

export function evaluate(facts: RiskFacts, ruleset: Ruleset): Decision {
  const f: RiskFacts = facts && typeof facts === "object" ? facts : ({} as RiskFacts);
  const errorPenalty = Math.max(0, Number.isFinite(ruleset.errorPenalty) ? ruleset.errorPenalty! : DEFAULT_ERROR_PENALTY);
  const weights = effectiveWeights(ruleset);
  const outcomes = SIGNALS.map((s, i) => runSignal(s, f, weights[i]!, errorPenalty));
  const hard = hardOutcome(f);
  if (hard === "error") outcomes.push({ id: "shop_lists", outcome: "error", value: null, feature: 0, contribution: errorPenalty, evidence: "list matching failed" });

  const bias = Number.isFinite(ruleset.model.bias) ? ruleset.model.bias : 0;
  const logit = outcomes.reduce((sum, o) => sum + o.contribution, bias);
  const probability = probabilityFromLogit(logit, ruleset);
  const score = Math.round(1000 * probability);
  const threshold = Number.isFinite(ruleset.threshold) ? ruleset.threshold! : ruleset.model.threshold;
  const hardOk = hard === "error" ? null : hard;
  const coverage = coverageOf(f);
  const thinData = coverage.groups < MIN_COVERAGE_GROUPS;
  // Too thin to judge: held unless the shop ships such orders (then without the guarantee); a list entry still decides.
  const thinHold = thinData && !hardOk && ruleset.thinDataPolicy !== "ship_unguaranteed";
  const verdict = hardOk?.kind === "block" ? "hold" : hardOk?.kind === "allow" ? "ship" : thinHold || score >= threshold ? "hold" : "ship";
  const decidedBy = hardOk?.kind === "block" ? "block_list" : hardOk?.kind === "allow" ? "allow_list" : thinHold ? "thin_data" : "score";

  // Reasons: hits that moved the score, largest first; errors always listed.
  const explained = outcomes
    .filter((o) => o.outcome === "error" || (o.outcome === "hit" && Math.abs(o.contribution) >= 0.05))
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || a.id.localeCompare(b.id));
  const en: string[] = [];
  const ja: string[] = [];
  const riskFacts: RiskFact[] = [];
  if (hardOk) {
    const e = hardOk.kind === "block" ? `On the shop's block list (${hardOk.list})` : `On the shop's allow list (${hardOk.list})`;
    const j = hardOk.kind === "block" ? `ストアのブロックリストに該当（${hardOk.list}）` : `ストアの許可リストに該当（${hardOk.list}）`;
    en.push(e);
    ja.push(j);
    riskFacts.push({ description: truncate(e, MAX_FACT_CHARS), sentiment: hardOk.kind === "block" ? "NEGATIVE" : "POSITIVE" });
  }
  if (thinData) {
    const e = `Too little is known to judge this order (${coverage.groups} of 5 groups of facts: ${coverageNames(coverage, "en")})` +
      (thinHold ? "; held for review" : "; shipped without the guarantee");
    const j = `判定に必要な情報が不足しています（5 種類中 ${coverage.groups} 種類: ${coverageNames(coverage, "ja")}）` + (thinHold ? "。確認のため保留しました" : "。保証なしで発送します");
    en.push(e);
    ja.push(j);
    riskFacts.push({ description: truncate(e, MAX_FACT_CHARS), sentiment: "NEGATIVE" });
  }
  for (const o of explained) {
    const s = BY_ID.get(o.id);
    let re: string;
    let rj: string;
    if (o.outcome === "error" || !s) {
      re = `Check "${o.id}" could not run; treated as risky`;
      rj = `チェック「${o.id}」を実行できなかったため、リスクありとして扱いました`;
    } else {
      const r: SignalResult = { feature: o.feature, value: o.value, evidence: o.evidence };
      try {
        re = s.reason(r, "en");
        rj = s.reason(r, "ja");
      } catch {
        re = o.id;
        rj = o.id;
      }
    }
    en.push(truncate(re, MAX_FACT_CHARS));
    ja.push(truncate(rj, MAX_FACT_CHARS));
    if (riskFacts.length < MAX_RISK_FACTS) riskFacts.push({ description: truncate(re, MAX_FACT_CHARS), sentiment: o.contribution > 0 ? "NEGATIVE" : o.contribution < 0 ? "POSITIVE" : "NEUTRAL" });
  }
  const riskLevel = verdict === "hold" ? "HIGH" : score >= threshold / 2 ? "MEDIUM" : "LOW";
  return {
    verdict, score, probability: Math.round(probability * 1e6) / 1e6, threshold, rulesetVersion: ruleset.version, modelVersion: ruleset.model.version, decidedBy, hard: hardOk,
    outcomes, reasons: { en, ja }, riskLevel, riskFacts, coverage, thinData,
  };
}

const GROUP_NAMES: Record<"en" | "ja", Record<Exclude<keyof Coverage, "groups">, string>> = {
  en: { account: "account", payment: "payment", network: "network", contact: "contact", addresses: "addresses" },
  ja: { account: "アカウント", payment: "支払い", network: "ネットワーク", contact: "連絡先", addresses: "住所" },
};

/** The groups present, named ("none" when none is). */
function coverageNames(c: Coverage, locale: "en" | "ja"): string {
  const names = (Object.keys(GROUP_NAMES.en) as Exclude<keyof Coverage, "groups">[]).filter((k) => c[k]).map((k) => GROUP_NAMES[locale][k]);
  return names.length ? names.join(", ") : locale === "en" ? "none" : "なし";
}
