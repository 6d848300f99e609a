import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../emulator/clock.js";
import { ShopifyEmulator } from "../../emulator/emulator.js";
import { validateJsonSchema, type JsonSchema } from "../../emulator/json-schema.js";
import { OrderFactory } from "../../emulator/order-factory.js";
import { WEBHOOK_TOPICS, WebhookSender, type WebhookDelivery, type WebhookTopic } from "../../emulator/webhooks.js";

const require = createRequire(import.meta.url);
const { schemaForWebhook } = require("shopify-webhook-schemas") as { schemaForWebhook: (version: string, topic: string) => JsonSchema };

const SHOP = "hooks.myshopify.com";

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  url: string;
}

const servers: { close: () => void }[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** A receiver that answers with the given statuses in turn (last one repeats). */
async function receiver(statuses: number[] = [200]) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), url: req.url ?? "" });
      res.writeHead(statuses[Math.min(received.length - 1, statuses.length - 1)] ?? 200);
      res.end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  servers.push({ close: () => server.close() });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

function world() {
  const emulator = new ShopifyEmulator({ clock: new ManualClock(), fulfillmentOrderDelayMs: 0 });
  const shop = emulator.createShop(SHOP);
  const factory = new OrderFactory({ seed: 11 });
  const legit = shop.addOrder(factory.legit().draft);
  const japanese = shop.addOrder(factory.japanese().draft);
  const fraud = shop.addOrder(factory.fraud("card_testing").draft);
  const dispute = shop.addDispute(fraud.id, { reason: "FRAUDULENT" });
  return { emulator, shop, legit, japanese, fraud, dispute };
}

/** A merchant splits or moves the Japanese order's fulfillment order; the delivery Shopify sends for it. */
function splitOrMoved(w: ReturnType<typeof world>, sender: WebhookSender, topic: "fulfillment_orders/split" | "fulfillment_orders/moved"): WebhookDelivery {
  let delivery: WebhookDelivery | undefined;
  const stop = w.emulator.onFulfillmentOrderEvent((_shop, event) => {
    if (event.topic === topic) delivery = sender.fulfillmentOrderEvent(SHOP, event);
  });
  const fo = w.japanese.fulfillmentOrders.find((f) => f.status === "OPEN")!;
  if (topic === "fulfillment_orders/split") w.shop.splitFulfillmentOrder(fo);
  else w.shop.moveFulfillmentOrder(fo);
  stop();
  return delivery!;
}

function deliveriesByTopic(sender: WebhookSender, w: ReturnType<typeof world>): Record<WebhookTopic, WebhookDelivery> {
  const customerId = w.legit.customerId as number;
  return {
    "orders/create": sender.ordersCreate(SHOP, w.japanese.id),
    "orders/updated": sender.ordersUpdated(SHOP, w.fraud.id),
    "fulfillment_orders/order_routing_complete": sender.fulfillmentOrdersRoutingComplete(SHOP, w.legit.fulfillmentOrders[0]!),
    "fulfillment_orders/split": splitOrMoved(w, sender, "fulfillment_orders/split"),
    "fulfillment_orders/moved": splitOrMoved(w, sender, "fulfillment_orders/moved"),
    "disputes/create": sender.disputesCreate(SHOP, w.dispute.id),
    "disputes/update": sender.disputesUpdate(SHOP, w.dispute.id),
    "app/uninstalled": sender.appUninstalled(SHOP),
    "app/scopes_update": sender.appScopesUpdate(SHOP, [...w.emulator.scopes, "read_all_orders"]),
    "customers/data_request": sender.customersDataRequest(SHOP, customerId),
    "customers/redact": sender.customersRedact(SHOP, customerId),
    "shop/redact": sender.shopRedact(SHOP),
  };
}

