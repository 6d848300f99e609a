import { randomBytes } from "node:crypto";
import type { Clock } from "./clock.js";
import type { IdAllocator } from "./ids.js";
import type {
  AdminJob,
  Address,
  CardDetails,
  ClientDetails,
  Customer,
  CustomerJourney,
  Dispute,
  DisputeEvidence,
  DisputeReason,
  DisputeStatus,
  EvidenceTextField,
  FulfillmentHold,
  FulfillmentOrder,
  HoldReason,
  Installation,
  LineItem,
  Order,
  RiskAssessment,
  RiskLevel,
  Subscription,
  Transaction,
  UsageRecord,
} from "./types.js";
import { EVIDENCE_TEXT_FIELDS } from "./types.js";

export interface CustomerDraft {
  id?: number;
  email: string;
  phone?: string | null;
  firstName: string;
  lastName: string;
  createdAt: string;
  verifiedEmail?: boolean;
}

export interface LineItemDraft {
  title: string;
  variantTitle?: string | null;
  sku?: string;
  vendor?: string;
  quantity: number;
  price: string;
  grams?: number;
  requiresShipping?: boolean;
  productId?: number;
  variantId?: number;
}

export interface TransactionDraft {
  kind?: Transaction["kind"];
  status: Transaction["status"];
  gateway?: string;
  errorCode?: string | null;
  amount?: string;
  createdAt?: string;
  card?: Partial<CardDetails> | null;
}

/** Everything needed to place an order; the factory and the corpus loader produce these. */
export interface OrderDraft {
  id?: number;
  name?: string;
  createdAt: string;
  test?: boolean;
  email: string | null;
  phone?: string | null;
  browserIp?: string | null;
  clientDetails?: Omit<ClientDetails, "sessionHash"> | null;
  currency: string;
  lineItems: LineItemDraft[];
  shippingPrice?: string;
  totalTax?: string;
  discountCodes?: Order["discountCodes"];
  customer: CustomerDraft | null;
  billingAddress: Address | null;
  shippingAddress: Address | null;
  landingSite?: string | null;
  referringSite?: string | null;
  sourceName?: string;
  paymentGatewayNames?: string[];
  noteAttributes?: { name: string; value: string }[];
  tags?: string[];
  transactions?: TransactionDraft[];
  /** Shopify's own fraud analysis, shown as an assessment without provider. */
  shopifyRiskLevel?: RiskLevel | null;
  shopifyProtect?: Order["shopifyProtect"];
  /** One fulfillment order per entry (default: one merchant-managed). */
  fulfillmentOrders?: { managedBy: FulfillmentOrder["managedBy"]; status?: FulfillmentOrder["status"] }[];
  journey?: CustomerJourney | null;
  customerLocale?: string | null;
}

export interface DisputeDraft {
  id?: number;
  type?: Dispute["type"];
  status?: DisputeStatus;
  reason?: DisputeReason;
  networkReasonCode?: string;
  amount?: string;
  /** The disputed amount's currency (default: the order's; a card in another currency may differ). */
  currency?: string;
  initiatedAt?: string;
  evidenceDueBy?: string;
}

/** What one disputeEvidenceUpdate call changes: text fields given (null clears one), the shipping address, submission. */
export interface EvidencePatch {
  text?: Partial<Record<EvidenceTextField, string | null>>;
  shippingAddress?: Address | null;
  submit?: boolean;
}

export interface ShopInfo {
  domain: string;
  id: number;
  name: string;
  email: string;
  currency: string;
  countryCode: string;
  timezone: string;
  planName: string;
  createdAt: string;
}

/**
 * What happens to fulfillment orders after an order is placed, and to an asynchronous cancel
 * (docs/emulator.md, "Fulfillment orders arrive late" and "Cancels are asynchronous").
 */
