import type { Coverage } from "./coverage";
/**
 * Plain-data types of the risk engine. Everything here is JSON-serialisable so a
 * decision can be stored and an evaluation replayed exactly (docs/risk-engine.md).
 */

export type Lang = "en" | "ja";

export interface AddressFacts {
  name?: string;
  address1?: string;
  address2?: string;
  city?: string;
  province?: string;
  zip?: string;
  /** ISO 3166-1 alpha-2, upper case. */
  countryCode?: string;
  latitude?: number;
  longitude?: number;
}

export interface PhoneFacts {
  raw: string;
  /** E.164 when libphonenumber-js could parse it. */
  e164?: string;
  valid: boolean;
  /** ISO country of the number when known. */
  country?: string;
}

export interface PaymentFacts {
  avsResultCode?: string;
  cvvResultCode?: string;
  bin?: string;
  last4?: string;
  company?: string;
  /** Failed payment attempts before this order (failed transactions, declined cards). */
  failedAttempts?: number;
}

export interface CustomerFacts {
  id?: string;
  /** Account creation time, ms since epoch. */
  createdAt?: number;
  /** Orders the customer had placed before this one (0 = first order). */
  previousOrders?: number;
  amountSpent?: number;
  verifiedEmail?: boolean;
  firstName?: string;
  lastName?: string;
}

export interface LineItemFacts {
  key: string;
  title?: string;
  quantity: number;
  price?: number;
}

/** Counts of earlier orders of this shop that share one identity, per window. */
export interface WindowCounts {
  h1: number;
  h24: number;
  d7: number;
  /** Every earlier order the history store holds (all-time: the in-memory store keeps every order it saw; the database 400 days). */
  all: number;
}

export type IdentityKind = "email" | "phone" | "ip" | "device" | "card" | "address";
export const IDENTITY_KINDS: readonly IdentityKind[] = ["email", "phone", "ip", "device", "card", "address"];
/** What the history counts by: the identity kinds and the shop's customer id. */
export type HistoryKind = IdentityKind | "customer";
export const HISTORY_KINDS: readonly HistoryKind[] = [...IDENTITY_KINDS, "customer"];
/** Kinds whose distinct other cards are counted (cards per customer / email / device). */
export type CardsByKind = "customer" | "email" | "device";
/** Kinds whose distinct other customers are counted (customers per card / device / IP). */
export type CustomersByKind = "card" | "device" | "ip";

export interface HistoryCounts {
  velocity: Partial<Record<HistoryKind, WindowCounts>>;
  /** Other customers seen on the same device in the last 7 days. */
  deviceOtherCustomers7d?: number;
  /** Distinct other recipient names at the same normalised shipping address in the last 7 days. */
  addressOtherNames7d?: number;
  /** Orders of this shop in the history window (to know whether shop statistics mean anything). */
  shopOrders?: number;
  /** Typical order value of this shop (geometric moving average), in the shop currency. */
  shopTypicalValue?: number;
  /** All-time: distinct cards other than this order's on earlier orders with the same customer / email / device (present when the key is). */
  otherCards?: Partial<Record<CardsByKind, number>>;
  /** All-time: distinct customers other than this order's on earlier orders with the same card / device / IP (present when the key is). */
  otherCustomers?: Partial<Record<CustomersByKind, number>>;
  /** All-time: earlier orders of this customer paid with this order's card (present when both are known). */
  customerCardOrders?: number;
  /** Time (ms) of this customer's latest earlier order (absent: none, or no customer). */
  customerLastOrderAt?: number;
  /** The shop's earlier order amounts, counted per log-scale bucket (AMOUNT_BUCKETS in history.ts). */
  shopAmountHistogram?: readonly number[];
}

export type ListKind = IdentityKind | "customer";
export interface ListEntry {
  kind: ListKind;
  /** Normalised value as produced by `identityKeys` (e.g. lower-case email). */
  value: string;
  note?: string;
}

export interface ShopLists {
  block?: ListEntry[];
  allow?: ListEntry[];
}

export type ShopifyRecommendation = "ACCEPT" | "INVESTIGATE" | "CANCEL" | "NONE";

