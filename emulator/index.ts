/** Public API of the local Shopify store emulator (see docs/emulator.md). */
export { ShopifyEmulator, DEFAULT_SCOPES, DROP_CONNECTION, type EmulatorOptions } from "./emulator.js";
export { startEmulatorServer, emulatorFetch, type RunningEmulator } from "./server.js";
export { ManualClock, systemClock, type Clock } from "./clock.js";
export { OrderFactory, FRAUD_PATTERNS, Rng, type FraudPattern, type GeneratedOrder, type FactoryOptions } from "./order-factory.js";
export { loadCorpus, draftFromRestOrder, type CorpusLoadResult, type CorpusLabel } from "./corpus.js";
export { WebhookSender, WEBHOOK_TOPICS, DEFAULT_WEBHOOK_PATHS, COMPRESSED_RETRY_SCHEDULE_MS, signWebhookBody, type WebhookTopic, type WebhookDelivery, type DeliveryResult } from "./webhooks.js";
export { mintSessionToken, verifySessionToken, type SessionTokenClaims } from "./session-token.js";
export { adminGraphql, SCREENING_QUERY } from "./helpers.js";
export { adminSchema, ADMIN_API_VERSION } from "./admin-schema.js";
export { STANDARD_PLAN, type ThrottleConfig } from "./throttle.js";
export type { CallRecord, CallLog } from "./call-log.js";
export type { Fault, FaultRule, InjectedUserError } from "./faults.js";
export type { ShopState, OrderDraft, DisputeDraft } from "./store.js";
export { gid, parseGid } from "./ids.js";
export { orderPayload, disputePayload } from "./rest-payloads.js";