export interface ShopBehaviour {
  /**
   * How long after an order is placed its fulfillment orders exist: Shopify creates them in a
   * routing step after orders/create. 0 = with the order; Infinity = never (a stuck routing).
   */
  fulfillmentOrderDelayMs: number;
  /** Share of orders (0..1) whose routing splits the first fulfillment order into two (a second location). */
  routingSplitRate: number;
  /** How long after orderCancel its job finishes (and the order is cancelled, or not). */
  cancelDelayMs: number;
  /** Set timers so that routing and jobs happen on time by themselves (system clock); otherwise they happen when the shop is next read after their time. */
  timers: boolean;
  /** Random source for the split rate (seeded by the emulator). */
  random: () => number;
}

export const DEFAULT_SHOP_BEHAVIOUR: ShopBehaviour = {
  fulfillmentOrderDelayMs: 0,
  routingSplitRate: 0,
  cancelDelayMs: 0,
  timers: false,
  random: Math.random,
};

/** A change to fulfillment orders that Shopify announces with a fulfillment_orders/* webhook. */
export type FulfillmentOrderEvent =
  | { topic: "fulfillment_orders/order_routing_complete"; fulfillmentOrder: FulfillmentOrder }
  | { topic: "fulfillment_orders/split"; fulfillmentOrder: FulfillmentOrder; remainingFulfillmentOrder: FulfillmentOrder }
  | { topic: "fulfillment_orders/moved"; originalFulfillmentOrder: FulfillmentOrder; movedFulfillmentOrder: FulfillmentOrder };

type FulfillmentOrderDraft = NonNullable<OrderDraft["fulfillmentOrders"]>[number];

const money = (n: number): string => n.toFixed(2);
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
export const HOLD_LIMIT_PER_APP = 10;

export class ShopState {
  readonly orders = new Map<number, Order>();
  readonly customers = new Map<number, Customer>();
  readonly disputes = new Map<number, Dispute>();
  readonly installation: Installation;
  /**
   * "frozen": the owner has not paid Shopify's bill; "locked": Shopify locked the shop (abuse, fraud
   * risk). Every Admin API call then answers 402 or 423 (https://shopify.dev/docs/api/usage/response-codes).
   */
  availability: "active" | "frozen" | "locked" = "active";
  /** Asynchronous Admin API jobs (orderCancel's), by id. */
  readonly jobs = new Map<number, AdminJob>();
  readonly behaviour: ShopBehaviour;
  private orderNumber = 1000;
  /** Orders whose fulfillment orders are still being routed: when, and what they will be. */
  private readonly routing = new Map<number, { at: number; drafts: FulfillmentOrderDraft[] }>();
  /** Orders whose next cancel job will finish without cancelling, and why (a test's stand-in for Shopify's reasons). */
  private readonly cancelRefusals = new Map<number, string>();

  constructor(
    readonly info: ShopInfo,
    private readonly ids: IdAllocator,
    private readonly clock: Clock,
    /** Called whenever an existing order changes (tags, holds, risk, cancel, fulfillment): what triggers orders/updated. */
    private readonly onOrderChange: (shop: ShopState, order: Order) => void = () => {},
    behaviour: Partial<ShopBehaviour> = {},
    /** Called for each change Shopify announces with a fulfillment_orders/* webhook. */
    private readonly onFulfillmentOrderEvent: (shop: ShopState, event: FulfillmentOrderEvent) => void = () => {},
  ) {
    this.installation = { id: ids.take(), installed: false, scopes: [], subscriptions: [], usageRecords: [] };
    this.behaviour = { ...DEFAULT_SHOP_BEHAVIOUR, ...behaviour };
  }

  get domain(): string {
    return this.info.domain;
  }

  nowIso(): string {
    return iso(this.clock.now());
  }

  // ---- customers ---------------------------------------------------------

