// Retention of personal data (issue 11, finding 3; docs/security.md): the scheduler's tick, run
// with a fake `now`, removes the personal data of dead and stopped jobs and of invalid deliveries'
// raw bodies after 30 days (the job, its state and error stay, and a staff retry still screens the
// order), deletes delivery rows after 90 days and exports after 30; nothing before its limit.
import { afterAll, beforeAll, expect, it } from "vitest";
import { RETENTION, createWorker, scheduleTick } from "../../app/background/runtime.server";
import { DATA_REQUEST } from "../../app/compliance/compliance.server";
import { RECONCILE } from "../../app/screening/reconcile.server";
import { TEST_API_KEY, TEST_API_SECRET } from "../../scripts/lib/app-process";
import { PermanentJobError, claim, fail, retryDead } from "../../app/jobs/queue.server";
import { pruneDeliveries } from "../../app/webhooks/deliveries.server";
import { OrderFactory, orderPayload, type OrderDraft } from "../../emulator/index";
import { describeEachDb } from "../support/db";
import { startPipeline, type Pipeline } from "../support/pipeline";

const DAY = 24 * 3_600_000;
const PERSON = { email: "cornelius.fairweather@example.org", firstName: "Cornelius", lastName: "Fairweather", address1: "9 Larkspur Mews", phone: "+14155550143" };

function asPerson(draft: OrderDraft): OrderDraft {
  const address = { ...(draft.billingAddress ?? draft.shippingAddress)!, firstName: PERSON.firstName, lastName: PERSON.lastName, address1: PERSON.address1, phone: PERSON.phone };
  return {
    ...draft, email: PERSON.email, phone: PERSON.phone, billingAddress: address, shippingAddress: address,
    customer: { ...draft.customer!, email: PERSON.email, phone: PERSON.phone, firstName: PERSON.firstName, lastName: PERSON.lastName },
  };
}