export interface RiskFacts {
  shop: string;
  orderId: string;
  /** Evaluation time, ms since epoch. The engine never reads the clock. */
  now: number;
  /** Order creation time, ms since epoch. */
  createdAt: number;
  /** The shop's IANA timezone (Shop.ianaTimezone), for hour-of-day signals; UTC when absent. */
  timezone?: string;
  totalPrice?: number;
  currency?: string;
  email?: string;
  phone?: PhoneFacts;
  ip?: string;
  /** Country of the IP (ISO alpha-2), filled by the loader (GeoIP in production, a range table in backtests). */
  ipCountry?: string;
  deviceId?: string;
  userAgent?: string;
  acceptLanguage?: string;
  customer?: CustomerFacts;
  billing?: AddressFacts;
  shipping?: AddressFacts;
  lineItems?: LineItemFacts[];
  payment?: PaymentFacts;
  shopifyRecommendation?: ShopifyRecommendation;
  landingSite?: string;
  referringSite?: string;
  sourceName?: string;
  test?: boolean;
  history?: HistoryCounts;
  lists?: ShopLists;
}

export type OutcomeKind = "hit" | "no_hit" | "error" | "skipped";

export interface SignalOutcome {
  id: string;
  outcome: OutcomeKind;
  /** Raw value the signal measured (seconds, counts, codes...); null when skipped or errored. */
  value: number | string | boolean | null;
  /** Feature value fed to the model (0 = neutral). */
  feature: number;
  /** Score modifier in log-odds units: weight * feature, or the error penalty. */
  contribution: number;
  evidence?: string;
}

export type Verdict = "ship" | "hold";
export type Sentiment = "NEGATIVE" | "NEUTRAL" | "POSITIVE";

export interface RiskFact {
  description: string;
  sentiment: Sentiment;
}

export interface HardOutcome {
  kind: "block" | "allow";
  list: ListKind;
  value: string;
}

export interface Decision {
  verdict: Verdict;
  /** 0-1000: round(1000 x probability). */
  score: number;
  /** Calibrated probability of a fraud chargeback (0..1), after the shop's adjustment. */
  probability: number;
  threshold: number;
  rulesetVersion: string;
  modelVersion: string;
  /** Why the verdict is what it is: a hard list outcome wins over the score; too thin an order is held by the shop's policy. */
  decidedBy: "block_list" | "allow_list" | "score" | "thin_data";
  hard: HardOutcome | null;
  outcomes: SignalOutcome[];
  reasons: { en: string[]; ja: string[] };
  riskLevel: "HIGH" | "MEDIUM" | "LOW";
  riskFacts: RiskFact[];
  /** Which groups of facts the order came with (app/risk/coverage.ts). */
  coverage: Coverage;
  /** Fewer than MIN_COVERAGE_GROUPS groups: too thin to judge. Never approved with the guarantee. */
  thinData: boolean;
}

export interface Model {
  version: string;
  bias: number;
  /** Log-odds per unit of each signal's feature; the engine clamps each to [0, the signal's meta.max] (a direction never flips). */
  weights: Record<string, number>;
  /** Default threshold (score at or above which an order is held). */
  threshold: number;
  trainedOn?: string;
  notes?: string;
  /** Signals whose weight is the documented prior: the training data could not estimate them. */
  priors?: string[];
  /** Score -> probability of a fraud chargeback: p = sigmoid(a * logit + b) (Platt scaling); identity when absent. */
  calibration?: { a: number; b: number; fittedOn?: string };
}

/**
 * A shop's own, bounded adjustment of the global model, learnt from its outcomes (app/risk/learning.ts).
 * Versioned and stored; the engine adds `intercept` to the calibrated log-odds and each offset to its
 * signal's weight, still clamped to [0, max].
 */
export interface ShopAdjustment {
  version: number;
  intercept: number;
  offsets: Record<string, number>;
  /** Labelled orders it was fitted from. */
  labels: number;
}

export interface Ruleset {
  version: string;
  model: Model;
  /** Per-shop threshold override. */
  threshold?: number;
  /** The shop's learnt adjustment, if any. */
  adjustment?: ShopAdjustment;
  /** Log-odds added for each signal that throws (always >= 0: errors push towards hold). */
  errorPenalty?: number;
  /** An order too thin to judge: held for review (default) or shipped as scored, without the guarantee. */
  thinDataPolicy?: ThinDataPolicy;
}

export type ThinDataPolicy = "hold" | "ship_unguaranteed";