  /** Shopify matches a returning buyer by email: same email, same customer. */
  upsertCustomer(draft: CustomerDraft, address: Address | null): Customer {
    const existing = [...this.customers.values()].find(
      (c) => (draft.id !== undefined && c.id === draft.id) || c.email.toLowerCase() === draft.email.toLowerCase(),
    );
    if (existing) return existing;
    const id = draft.id ?? this.ids.take();
    this.ids.reserve(id);
    const customer: Customer = {
      id,
      email: draft.email,
      phone: draft.phone ?? null,
      firstName: draft.firstName,
      lastName: draft.lastName,
      createdAt: draft.createdAt,
      updatedAt: draft.createdAt,
      verifiedEmail: draft.verifiedEmail ?? true,
      state: "disabled",
      defaultAddress: address,
      defaultAddressId: this.ids.take(),
    };
    this.customers.set(id, customer);
    return customer;
  }

  ordersOf(customerId: number): Order[] {
    return [...this.orders.values()].filter((o) => o.customerId === customerId);
  }

  // ---- orders ------------------------------------------------------------

  addOrder(draft: OrderDraft): Order {
    const id = draft.id ?? this.ids.take();
    if (this.orders.has(id)) throw new Error(`order ${id} already exists in ${this.domain}`);
    this.ids.reserve(id);
    const customer = draft.customer ? this.upsertCustomer(draft.customer, draft.billingAddress) : null;
    const number = ++this.orderNumber;
    const lineItems: LineItem[] = draft.lineItems.map((li) => ({
      id: this.ids.take(),
      productId: li.productId ?? this.ids.take(),
      variantId: li.variantId ?? this.ids.take(),
      title: li.title,
      variantTitle: li.variantTitle ?? null,
      sku: li.sku ?? "",
      vendor: li.vendor ?? this.info.name,
      quantity: li.quantity,
      price: li.price,
      grams: li.grams ?? 500,
      requiresShipping: li.requiresShipping ?? true,
    }));
    const order: Order = {
      id,
      number,
      name: draft.name ?? `#${number}`,
      token: randomBytes(16).toString("hex"),
      createdAt: draft.createdAt,
      updatedAt: draft.createdAt,
      processedAt: draft.createdAt,
      test: draft.test ?? false,
      email: draft.email,
      phone: draft.phone ?? null,
      browserIp: draft.browserIp ?? draft.clientDetails?.browserIp ?? null,
      clientDetails: draft.clientDetails ? { ...draft.clientDetails, sessionHash: null } : null,
      currency: draft.currency,
      lineItems,
      shippingPrice: draft.shippingPrice ?? "0.00",
      totalTax: draft.totalTax ?? "0.00",
      totalDiscounts: money((draft.discountCodes ?? []).reduce((s, d) => s + Number(d.amount), 0)),
      discountCodes: draft.discountCodes ?? [],
      customerId: customer?.id ?? null,
      billingAddress: draft.billingAddress,
      shippingAddress: draft.shippingAddress,
      landingSite: draft.landingSite ?? null,
      referringSite: draft.referringSite ?? null,
      sourceName: draft.sourceName ?? "web",
      paymentGatewayNames: draft.paymentGatewayNames ?? ["shopify_payments"],
      noteAttributes: draft.noteAttributes ?? [],
      tags: [...(draft.tags ?? [])],
      transactions: [],
      riskAssessments: [],
      shopifyProtect: draft.shopifyProtect ?? null,
      fulfillmentOrders: [],
      fulfillments: [],
      journey: draft.journey ?? null,
      cancelledAt: null,
      cancelReason: null,
      closedAt: null,
      customerLocale: draft.customerLocale ?? null,
    };
    const total = orderTotal(order);
    order.transactions = (draft.transactions ?? [{ status: "SUCCESS" }]).map((t) => ({
      id: this.ids.take(),
      kind: t.kind ?? "AUTHORIZATION",
      status: t.status,
      gateway: t.gateway ?? order.paymentGatewayNames[0] ?? "shopify_payments",
      test: order.test,
      createdAt: t.createdAt ?? order.createdAt,
      errorCode: t.errorCode ?? (t.status === "FAILURE" ? "CARD_DECLINED" : null),
      amount: t.amount ?? total,
      card: t.card === null ? null : { ...defaultCard(), ...(t.card ?? {}) },
    }));
    if (draft.shopifyRiskLevel) {
      order.riskAssessments.push({ riskLevel: draft.shopifyRiskLevel, providerApiKey: null, facts: [], createdAt: order.createdAt });
    }
    this.orders.set(id, order);
    const drafts = draft.fulfillmentOrders ?? [{ managedBy: "merchant" }];
    const delay = this.behaviour.fulfillmentOrderDelayMs;
    if (delay <= 0) {
      this.route(order, drafts, false);
    } else {
      this.routing.set(id, { at: this.clock.now() + delay, drafts });
      this.later(delay);
    }
    return order;
  }

