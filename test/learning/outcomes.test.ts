// Learning from each shop's outcomes, on both databases, through the real job queue, worker, Admin
// gateway and store emulator: recordOutcome (idempotent, scoped, staff wins, changes audited), the
// fraud outcome of a covered chargeback, the undisputed sweep in reconciliation, the refit job writing
// version n+1, and screening using the newest version; nothing crosses shops.
import { afterAll, expect, it } from "vitest";
import { describeEachDb } from "../support/db";
import { startPipeline, type Pipeline } from "../support/pipeline";
import { OrderFactory } from "../../emulator/index";
import type { Order } from "../../emulator/types";
import { OutcomeError, UNDISPUTED_AFTER_DAYS, recordOutcome, sweepUndisputed } from "../../app/learning/outcomes.server";
import { REFIT_SHOP_MODEL, REFIT_SLOT_MS } from "../../app/learning/refit-job";
import { loadShopAdjustment, refitIfStale, refitShopModel } from "../../app/learning/refit.server";
import { reconcileShop } from "../../app/screening/reconcile.server";
import { logitFromOutcomes } from "../../app/risk/learning";
import { probabilityFromLogit } from "../../app/risk/engine";
import { DEFAULT_MODEL, defaultRuleset } from "../../app/risk/ruleset";

const DAY = 86_400_000;

