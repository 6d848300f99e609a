// Store actions that Shopify refuses (userErrors) are loud: the screen_order job is retried with
// backoff, retries exactly the actions that failed, and is dead-lettered naming them when they keep
// failing. Both databases, the real pipeline against the emulator.
import { afterAll, expect, it, vi } from "vitest";
import { describeEachDb } from "../support/db";
import { startPipeline, type Pipeline } from "../support/pipeline";
import { TEST_API_KEY } from "../../scripts/lib/app-process";
import { OrderFactory, type GeneratedOrder, type InjectedUserError } from "../../emulator/index";
import { HOLD_HANDLE, HOLD_TAG, SHIP_TAG, StoreActions, type AdminOrder } from "../../app/screening/store-actions.server";
import { AmbiguousMutationError } from "../../app/shopify/gateway.server";
import { OrderForScreening } from "../../app/shopify/operations";
import type { Db } from "../../app/db-client.server";
import type { OrderForScreeningQuery } from "../../app/types/admin.generated";

const HOLD_LIMIT = {
  field: ["id"],
  message: "The maximum number of fulfillment holds for this fulfillment order has been reached for this app.",
  code: "FULFILLMENT_ORDER_HOLD_LIMIT_REACHED",
};
const TAGS_REFUSED = { field: ["tags"], message: "Tags could not be saved." };