  /** Run `tick` after `ms` by itself when the shop keeps time with timers (an unbounded wait never fires). */
  private later(ms: number): void {
    if (!this.behaviour.timers || !Number.isFinite(ms)) return;
    setTimeout(() => this.tick(), ms + 1).unref();
  }

  /**
   * Bring the shop up to its clock: route the orders whose routing is due (their fulfillment
   * orders appear, fulfillment_orders/order_routing_complete for each) and finish the jobs that
   * are due. The emulator calls it before every Admin API request, so a read always sees what
   * the clock says has happened; timers call it too when `behaviour.timers` is on.
   */
  tick(): void {
    const now = this.clock.now();
    for (const [orderId, pending] of this.routing) {
      if (pending.at > now) continue;
      this.routing.delete(orderId);
      const order = this.orders.get(orderId);
      if (order) this.route(order, pending.drafts, true);
    }
    for (const job of this.jobs.values()) if (!job.done && job.finishAt <= now) this.finishJob(job);
  }

  /** Routing is still to create this order's fulfillment orders. */
  isRouting(orderId: number): boolean {
    return this.routing.has(orderId);
  }

  /** Create the order's fulfillment orders (split in two at `routingSplitRate`), announcing each. */
  private route(order: Order, drafts: FulfillmentOrderDraft[], changed: boolean): void {
    const split = drafts.length > 0 && this.behaviour.routingSplitRate > 0 && this.behaviour.random() < this.behaviour.routingSplitRate;
    const all = split ? [drafts[0]!, ...drafts] : drafts;
    const created = all.map((fo) => this.newFulfillmentOrder(order.id, fo.managedBy, fo.status ?? "OPEN"));
    order.fulfillmentOrders.push(...created);
    if (order.cancelledAt) for (const fo of created) fo.status = "CANCELLED";
    if (changed) this.touch(order);
    for (const fo of created) this.onFulfillmentOrderEvent(this, { topic: "fulfillment_orders/order_routing_complete", fulfillmentOrder: fo });
  }

  private newFulfillmentOrder(orderId: number, managedBy: FulfillmentOrder["managedBy"], status: FulfillmentOrder["status"]): FulfillmentOrder {
    return { id: this.ids.take(), orderId, status, managedBy, holds: [], fulfilled: false, createdAt: this.nowIso() };
  }

  /**
   * A merchant splits an open fulfillment order (fulfillmentOrderSplit): a new fulfillment order
   * (new id) takes some of its line items; both stay open. Announced as fulfillment_orders/split.
   */
  splitFulfillmentOrder(fo: FulfillmentOrder): FulfillmentOrder {
    if (fo.status !== "OPEN") throw new Error(`the emulator splits only OPEN fulfillment orders (this one is ${fo.status})`);
    const order = this.requireOrder(fo.orderId);
    const remaining = this.newFulfillmentOrder(order.id, fo.managedBy, "OPEN");
    order.fulfillmentOrders.push(remaining);
    this.touch(order);
    this.onFulfillmentOrderEvent(this, { topic: "fulfillment_orders/split", fulfillmentOrder: fo, remainingFulfillmentOrder: remaining });
    return remaining;
  }

