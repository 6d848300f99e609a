// customers/redact and shop/redact leave nothing behind (issue 11, finding 3; docs/security.md).
// A shop gets orders of two customers through the real paths (signed deliveries through the route
// actions, the worker, the emulator's Admin API): screened orders, a dispute, a data request, an
// invalid delivery, a queued and a dead screening job. Then customers/redact for one of them runs
// through the compliance route and its job, and every text column of every table (enumerated from
// Prisma's datamodel, so a new table or column is searched too) is searched for that customer's
// email, phone, names and street address: none is left, while the other customer's are still
// there. shop/redact then leaves nothing that names the shop.
import { Prisma } from "@prisma/client";
import type { ActionFunctionArgs } from "@remix-run/node";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import type { Db } from "../../app/db-client.server";
import { createWorker } from "../../app/background/runtime.server";
import { CUSTOMER_REDACT } from "../../app/compliance/compliance.server";
import { PermanentJobError, claim, completion, fail } from "../../app/jobs/queue.server";
import { ScreenOrderPayload } from "../../app/screening/intake.server";
import { OrderScreener } from "../../app/screening/screen-order.server";
import { HOLD_TAG, SHIP_TAG } from "../../app/screening/store-actions.server";
import { routeOfTopic } from "../../app/webhooks/subscriptions.server";
import { OrderFactory, orderPayload, type OrderDraft, type WebhookDelivery } from "../../emulator/index";
import { TEST_API_KEY, TEST_API_SECRET } from "../../scripts/lib/app-process";
import { describeEachDb } from "../support/db";
import { startPipeline, type Pipeline } from "../support/pipeline";

type Action = (args: ActionFunctionArgs) => Promise<Response>;

interface Person {
  email: string;
  phone: string;
  firstName: string;
  lastName: string;
  address1: string;
  /** Ships to someone else of the family (so the names-differ signal quotes both names). */
  shipToFirstName: string;
}

// Strings that appear nowhere else, so a hit can only be this person's data.
const ERASED: Person = {
  email: "adaline.quillfeather@example.org", phone: "+14155550187", firstName: "Adaline", lastName: "Quillfeather",
  address1: "17 Wrenfield Lane", shipToFirstName: "Ottoline",
};
const KEPT: Person = {
  email: "bartholomew.marchbanks@example.net", phone: "+14155550166", firstName: "Bartholomew", lastName: "Marchbanks",
  address1: "42 Thistledown Road", shipToFirstName: "Peregrine",
};
const needles = (p: Person) => [p.email, p.phone, p.firstName, p.lastName, p.address1, p.shipToFirstName];

function as(person: Person, draft: OrderDraft): OrderDraft {
  const billing = draft.billingAddress ?? draft.shippingAddress;
  if (!billing || !draft.customer) throw new Error("the factory's order has no address or customer");
  const address = { ...billing, firstName: person.firstName, lastName: person.lastName, address1: person.address1, phone: person.phone };
  return {
    ...draft,
    email: person.email,
    phone: person.phone,
    customer: { ...draft.customer, email: person.email, phone: person.phone, firstName: person.firstName, lastName: person.lastName },
    billingAddress: address,
    shippingAddress: { ...address, firstName: person.shipToFirstName },
  };
}

/** Every String and Json column of every model (Prisma's datamodel): "Model.column: needle" for each hit. */
async function search(db: Db, terms: string[]): Promise<string[]> {
  const hits: string[] = [];
  const lowered = terms.map((t) => t.toLowerCase());
  for (const model of Prisma.dmmf.datamodel.models) {
    const columns = model.fields.filter((f) => f.kind === "scalar" && (f.type === "String" || f.type === "Json")).map((f) => f.name);
    const delegate = (db as unknown as Record<string, { findMany(args: object): Promise<Record<string, unknown>[]> }>)[
      model.name[0]!.toLowerCase() + model.name.slice(1)
    ];
    if (!delegate) throw new Error(`no client delegate for model ${model.name}`);
    for (const row of await delegate.findMany({})) {
      for (const column of columns) {
        const value = row[column];
        const text = (typeof value === "string" ? value : value == null ? "" : JSON.stringify(value)).toLowerCase();
        lowered.forEach((term, i) => {
          if (text.includes(term)) hits.push(`${model.name}.${column}: ${terms[i]}`);
        });
      }
    }
  }
  return [...new Set(hits)].sort();
}

