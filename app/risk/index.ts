/** Public API of the pure risk engine (see docs/risk-engine.md). */
export { evaluate, scoreFromLogit, probabilityFromLogit, effectiveWeights, MAX_RISK_FACTS } from "./engine";
export { factsFromWebhook, parsePhone, type FactsOptions } from "./facts";
export { InMemoryHistoryStore, identityKeys, HISTORY_RETENTION_MS, HISTORY_LONG_RETENTION_MS, WINDOWS, AMOUNT_BUCKETS, amountBucket, amountPercentile, type HistorySource, type HistorySink, type IdentityKeys } from "./history";
export { addressKey, normaliseAddressText, normaliseName, normaliseZip } from "./address";
export { defaultRuleset, DEFAULT_MODEL, RULESET_VERSION } from "./ruleset";
export { SIGNALS } from "./signals/index";
export { parseIpRangeCsv, lookupIpRange, countryNameToIso, ipToInt, intToIp, type IpRangeTable } from "./ip-table";
export * from "./types";
export { isKnownTimezone, localHour } from "./local-time";
export { fitShopAdjustment, logitFromOutcomes, scoreFromOutcomes, FEW_LABELS, FEW_LABELS_MAX_SHIFT, MAX_FIT_ROWS, type LabelledExample, type FitOptions } from "./learning";