  /**
   * A merchant moves an open fulfillment order to another location (fulfillmentOrderMove): the
   * original is closed and a new fulfillment order (new id) holds its line items at the
   * destination. Announced as fulfillment_orders/moved.
   */
  moveFulfillmentOrder(fo: FulfillmentOrder, managedBy: FulfillmentOrder["managedBy"] = fo.managedBy): FulfillmentOrder {
    if (fo.status !== "OPEN") throw new Error(`the emulator moves only OPEN fulfillment orders (this one is ${fo.status})`);
    const order = this.requireOrder(fo.orderId);
    const moved = this.newFulfillmentOrder(order.id, managedBy, "OPEN");
    fo.status = "CLOSED";
    order.fulfillmentOrders.push(moved);
    this.touch(order);
    this.onFulfillmentOrderEvent(this, { topic: "fulfillment_orders/moved", originalFulfillmentOrder: fo, movedFulfillmentOrder: moved });
    return moved;
  }

  requireOrder(id: number): Order {
    const order = this.orders.get(id);
    if (!order) throw new Error(`no order ${id} in ${this.domain}`);
    return order;
  }

  touch(order: Order): void {
    order.updatedAt = this.nowIso();
    this.onOrderChange(this, order);
  }

  findFulfillmentOrder(id: number): FulfillmentOrder | undefined {
    for (const order of this.orders.values()) {
      const fo = order.fulfillmentOrders.find((f) => f.id === id);
      if (fo) return fo;
    }
    return undefined;
  }

  /**
   * Adding a tag the order already has in any case keeps the existing spelling. Removing is case
   * sensitive ("Tags are case sensitive", Shopify Flow's Remove tags action over tagsRemove:
   * https://help.shopify.com/en/manual/shopify-flow/reference/actions/remove-product-tags): "holdfast:hold"
   * does not remove "Holdfast:Hold". A call that changes nothing leaves the order untouched (no
   * updatedAt, no orders/updated).
   */
  addTags(order: Order, tags: string[]): void {
    let changed = false;
    for (const raw of tags) {
      const tag = raw.trim();
      if (tag && !order.tags.some((t) => t.toLowerCase() === tag.toLowerCase())) {
        order.tags.push(tag);
        changed = true;
      }
    }
    if (changed) this.touch(order);
  }

  removeTags(order: Order, tags: string[]): void {
    const drop = new Set(tags.map((t) => t.trim()));
    const kept = order.tags.filter((t) => !drop.has(t));
    if (kept.length === order.tags.length) return;
    order.tags = kept;
    this.touch(order);
  }

  addRiskAssessment(order: Order, assessment: Omit<RiskAssessment, "createdAt">): RiskAssessment {
    const full = { ...assessment, createdAt: this.nowIso() };
    order.riskAssessments.push(full);
    this.touch(order);
    return full;
  }

  /** Places a hold as `apiKey` (null = the merchant in the admin). Returns an error code, or the hold. */
  hold(
    fo: FulfillmentOrder,
    input: { reason: HoldReason; handle?: string | null; reasonNotes?: string | null; externalId?: string | null },
    apiKey: string | null,
  ): FulfillmentHold | { error: "DUPLICATE_FULFILLMENT_HOLD_HANDLE" | "FULFILLMENT_ORDER_HOLD_LIMIT_REACHED" | "INVALID_STATUS" | "HANDLE_TOO_LONG" } {
    // The statuses whose supportedActions include HOLD (graphql-view.ts), and no others.
    const holdable = fo.status === "OPEN" || fo.status === "ON_HOLD" || (fo.status === "IN_PROGRESS" && fo.managedBy === "merchant");
    if (!holdable) return { error: "INVALID_STATUS" };
    const handle = input.handle ?? "";
    if (handle.length > 64) return { error: "HANDLE_TOO_LONG" };
    const mine = fo.holds.filter((h) => h.heldByApiKey === apiKey);
    if (apiKey !== null && mine.some((h) => (h.handle ?? "") === handle)) return { error: "DUPLICATE_FULFILLMENT_HOLD_HANDLE" };
    if (apiKey !== null && mine.length >= HOLD_LIMIT_PER_APP) return { error: "FULFILLMENT_ORDER_HOLD_LIMIT_REACHED" };
    const hold: FulfillmentHold = {
      id: this.ids.take(),
      handle,
      reason: input.reason,
      reasonNotes: input.reasonNotes ?? null,
      heldByApiKey: apiKey,
      externalId: input.externalId ?? null,
    };
    fo.holds.push(hold);
    fo.status = "ON_HOLD";
    this.touch(this.requireOrder(fo.orderId));
    return hold;
  }