describeEachDb("customers/redact and shop/redact leave no personal data", (get) => {
  const shop = "redaction.myshopify.com";
  const factory = new OrderFactory({ seed: 311 });
  let p: Pipeline;
  let routes: Record<string, Action>;
  const orders: Record<"screened" | "queued" | "dead" | "invalid" | "other" | "otherDead" | "otherInvalid", number> = {} as never;
  let erasedCustomerId: number;

  const post = async (d: WebhookDelivery) => {
    const { path } = routeOfTopic(d.topic);
    const action = routes[path];
    if (!action) throw new Error(`no route ${path}`);
    const response = await action({ request: new Request(`https://holdfast.test${path}`, { method: "POST", headers: p.sender.headers(d), body: d.body }), params: {}, context: {} });
    expect(response.status).toBe(200);
  };
  /** An orders/create whose body fails the schema (a line item's quantity is text): recorded as invalid with its raw body. */
  const invalidOrder = (orderId: number) => {
    const payload = orderPayload(p.store, p.store.requireOrder(orderId)) as { line_items: { quantity: unknown }[] };
    payload.line_items[0]!.quantity = "two";
    return p.sender.build("orders/create", shop, payload);
  };
  /** Dead-letter a queued job the way the worker does after a permanent failure. */
  const killJob = async (orderId: number) => {
    const db = get().db;
    const row = await db.job.findFirstOrThrow({ where: { shop, dedupeKey: `order:${orderId}:screen:0` } });
    const [job] = await claim(db, { owner: "test", limit: 1, leaseMs: 60_000, ids: [row.id] });
    expect(await fail(db, job!, new PermanentJobError("order not readable"))).toBe("dead");
  };

  beforeAll(async () => {
    const db = get().db;
    // The route modules use the app's db singleton: this test database.
    globalThis.__holdfastDb = db;
    vi.resetModules();
    routes = {
      "/webhooks/orders/create": (await import("../../app/routes/webhooks.orders.create")).action,
      "/webhooks/disputes": (await import("../../app/routes/webhooks.disputes")).action,
      "/webhooks/compliance": (await import("../../app/routes/webhooks.compliance")).action,
    };
    p = await startPipeline(db, shop);

    // Screened orders of both customers, a dispute on the erased customer's, and a data request.
    const screened = p.store.addOrder(as(ERASED, factory.legit().draft));
    const other = p.store.addOrder(as(KEPT, factory.legit().draft));
    Object.assign(orders, { screened: screened.id, other: other.id });
    erasedCustomerId = screened.customerId!;
    for (const id of [screened.id, other.id]) await post(p.sender.ordersCreate(shop, id));
    await p.drain();
    const dispute = p.store.addDispute(screened.id);
    await post(p.sender.disputesCreate(shop, dispute.id));
    await post(p.sender.customersDataRequest(shop, erasedCustomerId));
    await p.drain();

    // With the worker stopped: invalid deliveries, jobs left queued, jobs dead-lettered.
    await p.stop();
    for (const [key, person] of [["queued", ERASED], ["dead", ERASED], ["invalid", ERASED], ["otherDead", KEPT], ["otherInvalid", KEPT]] as const) {
      orders[key] = p.store.addOrder(as(person, factory.legit().draft)).id;
    }
    await post(invalidOrder(orders.invalid));
    await post(invalidOrder(orders.otherInvalid));
    for (const id of [orders.queued, orders.dead, orders.otherDead]) await post(p.sender.ordersCreate(shop, id));
    await killJob(orders.dead);
    await killJob(orders.otherDead);
    // Staff block-listed both customers' emails (no staff page writes lists yet: written as the screening reads them).
    for (const person of [ERASED, KEPT]) await db.listEntry.create({ data: { shop, list: "block", kind: "email", value: person.email } });
  }, 90_000);
  afterAll(() => p?.stop());

  it("before any erasure, the search finds both customers' data (in screenings, jobs and raw bodies)", async () => {
    const hits = await search(get().db, [...needles(ERASED), ...needles(KEPT)]);
    for (const expected of ["WebhookDelivery.rawBody", "Job.payload", "OrderScreening.reasons", "DataRequest.data", "Guarantee.frozenFacts"]) {
      expect(hits.filter((h) => h.startsWith(expected)).length, expected).toBeGreaterThan(0);
    }
    for (const person of [ERASED, KEPT]) expect(hits).toContain(`Job.payload: ${person.email}`);
  });

  it("customers/redact leaves none of the customer's email, phone, names or address in any table, and the other customer's stay", async () => {
    const db = get().db;
    const identitiesBefore = await db.identity.count({ where: { shop, kind: "customer", customerId: String(erasedCustomerId) } });
    await post(p.sender.customersRedact(shop, erasedCustomerId));
    // Only the redaction runs: the queued screening of the customer's order is still queued when it does.
    const redactor = createWorker({ db, apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, gateway: p.gateway }, { kinds: [CUSTOMER_REDACT], log: () => {} });
    expect(await redactor.drainOnce()).toBe(1);
    const redactJob = await db.job.findFirstOrThrow({ where: { shop, kind: CUSTOMER_REDACT } });
    expect([redactJob.state, redactJob.lastError]).toEqual(["done", null]);
    const queued = await db.job.findFirstOrThrow({ where: { shop, dedupeKey: `order:${orders.queued}:screen:0` } });
    expect(queued.state).toBe("queued");

    expect(await search(db, needles(ERASED))).toEqual([]);
    // The history rows keyed by the customer (velocity_customer, cards per customer: kind "customer", hashed id) went with the rest.
    expect(identitiesBefore).toBeGreaterThan(0);
    expect(await db.identity.count({ where: { shop, OR: [{ customerId: String(erasedCustomerId) }, { orderId: String(orders.screened) }] } })).toBe(0);
    expect(await db.identity.count({ where: { shop, kind: "customer" } })).toBeGreaterThan(0); // the other customer's stay
    const kept = await search(db, needles(KEPT));
    expect(kept).toContain(`Job.payload: ${KEPT.email}`);
    expect(kept).toContain(`WebhookDelivery.rawBody: ${KEPT.email}`);
    expect(kept).toContain(`WebhookDelivery.rawBody: ${KEPT.address1}`);
    expect(kept).toContain(`ListEntry.value: ${KEPT.email}`);
    expect(kept.some((h) => h.startsWith("OrderScreening.reasons"))).toBe(true);
    // The other customer's guarantee keeps the facts it froze; the erased one's keeps its state, amount and reason only.
    expect(kept).toContain(`Guarantee.frozenFacts: ${KEPT.address1}`);
    const erasedGuarantee = await db.guarantee.findUniqueOrThrow({ where: { shop_orderId: { shop, orderId: String(orders.screened) } } });
    expect([erasedGuarantee.frozenFacts, erasedGuarantee.state, erasedGuarantee.amount.length > 0]).toEqual([null, "active", true]);
    expect((await db.orderScreening.findUniqueOrThrow({ where: { shop_orderId: { shop, orderId: String(orders.screened) } } })).factsHash).toBe("redacted");

    // The queued screening then ends without running: the order gets no verdict, no tag, no guarantee.
    p.worker.start();
    await p.drain();
    expect((await db.job.findFirstOrThrow({ where: { id: queued.id } })).state).toBe("done");
    expect(await db.orderScreening.count({ where: { shop, orderId: String(orders.queued) } })).toBe(0);
    const tags = p.store.requireOrder(orders.queued).tags;
    expect(tags).not.toContain(SHIP_TAG);
    expect(tags).not.toContain(HOLD_TAG);
    expect(await search(db, needles(ERASED))).toEqual([]);

    // What the shop keeps of the erased customer's screened order: the decision, without the person.
    const s = await db.orderScreening.findUniqueOrThrow({ where: { shop_orderId: { shop, orderId: String(orders.screened) } } });
    expect([s.verdict, s.score > 0, s.customerId]).toEqual([expect.stringMatching(/^(ship|hold)$/), true, null]);
    expect(JSON.parse(s.outcomes)).not.toEqual([]);
    // The dead job is still there for staff, with its error, and can be retried (it then ends without running).
    const dead = await db.job.findFirstOrThrow({ where: { shop, dedupeKey: `order:${orders.dead}:screen:0` } });
    expect([dead.state, dead.lastError]).toEqual(["dead", "PermanentJobError: order not readable"]);
    // The dispute is kept (no personal data in it).
    expect(await db.dispute.count({ where: { shop, orderId: String(orders.screened) } })).toBe(1);
  }, 60_000);

  it("shop/redact leaves nothing that names the shop in any table", async () => {
    const db = get().db;
    p.worker.start(); // (a no-op when the test above got as far as starting it)
    await post(p.sender.shopRedact(shop));
    await p.drain();
    expect(await search(db, [shop, ...needles(KEPT)])).toEqual([]);
    expect(await db.shopAmountBucket.count({ where: { shop } })).toBe(0);
  }, 60_000);
});

