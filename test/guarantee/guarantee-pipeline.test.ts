// The guarantee recorded through the real pipeline, on both databases: webhooks into Holdfast's
// intake, the job worker, screening against the emulator's Admin API. Each exclusion, the amount and
// fee (no cap, JPY exact), the fee's ledger entry and job, the facts frozen, re-screens after a change,
// cancellation, a hold released by staff, and a shop whose usage charges are not approved.
import { afterAll, expect, it } from "vitest";
import { OrderFactory, orderPayload, type GeneratedOrder } from "../../emulator/index";
import { CHARGE_FEE } from "../../app/guarantee/fee-job";
import { StoredFrozenFacts } from "../../app/guarantee/facts";
import { VOID_GUARANTEE } from "../../app/guarantee/void.server";
import { enqueue } from "../../app/jobs/queue.server";
import { screenOrderJob } from "../../app/screening/intake.server";
import { reconcileShop } from "../../app/screening/reconcile.server";
import { HOLD_HANDLE } from "../../app/screening/store-actions.server";
import { describeEachDb } from "../support/db";
import { startPipeline, type Pipeline } from "../support/pipeline";

describeEachDb("the guarantee through the pipeline", (get) => {
  let n = 0;
  const factory = new OrderFactory({ seed: 1313 });
  let p: Pipeline;
  let shop: string;
  const pipelines: Pipeline[] = [];
  const fresh = async (opts: Parameters<typeof startPipeline>[2] = {}) => {
    await p?.stop();
    shop = `guarantee-${++n}.myshopify.com`;
    p = await startPipeline(get().db, shop, opts);
    pipelines.push(p);
    return p;
  };
  afterAll(async () => {
    for (const x of pipelines) await x.stop();
  });
  const db = () => get().db;
  /** A good order whose buyer staff allow-listed: approved whatever the model says. */
  const approved = async (change: (g: GeneratedOrder) => GeneratedOrder = (g) => g) => {
    const g = change(factory.legit());
    await db().listEntry.create({ data: { shop, list: "allow", kind: "email", value: g.draft.email!.toLowerCase() } });
    return g;
  };
  const held = async () => {
    const g = factory.fraud("card_testing");
    await db().listEntry.create({ data: { shop, list: "block", kind: "email", value: g.draft.email!.toLowerCase() } });
    return g;
  };
  const place = async (g: GeneratedOrder, before?: (orderId: number) => void) => {
    const order = p.store.addOrder(g.draft);
    before?.(order.id);
    expect((await p.deliver(p.sender.ordersCreate(shop, order.id))).status).toBe(200);
    await p.drain();
    return order;
  };
  const guarantee = (orderId: number) => db().guarantee.findUniqueOrThrow({ where: { shop_orderId: { shop, orderId: String(orderId) } } });
  const screening = (orderId: number) => db().orderScreening.findUniqueOrThrow({ where: { shop_orderId: { shop, orderId: String(orderId) } } });
  const feeEntry = (orderId: number) => db().ledgerEntry.findUnique({ where: { shop_key: { shop, key: `fee:${orderId}` } } });
  /** The fee was charged before the void: it stays charged (usage records cannot be negative) and an open credit of what was billed nets against later fees. */
  const expectCredited = async (orderId: number) => {
    const fee = await feeEntry(orderId);
    expect(fee?.state).toBe("charged");
    const credit = await db().ledgerEntry.findUnique({ where: { shop_key: { shop, key: `credit:${orderId}` } } });
    expect(credit).toMatchObject({ kind: "fee_credit", state: "open", amount: fee!.billedAmount, currency: fee!.billedCurrency });
  };
  const feeJob = (orderId: number) => db().job.findUnique({ where: { shop_dedupeKey: { shop, dedupeKey: `fee:${orderId}` } } });
  const audits = (orderId: number) => db().auditEvent.findMany({ where: { shop, orderId: String(orderId), kind: "guarantee" }, orderBy: { createdAt: "asc" } });
  const updated = async (orderId: number) => {
    p.store.touch(p.store.requireOrder(orderId));
    expect((await p.deliver(p.sender.ordersUpdated(shop, orderId))).status).toBe(200);
    await p.drain();
  };

  it("an approved order is guaranteed for its full total in the shop's currency, with its fee, frozen facts, ledger entry and fee job", async () => {
    await fresh();
    const order = await place(await approved());
    const g = await guarantee(order.id);
    const total = p.store.requireOrder(order.id);
    const read = (await p.gateway.request<{ order: { totalPriceSet: { shopMoney: { amount: string; currencyCode: string } } } }>(
      shop, "query T($id: ID!) { order(id: $id) { totalPriceSet { shopMoney { amount currencyCode } } } }", { id: `gid://shopify/Order/${order.id}` },
    )).order.totalPriceSet.shopMoney;
    expect([g.state, g.reason, g.currency, g.feeRate, g.revision]).toEqual(["active", "guarantee.active", total.currency, "0.005", 0]);
    expect(Number(g.amount)).toBe(Number(read.amount));
    expect(g.fee).toBe((Math.round(Number(read.amount) * 0.005 * 100) / 100).toFixed(2));
    expect(g.approvedAt).not.toBeNull();
    expect(g.voidedAt).toBeNull();
    const frozen = StoredFrozenFacts.parse(JSON.parse(g.frozenFacts!));
    expect(frozen.email).toBe(total.email);
    expect(frozen.customerId).toBe(String(total.customerId));
    expect(frozen.shippingAddress?.address1).toBe(total.shippingAddress?.address1);
    const s = await screening(order.id);
    expect([s.guarantee, s.guaranteeNote]).toEqual(["active", g.note]);
    expect(s.factsHash).toMatch(/^f1:/);
    // The fee job ran in the pipeline: charged once through the shop's usage subscription.
    expect(await feeEntry(order.id)).toMatchObject({ kind: "fee", state: "charged", amount: g.fee, currency: g.currency, billedAmount: g.fee, billedCurrency: g.currency });
    const job = await feeJob(order.id);
    // Done, its payload compacted to what it did.
    expect([job?.kind, job?.state, JSON.parse(job!.payload)]).toEqual([CHARGE_FEE, "done", expect.objectContaining({ outcome: "charged", price: g.fee })]);
    expect((await audits(order.id)).map((a) => a.message)).toEqual([expect.stringMatching(/^Guarantee active for .* \(fee .* at 0\.005\): Guaranteed/)]);
  });

  it("a JPY 12,000,000 order is guaranteed exactly (no cap): amount 12000000, fee 60000 at 0.5%", async () => {
    await fresh();
    const order = await place(await approved((g) => ({
      ...g, draft: { ...g.draft, currency: "JPY", lineItems: [{ title: "Lacquer cabinet", quantity: 1, price: "12000000" }], shippingPrice: "0", totalTax: "0", discountCodes: [], transactions: undefined },
    })));
    const g = await guarantee(order.id);
    expect([g.state, g.amount, g.currency, g.fee]).toEqual(["active", "12000000", "JPY", "60000"]);
    expect(await feeEntry(order.id)).toMatchObject({ amount: "60000", currency: "JPY" });
  });

  it("the operator's fee rate for the shop is used", async () => {
    await fresh();
    await db().shop.update({ where: { shop }, data: { feeRate: "0.012" } });
    const order = await place(await approved((g) => ({ ...g, draft: { ...g.draft, currency: "USD", lineItems: [{ title: "Lamp", quantity: 1, price: "250.00" }], shippingPrice: "12.35", totalTax: "0", discountCodes: [], transactions: undefined } })));
    const g = await guarantee(order.id);
    expect([g.amount, g.feeRate, g.fee]).toEqual(["262.35", "0.012", "3.15"]);
  });

  it.each([
    ["a test order", (g: GeneratedOrder) => ({ ...g, draft: { ...g.draft, test: true } }), undefined, "guarantee.test_order"],
    ["an order Shopify Protect covers", (g: GeneratedOrder) => ({ ...g, draft: { ...g.draft, shopifyProtect: { status: "ACTIVE" as const, eligible: true } } }), undefined, "guarantee.shopify_protect"],
    ["an order fulfilled before Holdfast decided", (g: GeneratedOrder) => g, (pl: Pipeline, id: number) => pl.store.fulfill(pl.store.requireOrder(id)), "guarantee.fulfilled_before_decision"],
    ["an order cancelled before it was screened", (g: GeneratedOrder) => g, (pl: Pipeline, id: number) => pl.store.cancel(pl.store.requireOrder(id), "CUSTOMER"), "guarantee.cancelled"],
  ] as const)("%s is approved but not guaranteed, with the reason", async (_name, change, before, reason) => {
    await fresh();
    const order = await place(await approved(change), before && ((id) => before(p, id)));
    const s = await screening(order.id);
    const g = await guarantee(order.id);
    expect([s.verdict, s.guarantee, g.state, g.reason]).toEqual(["ship", "none", "none", reason]);
    expect(g.frozenFacts).toBeNull();
    expect(g.fee).toMatch(/^0(\.0+)?$/);
    expect(await feeEntry(order.id)).toBeNull();
    expect(await feeJob(order.id)).toBeNull();
    expect((await audits(order.id))[0]!.message).toMatch(/^Guarantee none: Not guaranteed/);
  });

  it("a shop whose usage charges are not approved: orders are screened, approved ones not guaranteed, and the reason says why", async () => {
    await fresh({ subscriptionStatus: null });
    const order = await place(await approved());
    const s = await screening(order.id);
    const g = await guarantee(order.id);
    expect([s.verdict, s.status, s.guarantee, g.state, g.reason]).toEqual(["ship", "acted", "none", "none", "guarantee.subscription_not_approved"]);
    expect(g.note).toMatch(/usage charges are not approved/);
    expect(await feeEntry(order.id)).toBeNull();
    expect(await feeJob(order.id)).toBeNull();
  });

  it("a held order is not guaranteed; its hold tells staff that releasing it ships without the guarantee; a release is recorded as the reason", async () => {
    await fresh();
    const order = await place(await held());
    expect([(await guarantee(order.id)).state, (await guarantee(order.id)).reason]).toEqual(["none", "guarantee.held"]);
    const hold = p.store.requireOrder(order.id).fulfillmentOrders[0]!.holds.find((h) => h.handle === HOLD_HANDLE)!;
    expect(hold.reasonNotes).toMatch(/^Held by Holdfast \(risk score \d+\/1000\)\. Releasing this hold ships the order without Holdfast's chargeback guarantee\.$/);
    expect(hold.reasonNotes!.length).toBeLessThanOrEqual(255);

    p.store.release(p.store.requireOrder(order.id).fulfillmentOrders[0]!);
    // The screening job runs again (as a fulfillment_orders/hold_released follow or a retry does).
    await db().job.updateMany({ where: { shop, kind: "screen_order" }, data: { state: "queued", runAt: new Date() } });
    p.worker["poke"]();
    await p.drain();
    const g = await guarantee(order.id);
    expect([g.state, g.reason]).toEqual(["none", "guarantee.released_by_staff"]);
    expect((await screening(order.id)).guaranteeNote).toMatch(/a person released Holdfast's hold/);
    expect((await audits(order.id)).at(-1)!.message).toMatch(/^Guarantee none: Not guaranteed: a person released Holdfast's hold.*fulfillment order/);
  });

  it("cancellation voids an active guarantee once the Admin API reads the order cancelled; its charged fee becomes a credit", async () => {
    await fresh();
    const order = await place(await approved());
    await p.stop(); // the fee job is the billing side's; here only the fee entry matters
    p.worker.start();
    const o = p.store.requireOrder(order.id);
    // A body saying cancelled while the order does not read cancelled: the job waits, the guarantee stays.
    const forged = { ...orderPayload(p.store, o), cancelled_at: new Date().toISOString() };
    expect((await p.deliver(p.sender.build("orders/updated", shop, forged))).status).toBe(200);
    await p.drain();
    expect((await guarantee(order.id)).state).toBe("active");
    const waiting = await db().job.findUniqueOrThrow({ where: { shop_dedupeKey: { shop, dedupeKey: `void:${order.id}` } } });
    expect([waiting.kind, waiting.state, waiting.lastError]).toEqual([VOID_GUARANTEE, "queued", expect.stringMatching(/does not read cancelled/)]);

    p.store.cancel(o, "CUSTOMER");
    await db().job.update({ where: { id: waiting.id }, data: { runAt: new Date() } });
    await updated(order.id); // the real delivery: deduplicated onto the waiting job, which now finds it cancelled
    p.worker["poke"]();
    await p.drain();
    const g = await guarantee(order.id);
    expect([g.state, g.reason]).toEqual(["void", "guarantee.void_cancelled"]);
    expect(g.voidedAt?.toISOString()).toBe(new Date(o.cancelledAt!).toISOString());
    expect(g.note).toContain(o.cancelledAt!.slice(0, 10));
    expect(g.frozenFacts).not.toBeNull(); // what had been approved stays with the void
    expect((await screening(order.id)).guarantee).toBe("void");
    await expectCredited(order.id);
    expect((await audits(order.id)).at(-1)!.message).toMatch(/^Guarantee void: Guarantee void: the order was cancelled/);
    // A redelivery changes nothing.
    await updated(order.id);
    expect(await db().job.count({ where: { shop, kind: VOID_GUARANTEE } })).toBe(1);
    expect((await audits(order.id)).filter((a) => a.message.startsWith("Guarantee void"))).toHaveLength(1);
  });

  it("reconciliation voids the guarantee of an order cancelled while its orders/updated was lost", async () => {
    await fresh();
    // Recent orders (Shopify lists orders of the last 60 days to an app without read_all_orders).
    const recent = new OrderFactory({ seed: 77, startAt: Date.now() - 30 * 60_000 });
    const order = await place(await approved(() => recent.legit()));
    p.store.cancel(p.store.requireOrder(order.id), "FRAUD");
    const other = await place(await approved(() => recent.legit())); // approved, not cancelled: left alone
    await db().shop.update({ where: { shop }, data: { ordersWatermark: new Date(Date.now() - 3_600_000) } });
    // Cancelled five minutes ago (reconciliation reads up to two minutes back, letting webhooks settle).
    p.store.requireOrder(order.id).updatedAt = new Date(Date.now() - 5 * 60_000).toISOString();
    const result = await reconcileShop(db(), p.gateway, shop, Date.now());
    expect(result.cancelledGuarantees).toBe(1);
    p.worker["poke"]();
    await p.drain();
    expect([(await guarantee(order.id)).state, (await guarantee(order.id)).reason]).toEqual(["void", "guarantee.void_cancelled"]);
    expect((await guarantee(other.id)).state).toBe("active");
    // The next pass finds nothing more to void.
    expect((await reconcileShop(db(), p.gateway, shop, Date.now())).cancelledGuarantees ?? 0).toBe(0);
  });

  it("a shipping address change re-screens; approved again, the guarantee is kept and recorded as re-approved", async () => {
    await fresh();
    const order = await place(await approved());
    const first = await guarantee(order.id);
    const o = p.store.requireOrder(order.id);
    o.shippingAddress = { ...o.shippingAddress!, address1: "1 Somewhere Else", city: "Elsewhere", zip: "99999" };
    await updated(order.id);
    const s = await screening(order.id);
    const g = await guarantee(order.id);
    expect([s.revision, s.verdict, g.state, g.reason, g.revision]).toEqual([1, "ship", "active", "guarantee.reapproved", 1]);
    expect(g.note).toContain("shipping address");
    expect(g.approvedAt).toEqual(first.approvedAt);
    expect(g.fee).toBe(first.fee);
    expect(StoredFrozenFacts.parse(JSON.parse(g.frozenFacts!)).shippingAddress?.address1).toBe("1 Somewhere Else");
    expect(await db().ledgerEntry.count({ where: { shop, orderId: String(order.id) } })).toBe(1);
    const job = await db().job.findFirstOrThrow({ where: { shop, dedupeKey: `order:${order.id}:screen:1` } });
    expect(JSON.parse(job.payload)).toMatchObject({ reason: "facts_changed" });
    // The same update again (the facts now match what was re-approved) is ignored.
    await updated(order.id);
    expect((await screening(order.id)).revision).toBe(1);
  });

  it("a shipping address change that the re-screen holds voids the guarantee, saying when and why", async () => {
    await fresh();
    const order = await place(await approved());
    const o = p.store.requireOrder(order.id);
    // The new address is block-listed: the re-screen holds.
    await db().listEntry.deleteMany({ where: { shop, list: "allow" } });
    await db().listEntry.create({ data: { shop, list: "block", kind: "email", value: o.email!.toLowerCase() } });
    o.shippingAddress = { ...o.shippingAddress!, address1: "9 Drop Point", city: "Forwarding", zip: "11111" };
    await updated(order.id);
    const s = await screening(order.id);
    const g = await guarantee(order.id);
    expect([s.revision, s.verdict, s.guarantee, g.state, g.reason]).toEqual([1, "hold", "void", "void", "guarantee.void_rescreen_held"]);
    expect(g.voidedAt).not.toBeNull();
    expect(g.note).toContain("shipping address");
    expect(g.note).toContain(g.voidedAt!.toISOString().slice(0, 10));
    await expectCredited(order.id);
    expect((await audits(order.id)).at(-1)!.message).toMatch(/^Guarantee void: Guarantee void: shipping address changed on/);
  });

  it("an email change of an approved order re-screens it and the note names the email", async () => {
    await fresh();
    const order = await place(await approved());
    const o = p.store.requireOrder(order.id);
    await db().listEntry.create({ data: { shop, list: "allow", kind: "email", value: "new.address@example.org" } });
    o.email = "new.address@example.org";
    await updated(order.id);
    const s = await screening(order.id);
    expect(s.revision).toBe(1);
    const g = await guarantee(order.id);
    expect([g.state, g.reason]).toEqual(["active", "guarantee.reapproved"]);
    expect(g.note).toMatch(/after email changed/);
    const rescreened = await db().auditEvent.findFirstOrThrow({ where: { shop, orderId: String(order.id), kind: "rescreened" } });
    expect(rescreened.message).toMatch(/after a change of email/);
  });

  it("a re-run of the decided revision heals a missing fee job (a crash after the decision)", async () => {
    await fresh();
    const order = await place(await approved());
    await db().job.deleteMany({ where: { shop, dedupeKey: `fee:${order.id}` } });
    await enqueue(db(), screenOrderJob(shop, { orderId: String(order.id), revision: 0, reason: "reconcile" }));
    await db().job.updateMany({ where: { shop, kind: "screen_order" }, data: { state: "queued", runAt: new Date() } });
    p.worker["poke"]();
    await p.drain();
    expect((await feeJob(order.id))?.kind).toBe(CHARGE_FEE);
    expect(await db().ledgerEntry.count({ where: { shop, orderId: String(order.id) } })).toBe(1);
  });
});