  /** Releases the listed holds (only those on this FO), or all of them when holdIds is undefined. */
  release(fo: FulfillmentOrder, holdIds?: number[]): FulfillmentHold[] {
    const released = holdIds ? fo.holds.filter((h) => holdIds.includes(h.id)) : [...fo.holds];
    fo.holds = fo.holds.filter((h) => !released.includes(h));
    if (fo.holds.length === 0 && fo.status === "ON_HOLD") fo.status = "OPEN";
    this.touch(this.requireOrder(fo.orderId));
    return released;
  }

  /** Marks every fulfillment order fulfilled (merchant shipped the order): one shipment, displayStatus FULFILLED. */
  fulfill(order: Order): void {
    let shipped = false;
    for (const fo of order.fulfillmentOrders) {
      if (fo.status === "CANCELLED" || fo.fulfilled) continue;
      fo.status = "CLOSED";
      fo.fulfilled = true;
      fo.holds = [];
      shipped = true;
    }
    if (shipped) order.fulfillments.push({ id: this.ids.take(), createdAt: this.nowIso(), displayStatus: "FULFILLED", deliveredAt: null });
    this.touch(order);
  }

  /** The carrier reports the order's shipments delivered (fulfillments' displayStatus DELIVERED, deliveredAt now). */
  markDelivered(order: Order): void {
    if (order.fulfillments.length === 0) throw new Error(`order ${order.id} has no fulfillment to deliver: fulfill it first`);
    for (const f of order.fulfillments) {
      f.displayStatus = "DELIVERED";
      f.deliveredAt ??= this.nowIso();
    }
    this.touch(order);
  }

  /**
   * orderCancel: answer a job at once; the job cancels the order `cancelDelayMs` later, or
   * finishes without cancelling it (see `finishJob`).
   */
  requestCancel(order: Order, reason: NonNullable<Order["cancelReason"]>): AdminJob {
    const job: AdminJob = {
      id: this.ids.take(), kind: "order_cancel", orderId: order.id, reason,
      finishAt: this.clock.now() + this.behaviour.cancelDelayMs, done: false, outcome: null, failure: null,
    };
    this.jobs.set(job.id, job);
    this.later(this.behaviour.cancelDelayMs);
    return job;
  }

  /** The next cancel job of this order finishes without cancelling it (e.g. "pending authorization", "open return"). */
  refuseCancel(orderId: number, reason: string): void {
    this.cancelRefusals.set(orderId, reason);
  }

  /** A cancel job finishes: the order is cancelled, unless it was fulfilled meanwhile or a refusal is set. */
  private finishJob(job: AdminJob): void {
    job.done = true;
    const order = this.orders.get(job.orderId);
    const refusal = this.cancelRefusals.get(job.orderId);
    const failure = !order
      ? "order not found"
      : order.cancelledAt
        ? "order already cancelled"
        : order.fulfillmentOrders.some((f) => f.fulfilled)
          ? "order has fulfilled items"
          : refusal ?? null;
    if (failure || !order) {
      this.cancelRefusals.delete(job.orderId);
      job.outcome = "not_cancelled";
      job.failure = failure;
      return;
    }
    this.cancel(order, job.reason);
    job.outcome = "cancelled";
  }