describeEachDb("customers/redact while a screening of the customer is running", (get) => {
  const shop = "redaction-running.myshopify.com";
  let p: Pipeline;
  afterAll(() => p?.stop());

  it("waits for the running screening, then erases what it wrote", async () => {
    const db = get().db;
    p = await startPipeline(db, shop);
    await p.stop();
    const order = p.store.addOrder(as(ERASED, new OrderFactory({ seed: 312 }).legit().draft));
    expect((await p.deliver(p.sender.ordersCreate(shop, order.id))).status).toBe(200);
    // A worker has claimed the screening and holds its payload (with the customer's data) in memory.
    const row = await db.job.findFirstOrThrow({ where: { shop, dedupeKey: `order:${order.id}:screen:0` } });
    const [running] = await claim(db, { owner: "slow-worker", limit: 1, leaseMs: 60_000, ids: [row.id] });
    const payload = ScreenOrderPayload.parse(running!.payload);

    expect((await p.deliver(p.sender.customersRedact(shop, order.customerId!))).status).toBe(200);
    const redactor = () => createWorker({ db, apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, gateway: p.gateway }, { kinds: [CUSTOMER_REDACT], log: () => {} });
    expect(await redactor().drainOnce()).toBe(1);
    const waiting = await db.job.findFirstOrThrow({ where: { shop, kind: CUSTOMER_REDACT } });
    expect([waiting.state, waiting.attempts]).toEqual(["queued", 0]);
    expect(waiting.lastError).toMatch(/waits for 1 running job/);
    // The running job's stored payload is already erased; its run goes on with what it read.
    expect(JSON.parse((await db.job.findUniqueOrThrow({ where: { id: row.id } })).payload)).toEqual({ redacted: true });

    // The screening finishes after the first pass, writing its decision (reasons quoting the names).
    const screener = new OrderScreener({ db, gateway: p.gateway });
    await screener.run(shop, payload, { completion: (compact) => completion(db, running!, compact) });
    expect(await search(db, needles(ERASED))).toContain(`OrderScreening.reasons: ${ERASED.lastName}`);

    // The redaction runs again when due, finds nothing running, and erases it.
    await new Promise((r) => setTimeout(r, waiting.runAt.getTime() - Date.now() + 50));
    expect(await redactor().drainOnce()).toBe(1);
    expect((await db.job.findFirstOrThrow({ where: { shop, kind: CUSTOMER_REDACT } })).state).toBe("done");
    expect(await search(db, needles(ERASED))).toEqual([]);
  }, 60_000);
});
