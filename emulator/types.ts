/** Store state of one emulated shop. Webhook payloads (REST) and the GraphQL view are both derived from it. */

export interface Address {
  firstName: string;
  lastName: string;
  address1: string;
  address2: string | null;
  city: string;
  province: string;
  provinceCode: string;
  zip: string;
  country: string;
  countryCode: string;
  phone: string;
  company: string | null;
  latitude: number | null;
  longitude: number | null;
}

export interface CardDetails {
  avsResultCode: string | null;
  cvvResultCode: string | null;
  bin: string | null;
  company: string | null;
  number: string | null;
  name: string | null;
  wallet: "APPLE_PAY" | "GOOGLE_PAY" | "SHOPIFY_PAY" | null;
}

export type TransactionKind = "AUTHORIZATION" | "SALE" | "CAPTURE" | "VOID" | "REFUND";
export type TransactionStatus = "SUCCESS" | "FAILURE" | "PENDING" | "ERROR";

export interface Transaction {
  id: number;
  kind: TransactionKind;
  status: TransactionStatus;
  gateway: string;
  test: boolean;
  createdAt: string;
  errorCode: string | null;
  amount: string;
  card: CardDetails | null;
}

export interface LineItem {
  id: number;
  productId: number;
  variantId: number;
  title: string;
  variantTitle: string | null;
  sku: string;
  vendor: string;
  quantity: number;
  price: string;
  grams: number;
  requiresShipping: boolean;
}

export interface Customer {
  id: number;
  email: string;
  phone: string | null;
  firstName: string;
  lastName: string;
  createdAt: string;
  updatedAt: string;
  verifiedEmail: boolean;
  state: "enabled" | "disabled" | "invited" | "declined";
  defaultAddress: Address | null;
  defaultAddressId: number;
}

export type HoldReason =
  | "AWAITING_PAYMENT"
  | "AWAITING_RETURN_ITEMS"
  | "HIGH_RISK_OF_FRAUD"
  | "INCORRECT_ADDRESS"
  | "INVENTORY_OUT_OF_STOCK"
  | "ONLINE_STORE_POST_PURCHASE_CROSS_SELL"
  | "OTHER"
  | "UNKNOWN_DELIVERY_DATE";

export interface FulfillmentHold {
  id: number;
  handle: string | null;
  reason: HoldReason;
  reasonNotes: string | null;
  /** API key of the app that placed it; null = the merchant in the admin. */
  heldByApiKey: string | null;
  externalId: string | null;
}

export type FulfillmentOrderStatus = "OPEN" | "ON_HOLD" | "IN_PROGRESS" | "CLOSED" | "CANCELLED" | "SCHEDULED" | "INCOMPLETE";

export interface FulfillmentOrder {
  id: number;
  orderId: number;
  status: FulfillmentOrderStatus;
  /** merchant = merchant-managed location; third_party = a 3PL fulfillment service. */
  managedBy: "merchant" | "third_party";
  holds: FulfillmentHold[];
  fulfilled: boolean;
  /** When routing (or a split or move) created it. */
  createdAt: string;
}

/**
 * An asynchronous Admin API job (`Job`): `orderCancel` answers one at once and cancels later.
 * `outcome` is what the emulator did when it finished (Shopify's `Job` exposes only `done`).
 */
export interface AdminJob {
  id: number;
  kind: "order_cancel";
  orderId: number;
  reason: NonNullable<Order["cancelReason"]>;
  finishAt: number;
  done: boolean;
  outcome: "cancelled" | "not_cancelled" | null;
  /** Why it finished without cancelling. */
  failure: string | null;
}

export type RiskLevel = "HIGH" | "MEDIUM" | "LOW" | "NONE" | "PENDING";
export type Sentiment = "NEGATIVE" | "NEUTRAL" | "POSITIVE";

export interface RiskAssessment {
  riskLevel: RiskLevel;
  /** null = Shopify's own fraud analysis; otherwise the app's API key. */
  providerApiKey: string | null;
  facts: { description: string; sentiment: Sentiment }[];
  createdAt: string;
}

export interface CustomerJourney {
  customerOrderIndex: number;
  daysToConversion: number;
  firstVisit: { source: string; landingPage: string | null; occurredAt: string } | null;
}

export interface ClientDetails {
  browserIp: string | null;
  acceptLanguage: string | null;
  userAgent: string | null;
  /** The inferred 2026-07 webhook schema only admits null here (Shopify's example payload). */
  sessionHash: null;
  browserWidth: number | null;
  browserHeight: number | null;
}