  cancel(order: Order, reason: NonNullable<Order["cancelReason"]>): void {
    const now = this.nowIso();
    order.cancelledAt = now;
    order.cancelReason = reason;
    order.closedAt = now;
    for (const fo of order.fulfillmentOrders) {
      if (!fo.fulfilled) {
        fo.status = "CANCELLED";
        fo.holds = [];
      }
    }
    this.touch(order);
  }

  // ---- disputes ----------------------------------------------------------

  addDispute(orderId: number, draft: DisputeDraft = {}): Dispute {
    const order = this.requireOrder(orderId);
    const id = draft.id ?? this.ids.take();
    this.ids.reserve(id);
    const initiatedAt = draft.initiatedAt ?? this.nowIso();
    const type = draft.type ?? "CHARGEBACK";
    const dispute: Dispute = {
      id,
      orderId,
      type,
      initiatedAs: type,
      status: draft.status ?? "NEEDS_RESPONSE",
      reason: draft.reason ?? "FRAUDULENT",
      networkReasonCode: draft.networkReasonCode ?? "10.4",
      amount: draft.amount ?? orderTotal(order),
      currency: draft.currency ?? order.currency,
      initiatedAt,
      evidenceDueBy: draft.evidenceDueBy ?? iso(Date.parse(initiatedAt) + 14 * 86_400_000),
      evidenceSentOn: null,
      finalizedOn: null,
      evidence: this.newEvidence(id, order),
    };
    this.disputes.set(id, dispute);
    return dispute;
  }

  /**
   * Shopify compiles a response from the order ("Shopify collects evidence and sends it to the credit card
   * company", help.shopify.com/en/manual/payments/shopify-payments/managing-chargebacks): the customer's
   * details, addresses, purchase IP and products are there before the merchant adds anything.
   */
  private newEvidence(disputeId: number, order: Order): DisputeEvidence {
    const customer = order.customerId !== null ? this.customers.get(order.customerId) : undefined;
    const text = Object.fromEntries(EVIDENCE_TEXT_FIELDS.map((f) => [f, null])) as DisputeEvidence["text"];
    text.customerEmailAddress = order.email;
    text.customerFirstName = customer?.firstName ?? order.billingAddress?.firstName ?? null;
    text.customerLastName = customer?.lastName ?? order.billingAddress?.lastName ?? null;
    return {
      id: this.ids.take(),
      disputeId,
      text,
      customerPurchaseIp: order.browserIp,
      productDescription: order.lineItems.map((li) => `${li.quantity} x ${li.title}`).join("\n") || null,
      billingAddress: order.billingAddress ? { ...order.billingAddress } : null,
      shippingAddress: order.shippingAddress ? { ...order.shippingAddress } : null,
      submitted: false,
    };
  }

  findDisputeEvidence(evidenceId: number): Dispute | undefined {
    for (const dispute of this.disputes.values()) if (dispute.evidence.id === evidenceId) return dispute;
    return undefined;
  }

  /**
   * disputeEvidenceUpdate: merges the given fields into the evidence, then submits it when asked. Refused,
   * changing nothing, once the evidence is submitted or the dispute no longer needs a response, or after
   * the dispute's evidenceDueBy.
   */
  updateDisputeEvidence(dispute: Dispute, patch: EvidencePatch): Dispute | { error: "EVIDENCE_ALREADY_ACCEPTED" | "EVIDENCE_PAST_DUE_DATE" } {
    const evidence = dispute.evidence;
    if (evidence.submitted || dispute.status !== "NEEDS_RESPONSE") return { error: "EVIDENCE_ALREADY_ACCEPTED" };
    if (this.clock.now() > Date.parse(dispute.evidenceDueBy)) return { error: "EVIDENCE_PAST_DUE_DATE" };
    for (const field of EVIDENCE_TEXT_FIELDS) {
      const value = patch.text?.[field];
      if (value !== undefined) evidence.text[field] = value;
    }
    if (patch.shippingAddress !== undefined) evidence.shippingAddress = patch.shippingAddress;
    if (patch.submit) {
      evidence.submitted = true;
      dispute.evidenceSentOn = this.nowIso();
      dispute.status = "UNDER_REVIEW";
    }
    return dispute;
  }