describeEachDb("learning from outcomes", (get) => {
  let n = 0;
  const factory = new OrderFactory({ seed: 29 });
  const pipelines: Pipeline[] = [];
  const db = () => get().db;
  /** A pipeline of its own (the previous one stopped: its worker would claim this shop's jobs against another emulator). */
  const start = async () => {
    await pipelines.at(-1)?.stop();
    const shop = `learn-${++n}.myshopify.com`;
    const p = await startPipeline(get().db, shop);
    pipelines.push(p);
    return { p, shop };
  };
  afterAll(async () => {
    for (const x of pipelines) await x.stop();
  });

  /** A screened order, recorded as the screening would (its rows carry `features`). */
  const screened = async (shop: string, orderId: string, opts: { features?: Record<string, number>; outcomes?: string; createdAt?: Date; test?: boolean } = {}) => {
    const outcomes = opts.outcomes ?? JSON.stringify(Object.entries(opts.features ?? {}).map(([id, feature]) => ({ id, outcome: feature ? "hit" : "no_hit", value: null, feature, contribution: 0 })));
    await db().orderScreening.create({
      data: {
        shop, orderId, status: "acted", verdict: "ship", score: 100, threshold: 871, riskLevel: "LOW", decidedBy: "score", rulesetVersion: "r", modelVersion: "v1",
        reasons: "{}", outcomes, riskFacts: "[]", facts: "{}", orderCreatedAt: opts.createdAt ?? new Date(), test: opts.test ?? false,
      },
    });
  };
  const outcomes = (shop: string) => db().riskOutcome.findMany({ where: { shop }, orderBy: [{ orderId: "asc" }, { source: "asc" }] });

  it("recordOutcome: idempotent, scoped by shop, staff wins over an automatic label, a changed staff label is audited", async () => {
    const a = `rec-a-${n}.myshopify.com`;
    const b = `rec-b-${n}.myshopify.com`;
    await screened(a, "1001");
    await screened(b, "2001");
    // Another shop's order, an unknown order and invalid input are refused, changing nothing.
    await expect(recordOutcome(db(), { shop: a, orderId: "2001", label: "fraud", source: "staff" })).rejects.toThrow(OutcomeError);
    await expect(recordOutcome(db(), { shop: a, orderId: "2001", label: "fraud", source: "staff" })).rejects.toThrow(`order 2001 is not a screened order of ${a}`);
    await expect(recordOutcome(db(), { shop: a, orderId: "9999", label: "good", source: "staff" })).rejects.toThrow(OutcomeError);
    await expect(recordOutcome(db(), { shop: a, orderId: "1001", label: "maybe" as "good", source: "staff" })).rejects.toThrow(/label/);
    await expect(recordOutcome(db(), { shop: a, orderId: "1001; drop", label: "good", source: "staff" })).rejects.toThrow(/orderId/);
    expect(await outcomes(a)).toEqual([]);
    expect(await outcomes(b)).toEqual([]);

    expect(await recordOutcome(db(), { shop: a, orderId: "1001", label: "fraud", source: "chargeback" })).toEqual({ result: "recorded", label: "fraud", effective: "fraud" });
    expect(await recordOutcome(db(), { shop: a, orderId: "1001", label: "fraud", source: "chargeback" })).toMatchObject({ result: "unchanged" });
    // Staff says good: staff wins.
    expect(await recordOutcome(db(), { shop: a, orderId: "1001", label: "good", source: "staff", actor: "aiko", note: "known customer" })).toEqual({ result: "recorded", label: "good", effective: "good" });
    expect(await recordOutcome(db(), { shop: a, orderId: "1001", label: "good", source: "staff", actor: "aiko" })).toMatchObject({ result: "unchanged", effective: "good" });
    // An automatic fraud label arriving later does not override staff.
    expect(await recordOutcome(db(), { shop: a, orderId: "1001", label: "good", source: "undisputed" })).toMatchObject({ effective: "good" });
    // Staff changes their mind: updated in place, audited.
    expect(await recordOutcome(db(), { shop: a, orderId: "1001", label: "fraud", source: "staff", actor: "ken" })).toEqual({ result: "changed", label: "fraud", effective: "fraud" });
    const rows = await outcomes(a);
    expect(rows.map((r) => [r.orderId, r.source, r.label, r.actor])).toEqual([
      ["1001", "chargeback", "fraud", "holdfast"], ["1001", "staff", "fraud", "ken"], ["1001", "undisputed", "good", "holdfast"],
    ]);
    const audit = await db().auditEvent.findMany({ where: { shop: a }, orderBy: { createdAt: "asc" } });
    expect(audit.map((e) => e.kind)).toEqual(["outcome", "outcome", "outcome", "outcome_changed"]);
    expect(audit.at(-1)).toMatchObject({ actor: "ken", orderId: "1001" });
    expect(audit.at(-1)!.message).toContain("changed from good to fraud by ken");
    // Nothing reached the other shop; one deduplicated refit job per slot.
    expect(await outcomes(b)).toEqual([]);
    expect(await db().auditEvent.count({ where: { shop: b } })).toBe(0);
    const jobs = await db().job.findMany({ where: { shop: a, kind: REFIT_SHOP_MODEL } });
    expect(jobs).toHaveLength(1);
    expect(await db().job.count({ where: { shop: b } })).toBe(0);
  });

  it("a fraud chargeback (as the Admin API reads it) records fraud for its screened order; a non-fraud dispute records nothing", async () => {
    const { p, shop } = await start();
    const o = p.store.addOrder(factory.legit().draft);
    const other = p.store.addOrder(factory.legit().draft);
    for (const x of [o, other]) {
      await screened(shop, String(x.id));
      await db().guarantee.create({ data: { shop, orderId: String(x.id), revision: 0, state: "active", amount: "100.00", currency: x.currency, feeRate: "0.005", fee: "0.50" } });
    }
    const d = p.store.addDispute(o.id, { reason: "FRAUDULENT", amount: "100.00" });
    expect((await p.deliver(p.sender.disputesCreate(shop, d.id))).status).toBe(200);
    const d2 = p.store.addDispute(other.id, { reason: "PRODUCT_NOT_RECEIVED", amount: "100.00" });
    expect((await p.deliver(p.sender.disputesCreate(shop, d2.id))).status).toBe(200);
    await p.drain();
    expect((await outcomes(shop)).map((r) => [r.orderId, r.label, r.source, r.note])).toEqual([[String(o.id), "fraud", "chargeback", `dispute ${d.id}`]]);
    // The same dispute read again (an update) changes nothing.
    p.store.updateDispute(d.id, { status: "UNDER_REVIEW" });
    expect((await p.deliver(p.sender.disputesUpdate(shop, d.id))).status).toBe(200);
    await p.drain();
    expect(await outcomes(shop)).toHaveLength(1);
  });

  it("the undisputed sweep (in reconciliation) labels fulfilled, undisputed orders good once they reach the age, and nothing else", async () => {
    const { p, shop } = await start();
    const now = Date.now();
    const old = new Date(now - (UNDISPUTED_AFTER_DAYS + 1) * DAY).toISOString();
    const add = async (opts: { fulfil: boolean; createdAt?: string; dispute?: boolean }) => {
      const o: Order = p.store.addOrder({ ...factory.legit().draft, createdAt: opts.createdAt ?? old });
      if (opts.fulfil) p.store.fulfill(o);
      await screened(shop, String(o.id), { createdAt: new Date(o.createdAt) });
      if (opts.dispute) await db().dispute.create({ data: { shop, disputeId: String(o.id), orderId: String(o.id), type: "chargeback", reason: "general", status: "needs_response", amount: "1.00", currency: "USD" } });
      return String(o.id);
    };
    const good = await add({ fulfil: true });
    const unfulfilled = await add({ fulfil: false });
    const disputed = await add({ fulfil: true, dispute: true });
    const young = await add({ fulfil: true, createdAt: new Date(now - 10 * DAY).toISOString() });
    // Another shop's old order is never looked at.
    await screened(`other-${shop}`, good, { createdAt: new Date(old) });

    const r = await reconcileShop(db(), p.gateway, shop, now);
    expect(r.undisputed).toEqual({ checked: 2, recorded: 1, notSettled: 1, unreadable: 0 });
    expect((await outcomes(shop)).map((o) => [o.orderId, o.label, o.source])).toEqual([[good, "good", "undisputed"]]);
    expect(await outcomes(`other-${shop}`)).toEqual([]);
    // Idempotent: again over the same window records nothing new.
    expect(await sweepUndisputed(db(), p.gateway, shop, now + 1000)).toMatchObject({ recorded: 0 });
    expect(await outcomes(shop)).toHaveLength(1);
    void [unfulfilled, disputed, young];
  });

  it("the refit job writes version n+1 from the shop's labelled orders only; screening uses the newest version and records it", async () => {
    const { p, shop } = await start();
    const other = `refit-other-${n}.myshopify.com`;
    // 30 labelled orders of this shop (one with rows that do not parse), 5 of another shop.
    for (let i = 0; i < 30; i++) {
      const orderId = String(5000 + i);
      await screened(shop, orderId, i === 29 ? { outcomes: "{not json" } : { features: { account_instant_purchase: i % 3 === 0 ? 1 : 0, order_value: 1 } });
      await recordOutcome(db(), { shop, orderId, label: i % 3 === 0 ? "fraud" : "good", source: "staff" });
    }
    for (let i = 0; i < 5; i++) {
      await screened(other, String(5000 + i), { features: { order_value: 1 } });
      await recordOutcome(db(), { shop: other, orderId: String(5000 + i), label: "fraud", source: "staff" });
    }
    // The outcomes enqueued the shops' refit jobs (one per shop and slot), which the worker ran.
    await p.drain();
    const job = await db().job.findFirstOrThrow({ where: { shop, kind: REFIT_SHOP_MODEL } });
    expect(JSON.parse(job.payload)).toMatchObject({ slot: expect.any(Number), version: expect.any(Number) });
    expect(job.state).toBe("done");
    // One job per slot (two only if the test crossed a slot boundary), one version per job.
    const jobs = await db().job.count({ where: { shop, kind: REFIT_SHOP_MODEL } });
    expect(jobs).toBeGreaterThanOrEqual(1);
    expect(jobs).toBeLessThanOrEqual(2);
    const first = await db().shopModelAdjustment.findFirstOrThrow({ where: { shop }, orderBy: { version: "desc" } });
    expect(first.version).toBe(jobs);
    // The other shop's versions (its job may have run after its first outcome) saw its own labels only:
    // all fraud, at most 5; a refit of it now sees exactly its 5.
    const others = await db().shopModelAdjustment.findMany({ where: { shop: other } });
    expect(others.length).toBeGreaterThanOrEqual(1);
    for (const r of others) expect([r.labels <= 5, r.fraudLabels === r.labels, r.goodLabels]).toEqual([true, true, 0]);
    expect(await refitShopModel(db(), other, new Date())).toMatchObject({ labels: 5, fraudLabels: 5, goodLabels: 0, skipped: 0 });

    // A refit now sees all of this shop's labelled orders (the row that does not parse skipped, counted): version 2.
    const v2 = await refitShopModel(db(), shop, new Date());
    expect(v2).toMatchObject({ version: jobs + 1, labels: 29, fraudLabels: 10, goodLabels: 19, skipped: 1 });
    const stored = await db().shopModelAdjustment.findUniqueOrThrow({ where: { shop_version: { shop, version: jobs + 1 } } });
    expect([stored.labels, stored.fraudLabels, stored.goodLabels, stored.skipped, stored.modelVersion]).toEqual([29, 10, 19, 1, DEFAULT_MODEL.version]);
    expect(JSON.parse(stored.offsets)).toEqual(v2.offsets);
    expect(await db().auditEvent.count({ where: { shop, kind: "model_refit" } })).toBe(jobs + 1);
    // Up to date: reconciliation asks for nothing. A later outcome (after this slot's refit ran): it asks for one, the job writes version 3.
    expect(await refitIfStale(db(), shop, Date.now())).toBe(false);
    const later = Date.now() + REFIT_SLOT_MS;
    await recordOutcome(db(), { shop, orderId: "5001", label: "fraud", source: "staff" }, { now: new Date(later) });
    expect(await refitIfStale(db(), shop, later)).toBe(true);
    await p.drain();
    expect((await db().shopModelAdjustment.findMany({ where: { shop }, orderBy: { version: "asc" } })).map((r) => r.version)).toEqual(Array.from({ length: jobs + 2 }, (_, i) => i + 1));

    // A version with a large intercept, as a later refit could write: the next screening uses it.
    const top = jobs + 3;
    await db().shopModelAdjustment.create({ data: { shop, version: top, intercept: 1.5, offsets: JSON.stringify({ order_value: 0.3 }), labels: 999, fraudLabels: 500, goodLabels: 499, modelVersion: DEFAULT_MODEL.version } });
    expect(await loadShopAdjustment(db(), shop)).toEqual({ version: top, intercept: 1.5, offsets: { order_value: 0.3 }, labels: 999 });
    expect(await loadShopAdjustment(db(), `none-${shop}`)).toBeUndefined();
    const order = p.store.addOrder(factory.legit().draft);
    expect((await p.deliver(p.sender.ordersCreate(shop, order.id))).status).toBe(200);
    await p.drain();
    const s = await db().orderScreening.findUniqueOrThrow({ where: { shop_orderId: { shop, orderId: String(order.id) } } });
    expect(s.adjustmentVersion).toBe(top);
    const rows = JSON.parse(s.outcomes) as { id: string; outcome: "hit"; feature: number; contribution: number }[];
    const adjusted = { ...defaultRuleset(), adjustment: { version: top, intercept: 1.5, offsets: { order_value: 0.3 }, labels: 999 } };
    expect(s.probability).toBeCloseTo(probabilityFromLogit(logitFromOutcomes(rows, adjusted), adjusted), 5);
    expect(s.probability!).toBeGreaterThan(probabilityFromLogit(logitFromOutcomes(rows, defaultRuleset()), defaultRuleset()));
    // An adjustment fitted for another model version is not applied.
    await db().shopModelAdjustment.create({ data: { shop, version: top + 1, intercept: 1, offsets: "{}", labels: 1, fraudLabels: 1, goodLabels: 0, modelVersion: "v0" } });
    expect(await loadShopAdjustment(db(), shop)).toBeUndefined();
  });
});
