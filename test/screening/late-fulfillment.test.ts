// Shopify as it really behaves, against Holdfast's real pipeline (both databases): fulfillment
// orders that arrive after the order (or never), split and moved fulfillment orders, and
// asynchronous cancels. A held order ends held, or visibly failed; never silently unheld.
import { afterAll, expect, it } from "vitest";
import { describeEachDb } from "../support/db";
import { startPipeline, type Pipeline } from "../support/pipeline";
import { TEST_API_KEY } from "../../scripts/lib/app-process";
import { ManualClock, OrderFactory, type EmulatorOptions, type GeneratedOrder, type WebhookDelivery } from "../../emulator/index";
import { HOLD_HANDLE, HOLD_TAG } from "../../app/screening/store-actions.server";
import { HOLD_WAIT_MS } from "../../app/screening/screen-order.server";
import { reconcileShop, SETTLE_MS } from "../../app/screening/reconcile.server";

describeEachDb("Shopify's timing: late fulfillment orders, splits and moves, asynchronous cancels", (get) => {
  let n = 0;
  const factory = new OrderFactory({ seed: 41, startAt: Date.now() - 3_600_000 }); // recent: orders(query:) lists the last 60 days
  let p: Pipeline;
  let shop: string;
  /** The emulator's clock: routing and cancel jobs happen when it says so. */
  let clock: ManualClock;
  /** Holdfast's clock offset (its screening waits), moved by `later`. */
  let skew = 0;
  /** fulfillment_orders/* deliveries Shopify would send, in order. */
  let announced: WebhookDelivery[];
  const pipelines: Pipeline[] = [];
  const fresh = async (emulator: EmulatorOptions = {}) => {
    await p?.stop();
    shop = `timing-${++n}.myshopify.com`;
    clock = new ManualClock(Date.now());
    skew = 0;
    p = await startPipeline(get().db, shop, { emulator: { clock, ...emulator }, now: () => Date.now() + skew });
    pipelines.push(p);
    announced = [];
    p.emulator.onFulfillmentOrderEvent((s, e) => announced.push(p.sender.fulfillmentOrderEvent(s.domain, e)));
  };
  afterAll(async () => {
    for (const x of pipelines) await x.stop();
  });
  const held = async (): Promise<GeneratedOrder> => {
    const g = factory.fraud("card_testing");
    await get().db.listEntry.create({ data: { shop, list: "block", kind: "email", value: g.draft.email!.toLowerCase() } });
    return g;
  };
  const place = async (g: GeneratedOrder) => {
    const order = p.store.addOrder(g.draft);
    expect((await p.deliver(p.sender.ordersCreate(shop, order.id))).status).toBe(200);
    await p.drain();
    return order;
  };
  /** Shopify's clock moves on; the next Admin API call sees what happened meanwhile. */
  const shopifyLater = (ms: number) => {
    clock.advance(ms);
    p.emulator.tick();
  };
  /** Run the queued jobs now instead of at their time. */
  const runNow = async () => {
    await get().db.job.updateMany({ where: { shop, state: "queued" }, data: { runAt: new Date() } });
    p.worker["poke"]();
    await p.drain();
  };
  const deliverAnnounced = async () => {
    for (const d of announced.splice(0)) expect((await p.deliver(d)).status).toBe(200);
    await p.drain();
  };
  const screenJob = () => get().db.job.findFirstOrThrow({ where: { shop, kind: "screen_order" } });
  const screening = (orderId: number) => get().db.orderScreening.findUniqueOrThrow({ where: { shop_orderId: { shop, orderId: String(orderId) } } });
  const actions = (orderId: number) => get().db.storeAction.findMany({ where: { shop, orderId: String(orderId) }, orderBy: [{ action: "asc" }, { target: "asc" }] });
  const ourHolds = (orderId: number) =>
    p.store.orders.get(orderId)!.fulfillmentOrders.map((fo) => fo.holds.filter((h) => h.heldByApiKey === TEST_API_KEY && h.handle === HOLD_HANDLE).length);
  const ourAssessments = (orderId: number) => p.store.orders.get(orderId)!.riskAssessments.filter((a) => a.providerApiKey === TEST_API_KEY);

  it("a held order whose fulfillment orders arrive 10 s later is tagged and assessed at once, then held when they arrive", async () => {
    await fresh({ fulfillmentOrderDelayMs: 10_000 });
    const order = await place(await held());
    // At once: the decision, the tag and the risk assessment; no fulfillment order to hold yet.
    expect((await screening(order.id)).verdict).toBe("hold");
    expect(p.store.orders.get(order.id)!.tags).toContain(HOLD_TAG);
    expect(ourAssessments(order.id)).toHaveLength(1);
    expect(p.store.orders.get(order.id)!.fulfillmentOrders).toEqual([]);
    expect((await actions(order.id)).map((a) => [a.action, a.outcome])).toEqual([["risk_assessment", "applied"], ["tag", "applied"]]);
    const waiting = await screenJob();
    expect([waiting.state, waiting.attempts]).toEqual(["queued", 0]); // waiting, not failing: no attempt used
    expect(waiting.lastError).toMatch(/hold: no fulfillment order yet/);
    expect((await screening(order.id)).status).toBe("screened");

    // 10 s later Shopify routes the order and announces it: the fulfillment order is held.
    shopifyLater(10_000);
    expect(announced.map((d) => d.topic)).toEqual(["fulfillment_orders/order_routing_complete"]);
    await deliverAnnounced();
    expect(ourHolds(order.id)).toEqual([1]);
    expect(p.store.orders.get(order.id)!.fulfillmentOrders[0]!.status).toBe("ON_HOLD");
    expect((await screening(order.id)).status).toBe("acted");
    // The screening's own next run finds everything done and repeats nothing.
    await runNow();
    expect((await screenJob()).state).toBe("done");
    expect(p.emulator.log.count("fulfillmentOrderHold", shop)).toBe(1);
    expect(p.emulator.log.count("tagsAdd", shop)).toBe(1);
    expect(ourAssessments(order.id)).toHaveLength(1);
  });

  it("with the routing webhook lost, the screening's next run holds the fulfillment order that appeared", async () => {
    await fresh({ fulfillmentOrderDelayMs: 10_000 });
    const order = await place(await held());
    shopifyLater(10_000);
    announced.length = 0; // lost
    await runNow();
    expect(ourHolds(order.id)).toEqual([1]);
    const done = await screenJob();
    expect([done.state, done.lastError]).toEqual(["done", null]);
    expect((await screening(order.id)).status).toBe("acted");
  });

  it("a held order whose fulfillment orders never arrive ends visibly failed after the wait, tagged and assessed but not held", async () => {
    await fresh({ fulfillmentOrderDelayMs: Infinity });
    const order = await place(await held());
    skew = HOLD_WAIT_MS - 60_000; // 59 min on: still waiting
    await runNow();
    expect((await screenJob()).state).toBe("queued");
    skew = HOLD_WAIT_MS + 60_000;
    await runNow();
    const dead = await screenJob();
    expect(dead.state).toBe("dead");
    expect(dead.lastError).toMatch(/^PermanentJobError: hold: no fulfillment order to hold after 61 min/);
    const audit = await get().db.auditEvent.findMany({ where: { shop, orderId: String(order.id), kind: "store_action_failed" } });
    expect(audit.map((a) => a.message)).toEqual([expect.stringMatching(/no fulfillment order to hold after 61 min/)]);
    expect((await screening(order.id)).status).toBe("screened"); // never marked acted
    expect(p.store.orders.get(order.id)!.tags).toContain(HOLD_TAG);
    expect(ourAssessments(order.id)).toHaveLength(1);
  });

  it("a split: the new fulfillment order of a held order is held; the one staff released stays released", async () => {
    await fresh();
    const order = await place(await held());
    const first = p.store.orders.get(order.id)!.fulfillmentOrders[0]!;
    expect(ourHolds(order.id)).toEqual([1]);
    p.store.release(first); // the merchant releases Holdfast's hold
    const remaining = p.store.splitFulfillmentOrder(first);
    announced.splice(0, announced.length - 1); // keep the split's delivery
    expect(announced.map((d) => d.topic)).toEqual(["fulfillment_orders/split"]);
    await deliverAnnounced();
    expect(first.holds).toHaveLength(0);
    expect(remaining.holds.filter((h) => h.heldByApiKey === TEST_API_KEY)).toHaveLength(1);
    const rows = (await actions(order.id)).filter((a) => a.action !== "tag" && a.action !== "risk_assessment").map((a) => [a.action, a.target, a.outcome]);
    expect(rows).toEqual(expect.arrayContaining([
      ["hold", `gid://shopify/FulfillmentOrder/${first.id}`, "applied"],
      ["override", `gid://shopify/FulfillmentOrder/${first.id}`, "skipped"],
      ["hold", `gid://shopify/FulfillmentOrder/${remaining.id}`, "applied"],
    ]));
    expect(p.emulator.log.count("fulfillmentOrderHold", shop)).toBe(2);
  });

  it("a move with its webhook lost: reconciliation finds the held order changed and holds the moved fulfillment order", async () => {
    await fresh();
    const order = await place(await held());
    const first = p.store.orders.get(order.id)!.fulfillmentOrders[0]!;
    p.store.release(first);
    const moved = p.store.moveFulfillmentOrder(first);
    announced.length = 0; // lost
    expect(first.status).toBe("CLOSED");
    const result = await reconcileShop(get().db, p.gateway, shop, Date.now() + SETTLE_MS + 60_000);
    expect(result.heldFollowed).toBe(1);
    p.worker["poke"]();
    await p.drain();
    expect(moved.holds.filter((h) => h.heldByApiKey === TEST_API_KEY)).toHaveLength(1);
    expect(moved.status).toBe("ON_HOLD");
    const follow = await get().db.job.findFirstOrThrow({ where: { shop, kind: "follow_holds" } });
    expect(follow.state).toBe("done");
  });

  it("an automatic cancel is applied only once the order reads cancelled", async () => {
    await fresh();
    await get().db.shop.update({ where: { shop }, data: { autoCancel: true, autoCancelScore: 0 } });
    const order = await place(await held());
    // orderCancel answered a job; the order is not cancelled yet.
    const asked = (await actions(order.id)).find((a) => a.action === "cancel")!;
    expect([asked.outcome, asked.detail]).toEqual(["pending", expect.stringMatching(/^gid:\/\/shopify\/Job\/\d+$/)]);
    expect(p.store.orders.get(order.id)!.cancelledAt).toBeNull();
    expect((await screening(order.id)).status).toBe("screened");
    expect((await screenJob()).lastError).toMatch(/cancel: gid:\/\/shopify\/Job/);
    await runNow(); // the job has not run yet: still pending
    expect((await actions(order.id)).find((a) => a.action === "cancel")!.outcome).toBe("pending");

    shopifyLater(500); // the job runs and cancels the order
    await runNow();
    expect((await actions(order.id)).find((a) => a.action === "cancel")!.outcome).toBe("applied");
    expect(p.store.orders.get(order.id)!.cancelReason).toBe("FRAUD");
    expect((await screening(order.id)).status).toBe("acted");
    expect((await screenJob()).state).toBe("done");
    expect(p.emulator.log.count("orderCancel", shop)).toBe(1);
  });

  it("a cancel job that finishes without cancelling is a visible failure, retried, and dead-lettered naming it", async () => {
    await fresh();
    await get().db.shop.update({ where: { shop }, data: { autoCancel: true, autoCancelScore: 0 } });
    const g = await held();
    const order = p.store.addOrder(g.draft);
    const refuse = () => p.store.refuseCancel(order.id, "pending authorization");
    refuse();
    expect((await p.deliver(p.sender.ordersCreate(shop, order.id))).status).toBe(200);
    await p.drain();
    shopifyLater(500);
    await runNow();
    const failed = (await actions(order.id)).find((a) => a.action === "cancel")!;
    expect(failed.outcome).toBe("failed");
    expect(failed.detail).toMatch(/^cancel job gid:\/\/shopify\/Job\/\d+ finished without cancelling the order$/);
    const job = await screenJob();
    expect([job.state, job.attempts]).toEqual(["queued", 1]);
    expect(job.lastError).toMatch(/^StoreActionFailedError: store action failed: cancel: cancel job/);
    const audit = await get().db.auditEvent.findMany({ where: { shop, orderId: String(order.id), kind: "store_action_failed" } });
    expect(audit).toHaveLength(1);
    expect(p.store.orders.get(order.id)!.cancelledAt).toBeNull();
    expect((await screening(order.id)).status).toBe("screened");
    // Shopify keeps refusing: each retry asks again, and the last attempt dead-letters the job.
    for (let i = 0; i < 20 && (await screenJob()).state === "queued"; i++) {
      refuse();
      await runNow(); // asks again (pending)
      shopifyLater(500);
      await runNow(); // the job finished without cancelling: failed
    }
    const dead = await screenJob();
    expect(dead.state).toBe("dead");
    expect(dead.lastError).toMatch(/cancel job gid:\/\/shopify\/Job\/\d+ finished without cancelling the order/);
    expect(p.store.orders.get(order.id)!.cancelledAt).toBeNull();
  });
});