export interface Order {
  id: number;
  number: number;
  name: string;
  token: string;
  createdAt: string;
  updatedAt: string;
  processedAt: string;
  test: boolean;
  email: string | null;
  phone: string | null;
  browserIp: string | null;
  clientDetails: ClientDetails | null;
  currency: string;
  lineItems: LineItem[];
  shippingPrice: string;
  totalTax: string;
  totalDiscounts: string;
  discountCodes: { code: string; amount: string; type: "percentage" | "fixed_amount" }[];
  customerId: number | null;
  billingAddress: Address | null;
  shippingAddress: Address | null;
  landingSite: string | null;
  referringSite: string | null;
  sourceName: string;
  paymentGatewayNames: string[];
  noteAttributes: { name: string; value: string }[];
  tags: string[];
  transactions: Transaction[];
  riskAssessments: RiskAssessment[];
  shopifyProtect: { status: "ACTIVE" | "INACTIVE" | "NOT_PROTECTED" | "PENDING" | "PROTECTED"; eligible: boolean } | null;
  fulfillmentOrders: FulfillmentOrder[];
  /** Shipments (`Order.fulfillments`): one per `ShopState.fulfill`, DELIVERED after `ShopState.markDelivered`. */
  fulfillments: Fulfillment[];
  journey: CustomerJourney | null;
  cancelledAt: string | null;
  cancelReason: "CUSTOMER" | "DECLINED" | "FRAUD" | "INVENTORY" | "OTHER" | "STAFF" | null;
  closedAt: string | null;
  customerLocale: string | null;
}

/** A shipment: `Fulfillment.displayStatus` (FulfillmentDisplayStatus) is FULFILLED until the carrier reports it delivered. */
export interface Fulfillment {
  id: number;
  createdAt: string;
  displayStatus: "FULFILLED" | "IN_TRANSIT" | "DELIVERED";
  deliveredAt: string | null;
}

export type DisputeStatus = "NEEDS_RESPONSE" | "UNDER_REVIEW" | "ACCEPTED" | "WON" | "LOST" | "PREVENTED" | "CHARGE_REFUNDED";
export type DisputeReason =
  | "BANK_CANNOT_PROCESS"
  | "CREDIT_NOT_PROCESSED"
  | "CUSTOMER_INITIATED"
  | "DEBIT_NOT_AUTHORIZED"
  | "DUPLICATE"
  | "FRAUDULENT"
  | "GENERAL"
  | "INCORRECT_ACCOUNT_DETAILS"
  | "INSUFFICIENT_FUNDS"
  | "NONCOMPLIANT"
  | "PRODUCT_NOT_RECEIVED"
  | "PRODUCT_UNACCEPTABLE"
  | "SUBSCRIPTION_CANCELLED"
  | "UNRECOGNIZED";

export type DisputeType = "CHARGEBACK" | "INQUIRY";

export interface Dispute {
  id: number;
  orderId: number;
  /** Turns from INQUIRY into CHARGEBACK when the bank escalates (`ShopState.turnIntoChargeback`). */
  type: DisputeType;
  /** What the dispute was opened as: `OrderDisputeSummary.initiatedAs` keeps it after an escalation. */
  initiatedAs: DisputeType;
  status: DisputeStatus;
  reason: DisputeReason;
  networkReasonCode: string;
  amount: string;
  currency: string;
  initiatedAt: string;
  evidenceDueBy: string;
  evidenceSentOn: string | null;
  finalizedOn: string | null;
  /** One evidence object per dispute, with its own id (`ShopifyPaymentsDisputeEvidence`). */
  evidence: DisputeEvidence;
}

/** The text fields of `ShopifyPaymentsDisputeEvidenceUpdateInput` (the admin-2026-07 schema). */
export const EVIDENCE_TEXT_FIELDS = [
  "accessActivityLog",
  "cancellationPolicyDisclosure",
  "cancellationRebuttal",
  "customerEmailAddress",
  "customerFirstName",
  "customerLastName",
  "refundPolicyDisclosure",
  "refundRefusalExplanation",
  "uncategorizedText",
] as const;
export type EvidenceTextField = (typeof EVIDENCE_TEXT_FIELDS)[number];

export interface DisputeEvidence {
  id: number;
  disputeId: number;
  text: Record<EvidenceTextField, string | null>;
  /** Read-only on Shopify (not in the update input): filled from the order when the dispute opens. */
  customerPurchaseIp: string | null;
  productDescription: string | null;
  billingAddress: Address | null;
  shippingAddress: Address | null;
  submitted: boolean;
}

export interface UsageRecord {
  id: number;
  lineItemId: number;
  description: string;
  price: { amount: string; currencyCode: string };
  idempotencyKey: string | null;
  createdAt: string;
}

export interface SubscriptionLineItem {
  id: number;
  usage: { cappedAmount: { amount: string; currencyCode: string }; terms: string } | null;
  recurring: { price: { amount: string; currencyCode: string }; interval: "EVERY_30_DAYS" | "ANNUAL" } | null;
}

export interface Subscription {
  id: number;
  name: string;
  status: "PENDING" | "ACTIVE" | "DECLINED" | "CANCELLED" | "EXPIRED" | "FROZEN" | "ACCEPTED";
  test: boolean;
  trialDays: number;
  returnUrl: string;
  createdAt: string;
  lineItems: SubscriptionLineItem[];
}

export interface Installation {
  id: number;
  installed: boolean;
  scopes: string[];
  subscriptions: Subscription[];
  usageRecords: UsageRecord[];
}