  /**
   * The bank escalates an inquiry: the dispute becomes a chargeback (same id; `initiatedAs` stays INQUIRY)
   * and needs a response again by a new due date, with the evidence saved so far kept and open to edits.
   * Send disputes/update with `WebhookSender.turnIntoChargeback`.
   */
  turnIntoChargeback(id: number, opts: { evidenceDueBy?: string } = {}): Dispute {
    const dispute = this.disputes.get(id);
    if (!dispute) throw new Error(`no dispute ${id} in ${this.domain}`);
    if (dispute.type !== "INQUIRY") throw new Error(`dispute ${id} in ${this.domain} is already a chargeback`);
    dispute.type = "CHARGEBACK";
    dispute.status = "NEEDS_RESPONSE";
    dispute.evidenceSentOn = null;
    dispute.finalizedOn = null;
    dispute.evidenceDueBy = opts.evidenceDueBy ?? iso(this.clock.now() + 14 * 86_400_000);
    dispute.evidence.submitted = false;
    return dispute;
  }

  updateDispute(id: number, patch: Partial<Pick<Dispute, "status" | "evidenceSentOn" | "finalizedOn" | "amount">>): Dispute {
    const dispute = this.disputes.get(id);
    if (!dispute) throw new Error(`no dispute ${id} in ${this.domain}`);
    Object.assign(dispute, patch);
    if (patch.status && ["WON", "LOST", "ACCEPTED"].includes(patch.status) && !dispute.finalizedOn) {
      dispute.finalizedOn = this.nowIso();
    }
    return dispute;
  }

  // ---- billing -----------------------------------------------------------

  activeSubscriptions(): Subscription[] {
    return this.installation.subscriptions.filter((s) => s.status === "ACTIVE");
  }

  findLineItem(id: number): { subscription: Subscription; lineItem: Subscription["lineItems"][number] } | undefined {
    for (const subscription of this.installation.subscriptions) {
      const lineItem = subscription.lineItems.find((li) => li.id === id);
      if (lineItem) return { subscription, lineItem };
    }
    return undefined;
  }

  usageRecordsOf(lineItemId: number): UsageRecord[] {
    return this.installation.usageRecords.filter((r) => r.lineItemId === lineItemId);
  }

  balanceUsed(lineItemId: number): number {
    return this.usageRecordsOf(lineItemId).reduce((s, r) => s + Number(r.price.amount), 0);
  }

  nextId(): number {
    return this.ids.take();
  }
}

export function subtotal(order: Order): string {
  return money(order.lineItems.reduce((s, li) => s + Number(li.price) * li.quantity, 0));
}

export function orderTotal(order: Order): string {
  return money(Number(subtotal(order)) - Number(order.totalDiscounts) + Number(order.shippingPrice) + Number(order.totalTax));
}

export function financialStatus(order: Order): "AUTHORIZED" | "PAID" | "PENDING" | "VOIDED" | "REFUNDED" {
  const ok = order.transactions.filter((t) => t.status === "SUCCESS");
  if (ok.some((t) => t.kind === "REFUND")) return "REFUNDED";
  if (ok.some((t) => t.kind === "VOID")) return "VOIDED";
  if (ok.some((t) => t.kind === "SALE" || t.kind === "CAPTURE")) return "PAID";
  if (ok.some((t) => t.kind === "AUTHORIZATION")) return "AUTHORIZED";
  return "PENDING";
}

function defaultCard(): CardDetails {
  return {
    avsResultCode: "Y",
    cvvResultCode: "M",
    bin: "424242",
    company: "Visa",
    number: "•••• •••• •••• 4242",
    name: null,
    wallet: null,
  };
}
