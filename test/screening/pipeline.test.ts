// The order pipeline in process, on both databases: Holdfast's webhook intake, job queue, worker,
// screening and store actions against the local store emulator (Admin GraphQL on the real schema).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, describeEachDb } from "../support/db";
import { localHour } from "../../app/risk/local-time";
import { startPipeline, type Pipeline } from "../support/pipeline";
import { TEST_API_KEY, signedWebhook } from "../../scripts/lib/app-process";
import { OrderFactory, type GeneratedOrder } from "../../emulator/index";
import { acceptWebhook } from "../../app/webhooks/accept.server";
import { screenOrderJob } from "../../app/screening/intake.server";
import { WEBHOOK_ROUTES } from "../../app/webhooks/subscriptions.server";
import { enqueue } from "../../app/jobs/queue.server";
import { HOLD_HANDLE, HOLD_TAG, SHIP_TAG } from "../../app/screening/store-actions.server";
import { reconcileShop } from "../../app/screening/reconcile.server";

describeEachDb("order pipeline", (get) => {
  let n = 0;
  const factory = new OrderFactory({ seed: 11 });
  let p: Pipeline;
  let shop: string;
  const pipelines: Pipeline[] = [];
  // Each test gets its own shop (and emulator), so counts never mix.
  const fresh = async (opts: Parameters<typeof startPipeline>[2] = {}) => {
    await p?.stop(); // a worker serves every shop in the database: one at a time here
    shop = `pipeline-${++n}.myshopify.com`;
    p = await startPipeline(get().db, shop, opts);
    pipelines.push(p);
    return p;
  };
  afterAll(async () => {
    for (const x of pipelines) await x.stop();
  });
  const legit = () => factory.legit();
  // A card-testing order whose buyer staff also block-listed: held whatever the model's score.
  const fraud = () => factory.fraud("card_testing");
  const held = async () => {
    const g = fraud();
    await get().db.listEntry.create({ data: { shop, list: "block", kind: "email", value: g.draft.email!.toLowerCase() } });
    return g;
  };
  const place = async (g: GeneratedOrder) => {
    const order = p.store.addOrder(g.draft);
    const d = p.sender.ordersCreate(shop, order.id);
    expect((await p.deliver(d)).status).toBe(200);
    return { order, delivery: d };
  };
  const screening = (orderId: number) => get().db.orderScreening.findUniqueOrThrow({ where: { shop_orderId: { shop, orderId: String(orderId) } } });
  const ourAssessments = (orderId: number) => p.store.orders.get(orderId)!.riskAssessments.filter((a) => a.providerApiKey === TEST_API_KEY);
  const ourHolds = (orderId: number) =>
    p.store.orders.get(orderId)!.fulfillmentOrders.flatMap((fo) => fo.holds.filter((h) => h.heldByApiKey !== null && h.handle === HOLD_HANDLE));

  it("approves a good order: ship tag, risk assessment, no hold, guaranteed", async () => {
    await fresh();
    const { order } = await place(legit());
    await p.drain();
    const s = await screening(order.id);
    expect([s.verdict, s.status, s.guarantee]).toEqual(["ship", "acted", "active"]);
    const o = p.store.orders.get(order.id)!;
    expect(o.tags).toContain(SHIP_TAG);
    expect(o.tags).not.toContain(HOLD_TAG);
    expect(ourAssessments(order.id)).toHaveLength(1);
    expect(ourAssessments(order.id)[0]!.riskLevel).toBe(s.riskLevel);
    expect(ourAssessments(order.id)[0]!.facts.length).toBeGreaterThan(0);
    expect(ourHolds(order.id)).toHaveLength(0);
    // What Holdfast keeps about the order has no email, phone or street address.
    expect(s.facts).not.toContain(String(o.email));
    expect(s.facts).not.toContain(String(o.shippingAddress?.address1));
  });

  it("scores the hour of day in the shop's timezone (Shop.ianaTimezone), and keeps the shop's amount histogram", async () => {
    await fresh();
    await get().db.shop.update({ where: { shop }, data: { ianaTimezone: "Asia/Tokyo" } });
    const { order } = await place(legit());
    await p.drain();
    const s = await screening(order.id);
    const night = (JSON.parse(s.outcomes) as { id: string; value: unknown }[]).find((o) => o.id === "order_hour_night");
    const created = Date.parse(String(p.store.orders.get(order.id)!.createdAt));
    expect(night?.value).toBe(localHour(created, "Asia/Tokyo"));
    expect(night?.value).not.toBe(localHour(created, "UTC")); // Tokyo is 9 hours ahead all year
    expect(await get().db.shopAmountBucket.aggregate({ where: { shop }, _sum: { count: true } })).toEqual({ _sum: { count: 1 } });
  });

  it("holds a risky order: hold tag, HIGH risk assessment, fulfillment hold on each holdable fulfillment order", async () => {
    await fresh();
    const { order } = await place(await held());
    await p.drain();
    const s = await screening(order.id);
    expect([s.verdict, s.guarantee]).toEqual(["hold", "none"]);
    const o = p.store.orders.get(order.id)!;
    expect(o.tags).toContain(HOLD_TAG);
    expect(o.tags).not.toContain(SHIP_TAG);
    expect(ourAssessments(order.id).map((a) => a.riskLevel)).toEqual([s.riskLevel]);
    const holds = ourHolds(order.id);
    expect(holds.length).toBe(o.fulfillmentOrders.length);
    expect(holds.every((h) => h.reason === "HIGH_RISK_OF_FRAUD")).toBe(true);
    expect(o.fulfillmentOrders.every((fo) => fo.status === "ON_HOLD")).toBe(true);
  });

  it("the same webhook delivered 10 times gives one screening, one tag, one risk assessment, one hold", async () => {
    await fresh();
    const g = await held();
    const order = p.store.addOrder(g.draft);
    const d = p.sender.ordersCreate(shop, order.id);
    const statuses = await Promise.all(Array.from({ length: 5 }, () => p.deliver(d).then((r) => r.status)));
    for (let i = 0; i < 5; i++) statuses.push((await p.deliver(d)).status);
    expect(statuses).toEqual(Array(10).fill(200));
    await p.drain();
    expect(await get().db.webhookDelivery.count({ where: { shop } })).toBe(1);
    expect(await get().db.orderScreening.count({ where: { shop } })).toBe(1);
    expect(p.emulator.log.count("tagsAdd", shop)).toBe(1);
    expect(p.emulator.log.count("orderRiskAssessmentCreate", shop)).toBe(1);
    expect(p.emulator.log.count("fulfillmentOrderHold", shop)).toBe(order.fulfillmentOrders.length);
    expect(ourAssessments(order.id)).toHaveLength(1);
  });

  it("concurrent deliveries, redeliveries among them, are each recorded once and each order screened once", async () => {
    await fresh();
    await p.worker.stop(); // queue everything first
    const orders = Array.from({ length: 30 }, () => p.store.addOrder(legit().draft));
    const deliveries = orders.map((o) => p.sender.ordersCreate(shop, o.id));
    // Reconciliation already enqueued one of them before its webhook arrived.
    await enqueue(get().db, screenOrderJob(shop, { orderId: String(orders[0]!.id), revision: 0, reason: "reconcile" }));
    const all = [...deliveries, ...deliveries.slice(0, 10), ...deliveries.slice(5, 8)];
    const answers = await Promise.all(all.map((d) => p.deliver(d)));
    expect(answers.map((r) => r.status)).toEqual(all.map(() => 200));
    expect(await get().db.webhookDelivery.count({ where: { shop } })).toBe(30);
    expect(await get().db.job.count({ where: { shop, kind: "screen_order" } })).toBe(30);
    p.worker.start();
    await p.drain();
    expect(await get().db.orderScreening.count({ where: { shop, status: "acted" } })).toBe(30);
    expect(p.emulator.log.count("tagsAdd", shop)).toBe(30);
  });

  it("records a payload that verifies but does not validate as invalid, answers 200 and screens nothing", async () => {
    await fresh();
    const send = async (body: string) => {
      const headers = signedWebhook("orders/create", shop, body);
      return acceptWebhook(new Request("https://holdfast.test/webhooks/orders/create", { method: "POST", headers, body }), WEBHOOK_ROUTES["/webhooks/orders/create"], get().db);
    };
    expect((await send(JSON.stringify({ id: 1, created_at: "yesterday", line_items: "none" }))).status).toBe(200);
    expect((await send("{not json")).status).toBe(200);
    const rows = await get().db.webhookDelivery.findMany({ where: { shop }, orderBy: { receivedAt: "asc" } });
    expect(rows.map((r) => r.status)).toEqual(["invalid", "invalid"]);
    expect(rows[0]!.error).toMatch(/admin_graphql_api_id/);
    expect(rows[0]!.error).toMatch(/created_at: must be an ISO 8601 time/);
    expect(rows[0]!.rawBody).toContain("yesterday");
    expect(rows[1]!.error).toMatch(/not JSON/);
    expect(await get().db.job.count({ where: { shop } })).toBe(0);
  });

  it("does not hold again a hold that staff released, and records the override", async () => {
    await fresh();
    const { order } = await place(await held());
    await p.drain();
    const fo = p.store.orders.get(order.id)!.fulfillmentOrders[0]!;
    p.store.release(fo);
    const before = p.emulator.log.count("fulfillmentOrderHold", shop);
    // The same job runs again (a staff retry, or a crash before it was marked done).
    await get().db.job.updateMany({ where: { shop }, data: { state: "queued", runAt: new Date() } });
    p.worker["poke"]();
    await p.drain();
    expect(p.emulator.log.count("fulfillmentOrderHold", shop)).toBe(before);
    expect(p.store.orders.get(order.id)!.fulfillmentOrders[0]!.holds).toHaveLength(0);
    const override = await get().db.storeAction.findFirst({ where: { shop, orderId: String(order.id), action: "override" } });
    expect(override?.detail).toMatch(/released by staff/);
  });

  it("on a later approval releases only Holdfast's own hold, switches the tag, and the merchant's hold stays", async () => {
    await fresh();
    const { order } = await place(await held());
    await p.drain();
    const fo = p.store.orders.get(order.id)!.fulfillmentOrders[0]!;
    p.store.hold(fo, { reason: "OTHER", handle: "merchant-check" }, null);
    // Staff allow-list the buyer's email; a re-screen (next revision) approves the order.
    const s0 = await screening(order.id);
    await get().db.listEntry.deleteMany({ where: { shop, list: "block" } });
    await get().db.listEntry.create({ data: { shop, list: "allow", kind: "email", value: p.store.orders.get(order.id)!.email!.toLowerCase() } });
    await enqueue(get().db, screenOrderJob(shop, { orderId: String(order.id), revision: s0.revision + 1, reason: "staff" }));
    p.worker["poke"]();
    await p.drain();
    const s1 = await screening(order.id);
    expect([s1.verdict, s1.revision, s1.decidedBy]).toEqual(["ship", 1, "allow_list"]);
    const o = p.store.orders.get(order.id)!;
    expect(o.tags).toContain(SHIP_TAG);
    expect(o.tags).not.toContain(HOLD_TAG);
    expect(ourHolds(order.id)).toHaveLength(0);
    expect(o.fulfillmentOrders[0]!.holds.map((h) => h.handle)).toEqual(["merchant-check"]);
    const release = p.emulator.log.calls("fulfillmentOrderReleaseHold")[0]!;
    expect((release.variables as { holdIds: string[] }).holdIds).toHaveLength(1);
  });

  it("re-screens an approved order whose shipping address changed; other updates are ignored cheaply", async () => {
    await fresh();
    const { order } = await place(legit());
    await p.drain();
    expect((await screening(order.id)).verdict).toBe("ship");

    // A tag change (e.g. Holdfast's own) is not a reason to look again.
    p.store.addTags(p.store.orders.get(order.id)!, ["vip"]);
    await p.deliver(p.sender.ordersUpdated(shop, order.id));
    const o = p.store.orders.get(order.id)!;
    o.shippingAddress = { ...o.shippingAddress!, address1: "1 Somewhere Else", city: "Elsewhere", zip: "99999" };
    p.store.touch(o);
    await p.deliver(p.sender.ordersUpdated(shop, order.id));
    await p.drain();
    const statuses = (await get().db.webhookDelivery.findMany({ where: { shop, topic: "orders/updated" }, orderBy: { receivedAt: "asc" } })).map((d) => d.status);
    expect(statuses).toEqual(["ignored", "received"]);
    const s = await screening(order.id);
    expect(s.revision).toBe(1);
    const audit = await get().db.auditEvent.findMany({ where: { shop, orderId: String(order.id), kind: "rescreened" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.message).toMatch(/shipping address change/);
    expect(s.guarantee).toBe(s.verdict === "ship" ? "active" : "void");
  });

  it("auto-cancels the highest-risk held orders only when the shop turned it on, and only once", async () => {
    await fresh();
    await get().db.shop.update({ where: { shop }, data: { autoCancel: true, autoCancelScore: 0 } });
    const { order } = await place(await held());
    await p.drain();
    expect((await screening(order.id)).verdict).toBe("hold");
    // Shopify cancels asynchronously (late-fulfillment.test.ts): the job looks again once the cancel job has run.
    await new Promise((r) => setTimeout(r, 600));
    await get().db.job.updateMany({ where: { shop, state: "queued" }, data: { runAt: new Date() } });
    p.worker["poke"]();
    await p.drain();
    expect(p.store.orders.get(order.id)!.cancelReason).toBe("FRAUD");
    expect((await screening(order.id)).status).toBe("acted");
    await get().db.job.updateMany({ where: { shop }, data: { state: "queued", runAt: new Date() } });
    p.worker["poke"]();
    await p.drain();
    expect(p.emulator.log.count("orderCancel", shop)).toBe(1);

    await fresh(); // default: off
    const second = await place(await held());
    await p.drain();
    expect(p.emulator.log.count("orderCancel", shop)).toBe(0);
    expect(p.store.orders.get(second.order.id)!.cancelledAt).toBeNull();
  });

  it("survives 5xx, 429 and THROTTLED answers and still acts once", async () => {
    await fresh({ gateway: { sleep: async () => {} } });
    p.emulator.faults.inject({ fault: { kind: "status", status: 503 }, operation: "OrderForScreening", shop, times: 2 });
    p.emulator.faults.inject({ fault: { kind: "status", status: 429, retryAfterSeconds: 1 }, operation: "tagsAdd", shop, times: 1 });
    p.emulator.throttle.bucket(shop).drain(0);
    const { order } = await place(await held());
    await p.drain();
    expect((await screening(order.id)).status).toBe("acted");
    expect(p.emulator.log.count("tagsAdd", shop)).toBe(1);
    expect(p.emulator.log.all({ shop, outcome: "throttled" }).length).toBeGreaterThan(0);
    expect(p.emulator.log.all({ shop, outcome: "fault" }).length).toBe(3);
  });

  it("does not resend a mutation whose answer was lost: the job retries, re-reads the order and finds it done", async () => {
    await fresh();
    // Shopify carries out the risk assessment, then the connection drops before the answer.
    p.emulator.faults.inject({ fault: { kind: "drop_after" }, operation: "orderRiskAssessmentCreate", shop, times: 1 });
    const { order } = await place(legit());
    const deadline = Date.now() + 15_000;
    while ((await get().db.orderScreening.findUnique({ where: { shop_orderId: { shop, orderId: String(order.id) } } }))?.status !== "acted") {
      if (Date.now() > deadline) throw new Error("not acted on within 15 s");
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(p.emulator.faults.applied.get("drop_after")).toBe(1);
    expect(p.emulator.log.count("orderRiskAssessmentCreate", shop)).toBe(1);
    expect(ourAssessments(order.id)).toHaveLength(1);
    const job = await get().db.job.findFirstOrThrow({ where: { shop, kind: "screen_order" } });
    expect([job.state, job.attempts]).toEqual(["done", 2]);
    expect(job.lastError).toBeNull();
    const actions = await get().db.storeAction.findMany({ where: { shop, orderId: String(order.id) }, orderBy: { action: "asc" } });
    expect(actions.map((a) => [a.action, a.outcome])).toEqual([["risk_assessment", "already"], ["tag", "applied"]]);
  });

  it("reconciliation screens an order whose webhook was lost, and records its disputes", async () => {
    await fresh();
    const g = new OrderFactory({ seed: 5, startAt: Date.now() - 30 * 60_000 }).legit();
    const lost = p.store.addOrder(g.draft);
    p.store.addDispute(lost.id, { reason: "FRAUDULENT" });
    const result = await reconcileShop(get().db, p.gateway, shop, Date.now());
    expect(result).toMatchObject({ ordersSeen: 1, ordersEnqueued: 1, disputesSeen: 1, disputesEnqueued: 1 });
    p.worker["poke"]();
    await p.drain();
    expect((await screening(lost.id)).status).toBe("acted");
    const dispute = await get().db.dispute.findFirstOrThrow({ where: { shop } });
    expect([dispute.orderId, dispute.reason]).toEqual([String(lost.id), "fraudulent"]);
    // A second pass finds nothing new.
    const again = await reconcileShop(get().db, p.gateway, shop, Date.now());
    expect(again.ordersEnqueued + again.disputesEnqueued).toBe(0);
  });

  // A frozen (402) or locked (423) shop: https://shopify.dev/docs/api/usage/response-codes
  it("a frozen shop's screening waits without retrying, and reconciliation wakes it once the shop answers again", async () => {
    await fresh();
    p.store.availability = "frozen";
    const { order } = await place(legit());
    await p.drain();
    const unavailable = () => p.emulator.log.all({ shop, outcome: "unavailable" }).length;
    expect(unavailable()).toBe(1);
    const job = await get().db.job.findFirstOrThrow({ where: { shop, kind: "screen_order" } });
    expect(job.state).toBe("queued");
    expect(job.attempts).toBe(0); // waiting is not a failed attempt
    expect(job.lastError).toMatch(/^DeferJob: shop suspended: OrderForScreening: the shop is frozen/);
    expect(job.runAt.getTime()).toBeGreaterThan(Date.now() + 5 * 3_600_000);
    expect((await get().db.shop.findUniqueOrThrow({ where: { shop } })).suspendedReason).toBe("frozen (402)");
    // Still frozen: reconciliation asks once and leaves the job waiting.
    const still = await reconcileShop(get().db, p.gateway, shop, Date.now());
    expect(still.suspended).toMatch(/frozen/);
    expect(unavailable()).toBe(2);
    expect((await get().db.job.findUniqueOrThrow({ where: { id: job.id } })).runAt).toEqual(job.runAt);
    // Unfrozen: the next reconciliation wakes it, and the order is screened and acted on.
    p.store.availability = "active";
    const back = await reconcileShop(get().db, p.gateway, shop, Date.now());
    expect(back.woken).toBe(1);
    p.worker["poke"]();
    await p.drain();
    expect((await screening(order.id)).status).toBe("acted");
    expect((await get().db.shop.findUniqueOrThrow({ where: { shop } })).suspendedAt).toBeNull();
    expect(unavailable()).toBe(2);
  });

  it("a locked shop's waiting jobs end when it uninstalls the app", async () => {
    await fresh();
    p.store.availability = "locked";
    await place(legit());
    await p.drain();
    expect((await get().db.job.findFirstOrThrow({ where: { shop, kind: "screen_order" } })).state).toBe("queued");
    expect((await p.deliver(p.sender.appUninstalled(shop))).status).toBe(200);
    const job = await get().db.job.findFirstOrThrow({ where: { shop, kind: "screen_order" } });
    expect([job.state, job.lastError]).toEqual(["dead", "shop uninstalled"]);
  });

  it("an approved order loses the hold tag in whatever case staff typed it (Shopify removes tags case-sensitively)", async () => {
    await fresh();
    const order = p.store.addOrder(legit().draft);
    p.store.addTags(order, ["Holdfast:Hold", "HOLDFAST:HOLD", "vip"]);
    expect((await p.deliver(p.sender.ordersCreate(shop, order.id))).status).toBe(200);
    await p.drain();
    expect((await screening(order.id)).verdict).toBe("ship");
    expect(p.store.orders.get(order.id)!.tags).toEqual(["vip", SHIP_TAG]);
    expect(p.emulator.log.count("tagsRemove", shop)).toBe(1);
  });

  it("records a dispute by webhook, and an inquiry that turns into a chargeback (same id, same status) as a chargeback", async () => {
    await fresh();
    const { order } = await place(legit());
    await p.drain();
    const opened = p.store.addDispute(order.id, { type: "INQUIRY", reason: "FRAUDULENT" });
    expect((await p.deliver(p.sender.disputesCreate(shop, opened.id))).status).toBe(200);
    await p.drain();
    const dispute = () => get().db.dispute.findUniqueOrThrow({ where: { shop_disputeId: { shop, disputeId: String(opened.id) } } });
    expect([(await dispute()).type, (await dispute()).status]).toEqual(["inquiry", "needs_response"]);
    p.store.turnIntoChargeback(opened.id);
    const update = p.sender.disputesUpdate(shop, opened.id);
    expect((await p.deliver(update)).status).toBe(200);
    await p.drain();
    expect([(await dispute()).type, (await dispute()).status]).toEqual(["chargeback", "needs_response"]);
    // Reconciliation reads the same state: nothing new to record.
    const again = await reconcileShop(get().db, p.gateway, shop, Date.now());
    expect(again.disputesEnqueued).toBe(0);
  });

  it("reconciliation reads the shop's numeric id and timezone when the install could not", async () => {
    await fresh();
    await get().db.shop.update({ where: { shop }, data: { shopId: null, ianaTimezone: null } });
    await reconcileShop(get().db, p.gateway, shop, Date.now());
    expect((await get().db.shop.findUniqueOrThrow({ where: { shop } })).shopId).toBe(String(p.store.info.id));
    expect((await get().db.shop.findUniqueOrThrow({ where: { shop } })).ianaTimezone).toBe(p.store.info.timezone);
    expect(p.emulator.log.all({ shop }).filter((e) => e.operationName === "ShopIdentity")).toHaveLength(1);
    // Known now: not read again.
    await reconcileShop(get().db, p.gateway, shop, Date.now());
    expect(p.emulator.log.all({ shop }).filter((e) => e.operationName === "ShopIdentity")).toHaveLength(1);
  });
});

describe("order pipeline: shop lifecycle and compliance [sqlite]", () => {
  // Covered on both databases by the suite above for the pipeline; here the erasure duties.
  let p: Pipeline;
  let db: Awaited<ReturnType<typeof createTestDb>>;
  const shop = "compliance.myshopify.com";
  beforeAll(async () => {
    db = await createTestDb("sqlite");
    p = await startPipeline(db.db, shop);
  });
  afterAll(async () => {
    await p?.stop();
    await db?.drop();
  });

  it("exports, redacts a customer, stops on uninstall, and erases the shop", async () => {
    const f = new OrderFactory({ seed: 21 });
    const a = p.store.addOrder(f.legit().draft);
    const b = p.store.addOrder(f.legit().draft);
    for (const o of [a, b]) await p.deliver(p.sender.ordersCreate(shop, o.id));
    await p.drain();
    const customerA = String(a.customerId);

    await p.deliver(p.sender.customersDataRequest(shop, a.customerId!));
    await p.drain();
    const request = await db.db.dataRequest.findFirstOrThrow({ where: { shop } });
    const exported = JSON.parse(request.data) as { orders: { orderId: string; guaranteeDetail?: { state: string; frozenFacts: { email: string | null } | null } }[] };
    expect(exported.orders.map((o) => o.orderId)).toContain(String(a.id));
    // The facts the guarantee froze are the customer's data too: exported with it.
    expect(exported.orders.find((o) => o.orderId === String(a.id))?.guaranteeDetail).toMatchObject({ state: "active", frozenFacts: { email: a.email } });
    expect(exported.orders.map((o) => o.orderId)).not.toContain(String(b.id));

    await p.deliver(p.sender.customersRedact(shop, a.customerId!));
    await p.drain();
    const redacted = await db.db.orderScreening.findFirstOrThrow({ where: { shop, orderId: String(a.id) } });
    expect(JSON.parse(redacted.facts)).toEqual({ redacted: true });
    expect(redacted.customerId).toBeNull();
    expect(redacted.factsHash).toBe("redacted");
    expect((await db.db.guarantee.findUniqueOrThrow({ where: { shop_orderId: { shop, orderId: String(a.id) } } })).frozenFacts).toBeNull();
    expect((await db.db.guarantee.findUniqueOrThrow({ where: { shop_orderId: { shop, orderId: String(b.id) } } })).frozenFacts).not.toBeNull();
    expect(await db.db.identity.count({ where: { shop, orderId: String(a.id) } })).toBe(0);
    expect(await db.db.identity.count({ where: { shop, customerId: customerA } })).toBe(0);
    expect(await db.db.dataRequest.count({ where: { shop } })).toBe(0);
    const job = await db.db.job.findFirstOrThrow({ where: { shop, dedupeKey: `order:${a.id}:screen:0` } });
    expect(job.payload).not.toContain("@");
    // The other customer's order is untouched.
    expect(await db.db.identity.count({ where: { shop, orderId: String(b.id) } })).toBeGreaterThan(0);

    // Uninstall: sessions gone, queued work stopped.
    await enqueue(db.db, screenOrderJob(shop, { orderId: "1", revision: 0, reason: "reconcile" }));
    await p.stop();
    await p.deliver(p.sender.appUninstalled(shop));
    expect(await db.db.session.count({ where: { shop } })).toBe(0);
    const stopped = await db.db.job.findFirstOrThrow({ where: { shop, dedupeKey: "order:1:screen:0" } });
    expect([stopped.state, stopped.lastError]).toEqual(["dead", "shop uninstalled"]);
    expect(await db.db.orderScreening.count({ where: { shop } })).toBe(2); // kept until shop/redact

    // The guarantee's tables too (seeded here where no screening wrote them: a claim, its history, a credit).
    await db.db.claim.create({ data: { shop, disputeId: "1", orderId: String(a.id), guaranteeId: "g", revision: 0, state: "open", amount: "1.00", currency: "USD", guaranteeAmount: "1.00", guaranteeCurrency: "USD" } });
    await db.db.claimEvent.create({ data: { shop, claimId: "c", toState: "open", amount: "1.00", currency: "USD", source: "test" } });
    await db.db.ledgerEntry.create({ data: { shop, key: "credit:1", kind: "fee_credit", state: "open", orderId: "1", amount: "1.00", currency: "USD", month: "2026-11" } });
    expect(await db.db.guarantee.count({ where: { shop } })).toBe(2);
    p.worker.start();
    await p.deliver(p.sender.shopRedact(shop));
    await p.drain();
    for (const model of [
      "orderScreening", "storeAction", "identity", "listEntry", "dispute", "dataRequest", "auditEvent", "webhookDelivery", "session", "shop", "apiBudget",
      "guarantee", "claim", "claimEvent", "ledgerEntry",
    ] as const) {
      expect(await (db.db[model] as unknown as { count(a: object): Promise<number> }).count({ where: { shop } }), model).toBe(0);
    }
    expect(await db.db.job.count({ where: { shop, kind: { not: "shop_redact" } } })).toBe(0);
  });
});