describe("webhook payloads", () => {
  it.each(WEBHOOK_TOPICS)("%s validates against the shopify-webhook-schemas 2026-07 schema", (topic) => {
    const w = world();
    const sender = new WebhookSender(w.emulator, { targetBaseUrl: "http://127.0.0.1:1" });
    const payload: unknown = JSON.parse(deliveriesByTopic(sender, w)[topic].body);
    // The inferred schemas come from one example each: a split's replacement fulfillment order is an
    // object there, though the Admin schema's FulfillmentOrderSplitResult.replacementFulfillmentOrder is
    // nullable and a plain split has none; that null is the one difference allowed.
    const allowed = topic === "fulfillment_orders/split" ? ["/replacement_fulfillment_order: expected object, got null"] : [];
    expect(validateJsonSchema(schemaForWebhook("2026-07", topic), payload).filter((e) => !allowed.includes(e))).toEqual([]);
  });

  it("the schema check can fail (a broken payload is reported)", () => {
    const schema = schemaForWebhook("2026-07", "disputes/create");
    expect(validateJsonSchema(schema, { id: "not-a-number" })).not.toEqual([]);
  });

  it("orders/create agrees with store state and keeps IDs exact", () => {
    const w = world();
    const sender = new WebhookSender(w.emulator, { targetBaseUrl: "http://127.0.0.1:1" });
    const payload = JSON.parse(sender.ordersCreate(SHOP, w.japanese.id).body) as Record<string, unknown>;
    expect(payload.id).toBe(w.japanese.id);
    expect(Number.isSafeInteger(payload.id)).toBe(true);
    expect(payload.admin_graphql_api_id).toBe(`gid://shopify/Order/${w.japanese.id}`);
    expect((payload.shipping_address as { country_code: string }).country_code).toBe("JP");
    expect(payload.note_attributes).toEqual(w.japanese.noteAttributes);
  });
});

describe("webhook delivery", () => {
  it("signs the raw body with the app secret and sets Shopify's headers", async () => {
    const w = world();
    const target = await receiver();
    const sender = new WebhookSender(w.emulator, { targetBaseUrl: target.url });
    const delivery = sender.ordersCreate(SHOP, w.legit.id);
    const result = await sender.deliver(delivery);
    expect(result.ok).toBe(true);
    const [got] = target.received;
    expect(got?.url).toBe("/webhooks/orders/create");
    const expectedHmac = createHmac("sha256", w.emulator.apiSecret).update(got?.body ?? "").digest("base64");
    expect(got?.headers["x-shopify-hmac-sha256"]).toBe(expectedHmac);
    expect(got?.headers).toMatchObject({
      "x-shopify-topic": "orders/create",
      "x-shopify-shop-domain": SHOP,
      "x-shopify-api-version": "2026-07",
      "x-shopify-webhook-id": delivery.webhookId,
      "x-shopify-event-id": delivery.eventId,
      "x-shopify-triggered-at": "2026-07-15T12:00:00.000Z",
    });
    const wrong = createHmac("sha256", "not-the-secret").update(got?.body ?? "").digest("base64");
    expect(got?.headers["x-shopify-hmac-sha256"]).not.toBe(wrong);
  });

  // https://shopify.dev/docs/apps/build/webhooks/ignore-duplicates: duplicates are told apart by
  // X-Shopify-Event-Id; the same event can arrive again as a new delivery (a new webhook id).
  it("sends an event again as a new delivery: same topic, event id and body, a new webhook id", async () => {
    const w = world();
    const target = await receiver();
    const sender = new WebhookSender(w.emulator, { targetBaseUrl: target.url });
    const first = sender.ordersCreate(SHOP, w.legit.id);
    const again = sender.duplicateEvent(first);
    await sender.deliver(first);
    await sender.deliver(again);
    const [a, b] = target.received;
    expect(a?.headers["x-shopify-event-id"]).toBe(b?.headers["x-shopify-event-id"]);
    expect(a?.headers["x-shopify-topic"]).toBe(b?.headers["x-shopify-topic"]);
    expect(a?.body).toBe(b?.body);
    expect(a?.headers["x-shopify-webhook-id"]).not.toBe(b?.headers["x-shopify-webhook-id"]);
  });

  it("retries non-2xx with the same webhook id and body, following the schedule", async () => {
    const w = world();
    const target = await receiver([500, 503, 200]);
    const waits: number[] = [];
    const sender = new WebhookSender(w.emulator, { targetBaseUrl: target.url, retrySchedule: [1, 2, 3], sleep: async (ms) => void waits.push(ms) });
    const result = await sender.deliver(sender.disputesCreate(SHOP, w.dispute.id));
    expect(result.ok).toBe(true);
    expect(result.attempts.map((a) => a.status)).toEqual([500, 503, 200]);
    expect(waits).toEqual([1, 2]);
    expect(new Set(target.received.map((r) => r.headers["x-shopify-webhook-id"])).size).toBe(1);
    expect(new Set(target.received.map((r) => r.body)).size).toBe(1);
    expect(target.received[0]?.url).toBe("/webhooks/disputes");
  });

  it("gives up after the last retry and reports network errors", async () => {
    const w = world();
    const sender = new WebhookSender(w.emulator, { targetBaseUrl: "http://127.0.0.1:9", retrySchedule: [0, 0], sleep: async () => {} });
    const result = await sender.deliver(sender.shopRedact(SHOP));
    expect(result.ok).toBe(false);
    expect(result.attempts).toHaveLength(3);
    expect(result.attempts[0]?.error).toBeTruthy();
  });

  it("duplicates, redelivers and reorders", async () => {
    const w = world();
    const target = await receiver();
    const sender = new WebhookSender(w.emulator, { targetBaseUrl: target.url, sleep: async () => {} });
    const first = sender.ordersCreate(SHOP, w.legit.id);
    await sender.duplicate(first);
    await sender.redeliver(first, { delayMs: 5 });
    expect(target.received.map((r) => r.headers["x-shopify-webhook-id"])).toEqual([first.webhookId, first.webhookId, first.webhookId]);
    target.received.length = 0;
    const a = sender.ordersCreate(SHOP, w.fraud.id);
    const b = sender.ordersUpdated(SHOP, w.fraud.id);
    await sender.deliverAll([a, b], { order: "reverse" });
    expect(target.received.map((r) => r.headers["x-shopify-topic"])).toEqual(["orders/updated", "orders/create"]);
  });
});