describeEachDb("retention of personal data", (get) => {
  const shop = "retention.myshopify.com";
  let p: Pipeline;
  let start: number;
  const ids = { dead: 0, stopped: 0, invalid: 0 };

  /** Every text column of the job and delivery tables that holds one of the person's values. */
  const personal = async () => {
    const db = get().db;
    const texts = [
      ...(await db.job.findMany({ where: { shop } })).map((j) => `job ${j.kind} ${j.state}: ${j.payload} ${j.lastError ?? ""}`),
      ...(await db.webhookDelivery.findMany({ where: { shop } })).map((d) => `delivery ${d.status}: ${d.rawBody ?? ""} ${d.error ?? ""}`),
    ];
    return texts.filter((t) => Object.values(PERSON).some((v) => t.toLowerCase().includes(v.toLowerCase())));
  };

  beforeAll(async () => {
    const db = get().db;
    start = Date.now();
    p = await startPipeline(db, shop);
    await p.stop();
    const factory = new OrderFactory({ seed: 411 });
    for (const key of ["dead", "stopped", "invalid"] as const) ids[key] = p.store.addOrder(asPerson(factory.legit().draft)).id;
    for (const id of [ids.dead, ids.stopped]) expect((await p.deliver(p.sender.ordersCreate(shop, id))).status).toBe(200);
    const dead = await db.job.findFirstOrThrow({ where: { shop, dedupeKey: `order:${ids.dead}:screen:0` } });
    const [claimed] = await claim(db, { owner: "test", limit: 1, leaseMs: 60_000, ids: [dead.id] });
    await fail(db, claimed!, new PermanentJobError("order not readable"));
    // An invalid delivery (schema), and a body that is not JSON (the parser's message quotes its start).
    const broken = orderPayload(p.store, p.store.requireOrder(ids.invalid)) as { line_items: { quantity: unknown }[] };
    broken.line_items[0]!.quantity = "two";
    await p.deliver(p.sender.build("orders/create", shop, broken));
    const notJson = p.sender.build("orders/create", shop, {});
    await p.deliver({ ...notJson, body: `${PERSON.email} ${PERSON.address1}` });
    // An export, made by the data-request job alone (the screenings stay queued and dead).
    await p.deliver(p.sender.customersDataRequest(shop, p.store.requireOrder(ids.dead).customerId!));
    const exporter = createWorker({ db, apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, gateway: p.gateway }, { kinds: [DATA_REQUEST], log: () => {} });
    expect(await exporter.drainOnce()).toBe(1);
    expect(await db.dataRequest.count({ where: { shop } })).toBe(1);
    expect(await db.webhookDelivery.count({ where: { shop, status: "invalid", rawBody: { not: null } } })).toBe(2);
    // The dead and the stopped job's payloads, the two raw bodies.
    expect(await personal()).toHaveLength(4);
  }, 60_000);
  afterAll(() => p?.stop());

  it("keeps everything until the limit", async () => {
    await scheduleTick(get().db, start + RETENTION.personalDataMs - DAY);
    expect(await personal()).toHaveLength(4);
    expect(await get().db.dataRequest.count({ where: { shop } })).toBe(1);
  });

  it("after 30 days: dead and stopped jobs keep their state and error but no personal data; raw bodies are removed", async () => {
    const db = get().db;
    await scheduleTick(db, start + RETENTION.personalDataMs + DAY);
    expect(await personal()).toEqual([]);
    const dead = await db.job.findFirstOrThrow({ where: { shop, dedupeKey: `order:${ids.dead}:screen:0` } });
    expect([dead.state, dead.lastError, JSON.parse(dead.payload)]).toEqual([
      "dead", "PermanentJobError: order not readable", { orderId: String(ids.dead), revision: 0, reason: "orders/create" },
    ]);
    expect(dead.minimisedAt).not.toBeNull();
    const stopped = await db.job.findFirstOrThrow({ where: { shop, dedupeKey: `order:${ids.stopped}:screen:0` } });
    expect([stopped.state, JSON.parse(stopped.payload)]).toEqual(["queued", { orderId: String(ids.stopped), revision: 0, reason: "orders/create" }]);
    const invalid = await db.webhookDelivery.findMany({ where: { shop, status: "invalid" }, orderBy: { receivedAt: "asc" } });
    expect(invalid.map((d) => d.rawBody)).toEqual([null, null]);
    expect(invalid[0]!.error).toMatch(/^orders\/create payload: line_items\.0\.quantity/);
    expect(invalid[1]!.error).toBe("body is not JSON (the parser's message was removed with the raw body)");
    expect(await db.dataRequest.count({ where: { shop } })).toBe(0);
    // A second tick has nothing left to do.
    const resting = { shop, state: { in: ["dead", "queued"] }, kind: { not: RECONCILE } };
    const before = await db.job.findMany({ where: resting, orderBy: { id: "asc" } });
    await scheduleTick(db, start + RETENTION.personalDataMs + 2 * DAY);
    expect(await db.job.findMany({ where: resting, orderBy: { id: "asc" } })).toEqual(before);
  });

  it("a staff retry of the minimised dead job still screens the order (read from the Admin API)", async () => {
    const db = get().db;
    const dead = await db.job.findFirstOrThrow({ where: { shop, dedupeKey: `order:${ids.dead}:screen:0` } });
    expect(await retryDead(db, shop, dead.id)).toBe(true);
    p.worker.start();
    await p.drain();
    expect((await db.job.findUniqueOrThrow({ where: { id: dead.id } })).state).toBe("done");
    expect((await db.orderScreening.findUniqueOrThrow({ where: { shop_orderId: { shop, orderId: String(ids.dead) } } })).verdict).toMatch(/^(ship|hold)$/);
  }, 30_000);

  it("after 90 days the delivery rows are deleted; dead jobs stay", async () => {
    const db = get().db;
    expect(await db.webhookDelivery.count({ where: { shop } })).toBeGreaterThan(0);
    await scheduleTick(db, start + RETENTION.deliveriesMs - DAY);
    expect(await db.webhookDelivery.count({ where: { shop } })).toBeGreaterThan(0);
    await scheduleTick(db, start + RETENTION.deliveriesMs + DAY);
    expect(await db.webhookDelivery.count({ where: { shop } })).toBe(0);
  });

  it("works off a backlog in batches, a bounded number per call", async () => {
    const db = get().db;
    const old = new Date(start - 100 * DAY);
    await db.webhookDelivery.createMany({
      data: Array.from({ length: 7 }, (_, i) => ({ shop, webhookId: `old-${i}`, topic: "orders/create", status: "invalid", error: "x", rawBody: "{}", receivedAt: old })),
    });
    const bodies = { rawBodyBefore: new Date(start), deleteBefore: new Date(start - 200 * DAY), batch: 2, maxBatches: 2 };
    expect(await pruneDeliveries(db, bodies)).toEqual({ rawBodies: 4, deleted: 0 });
    expect(await pruneDeliveries(db, bodies)).toEqual({ rawBodies: 3, deleted: 0 });
    const rows = { ...bodies, deleteBefore: new Date(start - 50 * DAY) };
    expect(await pruneDeliveries(db, rows)).toEqual({ rawBodies: 0, deleted: 4 });
    expect(await pruneDeliveries(db, rows)).toEqual({ rawBodies: 0, deleted: 3 });
    expect(await db.webhookDelivery.count({ where: { shop } })).toBe(0);
  });
});
