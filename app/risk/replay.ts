/**
 * One order through facts -> history lookup -> evaluate -> history record. Pure apart
 * from the history store the caller passes in (in-memory for backtests and bench).
 */
import { evaluate } from "./engine";
import { factsFromWebhook, type FactsOptions } from "./facts";
import { identityKeys, type HistorySink, type HistorySource } from "./history";
import type { Decision, RiskFacts, Ruleset } from "./types";

export function screenWithHistory(
  payload: unknown, adminOrder: unknown, opts: FactsOptions, store: HistorySource & HistorySink, ruleset: Ruleset,
): { facts: RiskFacts; decision: Decision } {
  const base = factsFromWebhook(payload, adminOrder, opts);
  const keys = identityKeys(base);
  const history = store.lookup(base.shop, keys, base.createdAt, base.orderId);
  const facts: RiskFacts = { ...base, history };
  const decision = evaluate(facts, ruleset);
  store.record(base.shop, keys, base.createdAt, base.orderId, base.totalPrice);
  return { facts, decision };
}