describe("automatic orders/updated", () => {
  it("follows Holdfast's own mutations, one delivery per order per tick, payload reflecting the change", async () => {
    const w = world();
    const target = await receiver();
    const sender = new WebhookSender(w.emulator, { targetBaseUrl: target.url, autoOrdersUpdated: true, sleep: async () => {} });
    const { access_token: token } = w.emulator.install(SHOP);
    const res = await w.emulator.fetch(`https://${SHOP}/admin/api/2026-07/graphql.json`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-shopify-access-token": token },
      body: JSON.stringify({ query: `mutation($id: ID!) { a: tagsAdd(id: $id, tags: ["holdfast:hold"]) { userErrors { message } } b: tagsAdd(id: $id, tags: ["x"]) { userErrors { message } } }`, variables: { id: `gid://shopify/Order/${w.legit.id}` } }),
    });
    expect(res.status).toBe(200);
    await sender.flush();
    expect(target.received).toHaveLength(1);
    expect(target.received[0]?.headers["x-shopify-topic"]).toBe("orders/updated");
    expect((JSON.parse(target.received[0]?.body ?? "{}") as { tags: string }).tags).toBe("holdfast:hold, x");
    sender.close();
    w.shop.addTags(w.legit, ["after-close"]);
    await sender.flush();
    expect(target.received).toHaveLength(1);
  });
});

describe("buyer and merchant actions with their webhooks", () => {
  it("places an order, opens and updates a dispute, each followed by its webhook built from the new state", async () => {
    const w = world();
    const target = await receiver();
    const sender = new WebhookSender(w.emulator, { targetBaseUrl: target.url, sleep: async () => {} });
    const { order, result } = await sender.placeOrder(SHOP, new OrderFactory({ seed: 99 }).fraud("disposable_email").draft);
    expect(result.ok).toBe(true);
    expect((JSON.parse(target.received[0]?.body ?? "{}") as { id: number }).id).toBe(order.id);
    const { dispute } = await sender.openDispute(SHOP, order.id, { reason: "UNRECOGNIZED" });
    await sender.updateDispute(SHOP, dispute.id, { status: "LOST" });
    const bodies = target.received.slice(1).map((r) => JSON.parse(r.body) as { reason: string; status: string; finalized_on: string | null });
    expect(target.received.map((r) => r.headers["x-shopify-topic"])).toEqual(["orders/create", "disputes/create", "disputes/update"]);
    expect(bodies[0]).toMatchObject({ reason: "unrecognized", status: "needs_response", finalized_on: null });
    expect(bodies[1]).toMatchObject({ status: "lost", finalized_on: "2026-07-15T12:00:00Z" });
  });
});