describeEachDb("store actions that fail", (get) => {
  let n = 0;
  const factory = new OrderFactory({ seed: 31 });
  let p: Pipeline;
  let shop: string;
  const pipelines: Pipeline[] = [];
  const fresh = async () => {
    await p?.stop();
    shop = `store-actions-${++n}.myshopify.com`;
    p = await startPipeline(get().db, shop);
    pipelines.push(p);
  };
  afterAll(async () => {
    for (const x of pipelines) await x.stop();
  });
  /** Shopify refuses this mutation with these userErrors (the next `times` calls, or until cleared). */
  const refuse = (operation: string, userErrors: InjectedUserError[], times?: number) =>
    p.emulator.faults.inject({ fault: { kind: "user_errors", userErrors }, operation, shop, ...(times ? { times } : {}) });
  // A card-testing order whose buyer staff block-listed: held whatever the model's score.
  const held = async () => {
    const g = factory.fraud("card_testing");
    await get().db.listEntry.create({ data: { shop, list: "block", kind: "email", value: g.draft.email!.toLowerCase() } });
    return g;
  };
  const place = async (g: GeneratedOrder) => {
    const order = p.store.addOrder(g.draft);
    expect((await p.deliver(p.sender.ordersCreate(shop, order.id))).status).toBe(200);
    return order;
  };
  const job = () => get().db.job.findFirstOrThrow({ where: { shop, kind: "screen_order" } });
  const screening = (orderId: number) => get().db.orderScreening.findUniqueOrThrow({ where: { shop_orderId: { shop, orderId: String(orderId) } } });
  const failures = (orderId: number) => get().db.auditEvent.findMany({ where: { shop, orderId: String(orderId), kind: "store_action_failed" }, orderBy: { createdAt: "asc" } });
  /** Run the retry now instead of after its backoff. */
  const retryNow = async () => {
    await get().db.job.updateMany({ where: { shop, state: "queued" }, data: { runAt: new Date() } });
    p.worker["poke"]();
    await p.drain();
  };
  const ourHolds = (orderId: number) =>
    p.store.orders.get(orderId)!.fulfillmentOrders.flatMap((fo) => fo.holds.filter((h) => h.heldByApiKey === TEST_API_KEY && h.handle === HOLD_HANDLE));
  const ourAssessments = (orderId: number) => p.store.orders.get(orderId)!.riskAssessments.filter((a) => a.providerApiKey === TEST_API_KEY);

  it("a hold Shopify refuses makes the job retry; the retry places the hold once and repeats nothing that succeeded", async () => {
    await fresh();
    refuse("fulfillmentOrderHold", [HOLD_LIMIT], 1);
    const order = await place(await held());
    const fo = `gid://shopify/FulfillmentOrder/${order.fulfillmentOrders[0]!.id}`;
    await p.drain();

    const failed = await job();
    expect(failed.state).toBe("queued");
    expect(failed.attempts).toBe(1);
    expect(failed.lastError).toContain(`store action failed: hold ${fo}: FULFILLMENT_ORDER_HOLD_LIMIT_REACHED: ${HOLD_LIMIT.message}`);
    expect((await screening(order.id)).status).toBe("screened"); // not acted on yet
    expect(ourHolds(order.id)).toHaveLength(0);
    expect((await failures(order.id)).map((a) => a.message)).toEqual([expect.stringContaining(`hold ${fo}: FULFILLMENT_ORDER_HOLD_LIMIT_REACHED`)]);

    await retryNow();
    const done = await job();
    expect([done.state, done.attempts, done.lastError]).toEqual(["done", 2, null]);
    expect((await screening(order.id)).status).toBe("acted");
    expect(ourHolds(order.id)).toHaveLength(order.fulfillmentOrders.length);
    expect(p.emulator.log.count("fulfillmentOrderHold", shop)).toBe(order.fulfillmentOrders.length);
    expect(p.emulator.log.count("tagsAdd", shop)).toBe(1);
    expect(p.emulator.log.count("orderRiskAssessmentCreate", shop)).toBe(1);
    expect(ourAssessments(order.id)).toHaveLength(1);
    const hold = await get().db.storeAction.findFirstOrThrow({ where: { shop, orderId: String(order.id), action: "hold", target: fo } });
    expect(hold.outcome).toBe("applied");
    expect(await failures(order.id)).toHaveLength(1); // the history of the failed attempt stays
  });

  it("a hold that keeps failing dead-letters the job, naming the hold and the fulfillment order", async () => {
    await fresh();
    refuse("fulfillmentOrderHold", [HOLD_LIMIT]);
    const order = await place(await held());
    const fo = `gid://shopify/FulfillmentOrder/${order.fulfillmentOrders[0]!.id}`;
    await p.drain();
    for (let i = 0; i < 10 && (await job()).state === "queued"; i++) await retryNow();

    const dead = await job();
    expect(dead.state).toBe("dead");
    expect(dead.attempts).toBe(dead.maxAttempts);
    expect(dead.lastError).toMatch(/^StoreActionFailedError: store action failed: /);
    expect(dead.lastError).toContain(`hold ${fo}: FULFILLMENT_ORDER_HOLD_LIMIT_REACHED`);
    expect((await screening(order.id)).status).toBe("screened");
    expect(ourHolds(order.id)).toHaveLength(0);
    expect(await failures(order.id)).toHaveLength(dead.maxAttempts);
    // What succeeded on the first attempt was not repeated by the others.
    expect(p.emulator.log.count("tagsAdd", shop)).toBe(1);
    expect(p.emulator.log.count("orderRiskAssessmentCreate", shop)).toBe(1);
    expect(p.store.orders.get(order.id)!.tags).toContain(HOLD_TAG);
  });

  it("a tag Shopify refuses is retried until it is placed, once, without a second risk assessment", async () => {
    await fresh();
    refuse("tagsAdd", [TAGS_REFUSED], 2);
    const order = await place(factory.legit());
    await p.drain();

    for (const attempt of [1, 2]) {
      const failed = await job();
      expect([failed.state, failed.attempts]).toEqual(["queued", attempt]);
      expect(failed.lastError).toContain(`store action failed: tag ${SHIP_TAG}: ${TAGS_REFUSED.message}`);
      expect(p.store.orders.get(order.id)!.tags).not.toContain(SHIP_TAG);
      await retryNow();
    }
    const done = await job();
    expect([done.state, done.attempts]).toEqual(["done", 3]);
    expect((await screening(order.id)).status).toBe("acted");
    expect(p.store.orders.get(order.id)!.tags).toContain(SHIP_TAG);
    expect(p.emulator.log.count("tagsAdd", shop)).toBe(1);
    expect(p.emulator.log.count("orderRiskAssessmentCreate", shop)).toBe(1);
    expect(ourAssessments(order.id)).toHaveLength(1);
    expect(await failures(order.id)).toHaveLength(2);
    const tag = await get().db.storeAction.findFirstOrThrow({ where: { shop, orderId: String(order.id), action: "tag" } });
    expect([tag.target, tag.outcome]).toEqual([SHIP_TAG, "applied"]);
  });

  it("a tag that keeps failing dead-letters the job, naming the tag", async () => {
    await fresh();
    refuse("tagsAdd", [TAGS_REFUSED]);
    const order = await place(await held());
    await p.drain();
    for (let i = 0; i < 10 && (await job()).state === "queued"; i++) await retryNow();

    const dead = await job();
    expect(dead.state).toBe("dead");
    expect(dead.lastError).toContain(`store action failed: tag ${HOLD_TAG}: ${TAGS_REFUSED.message}`);
    expect((await screening(order.id)).status).toBe("screened");
    // The hold itself was placed on the first attempt and never again.
    expect(ourHolds(order.id)).toHaveLength(order.fulfillmentOrders.length);
    expect(p.emulator.log.count("fulfillmentOrderHold", shop)).toBe(order.fulfillmentOrders.length);
  });

  it("known benign userErrors are not failures: a duplicate hold handle is already held, a fulfilled order takes no risk assessment", async () => {
    await fresh();
    refuse("fulfillmentOrderHold", [{ field: ["fulfillmentHold", "handle"], message: "The handle is already in use.", code: "DUPLICATE_FULFILLMENT_HOLD_HANDLE" }]);
    refuse("orderRiskAssessmentCreate", [{ field: ["orderRiskAssessmentInput", "orderId"], message: "Order has already been fulfilled.", code: "ORDER_ALREADY_FULFILLED" }]);
    const order = await place(await held());
    await p.drain();
    const done = await job();
    expect([done.state, done.attempts, done.lastError]).toEqual(["done", 1, null]);
    expect((await screening(order.id)).status).toBe("acted");
    const actions = await get().db.storeAction.findMany({ where: { shop, orderId: String(order.id) }, orderBy: [{ action: "asc" }, { target: "asc" }] });
    expect(actions.map((a) => [a.action, a.outcome])).toEqual([
      ...order.fulfillmentOrders.map(() => ["hold", "already"]),
      ["risk_assessment", "skipped"],
      ["tag", "applied"],
    ]);
    expect(await failures(order.id)).toHaveLength(0);
  });

  it("never loses the error in flight: when recording what was done fails too, that is logged and the original error goes on", async () => {
    await fresh();
    await p.worker.stop();
    const order = p.store.addOrder(factory.legit().draft);
    // The tag is placed; then the risk assessment's answer is lost, and the database refuses to record anything.
    p.emulator.faults.inject({ fault: { kind: "drop_after" }, operation: "orderRiskAssessmentCreate", shop, times: 1 });
    const db = get().db;
    const broken = new Proxy(db, {
      get: (target, key) => (key === "$transaction" ? () => Promise.reject(new Error("database unavailable")) : Reflect.get(target, key)),
    }) as Db;
    const read = await p.gateway.request<OrderForScreeningQuery>(shop, OrderForScreening, { id: `gid://shopify/Order/${order.id}` });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const screened = { orderId: String(order.id), revision: 0, verdict: "ship", score: 10, riskLevel: "LOW", riskFacts: [{ description: "fine", sentiment: "POSITIVE" }] };
    const applied = new StoreActions(broken, p.gateway).apply(shop, screened, read.order as AdminOrder, { autoCancel: false, autoCancelScore: 970 }, { fresh: true });
    await expect(applied).rejects.toBeInstanceOf(AmbiguousMutationError);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/could not record what was done: Error: database unavailable/));
    expect(p.store.orders.get(order.id)!.tags).toContain(SHIP_TAG);
  });

  it("a risk fact over 256 characters is stored cut by Shopify, and a re-run after a lost answer finds it instead of posting it again", async () => {
    await fresh();
    await p.worker.stop();
    const order = p.store.addOrder(factory.legit().draft);
    const long = `${"A very long reason. ".repeat(15)}😀 and more`; // over 256 characters, an emoji across the cut
    expect(Array.from(long).length).toBeGreaterThan(256);
    const screened = { orderId: String(order.id), revision: 0, verdict: "ship", score: 10, riskLevel: "LOW", riskFacts: [{ description: long, sentiment: "POSITIVE" }] };
    const actions = new StoreActions(get().db, p.gateway);
    const read = async () => (await p.gateway.request<OrderForScreeningQuery>(shop, OrderForScreening, { id: `gid://shopify/Order/${order.id}` })).order as AdminOrder;
    // Shopify carries the assessment out, then the answer is lost: the job will run again and re-read the order.
    p.emulator.faults.inject({ fault: { kind: "drop_after" }, operation: "orderRiskAssessmentCreate", shop, times: 1 });
    const settings = { autoCancel: false, autoCancelScore: 970 };
    await expect(actions.apply(shop, screened, await read(), settings, { fresh: true })).rejects.toBeInstanceOf(AmbiguousMutationError);
    expect(ourAssessments(order.id)).toHaveLength(1);
    expect(ourAssessments(order.id)[0]!.facts[0]!.description).toBe(Array.from(long).slice(0, 256).join(""));
    const again = await actions.apply(shop, screened, await read(), settings);
    expect(again.find((r) => r.action === "risk_assessment")?.outcome).toBe("already");
    expect(ourAssessments(order.id)).toHaveLength(1);
  });
});
