// Staff decisions through the real pipeline (in process, both databases): the request is audited and
// queued once per order revision, the staff_decision job records the new revision with its guarantee
// and applies its store actions in the emulator; duplicates and a re-run after a crash act once.
import { afterAll, expect, it } from "vitest";
import { OrderFactory, type GeneratedOrder } from "../../emulator/index";
import { recordOutcome } from "../../app/learning/outcomes.server";
import { HOLD_HANDLE, HOLD_TAG, SHIP_TAG } from "../../app/screening/store-actions.server";
import { NotScreenedError, STAFF_DECISION, StaffDecider, StaffDecisionPayload, requestStaffDecision } from "../../app/screening/staff-decision.server";
import { SCREEN_ORDER } from "../../app/screening/intake.server";
import type { AdminGateway } from "../../app/shopify/gateway.server";
import { describeEachDb } from "../support/db";
import { startPipeline, type Pipeline } from "../support/pipeline";

describeEachDb("staff decisions through the pipeline", (get) => {
  let n = 0;
  const factory = new OrderFactory({ seed: 1515 });
  let p: Pipeline;
  let shop: string;
  const pipelines: Pipeline[] = [];
  const db = () => get().db;
  const fresh = async () => {
    await p?.stop();
    shop = `staff-decision-${++n}.myshopify.com`;
    p = await startPipeline(db(), shop);
    pipelines.push(p);
  };
  afterAll(async () => {
    for (const x of pipelines) await x.stop();
  });
  const place = async (g: GeneratedOrder, list?: "block" | "allow") => {
    if (list) await db().listEntry.create({ data: { shop, list, kind: "email", value: g.draft.email!.toLowerCase() } });
    const order = p.store.addOrder(g.draft);
    expect((await p.deliver(p.sender.ordersCreate(shop, order.id))).status).toBe(200);
    await p.drain();
    return String(order.id);
  };
  const screening = (orderId: string) => db().orderScreening.findUniqueOrThrow({ where: { shop_orderId: { shop, orderId } } });
  const guarantee = (orderId: string) => db().guarantee.findUniqueOrThrow({ where: { shop_orderId: { shop, orderId } } });
  const order = (orderId: string) => p.store.requireOrder(Number(orderId));
  const ourHolds = (orderId: string) => order(orderId).fulfillmentOrders.flatMap((fo) => fo.holds.filter((h) => h.handle === HOLD_HANDLE));
  const tagCalls = (orderId: string) => p.emulator.log.calls("tagsAdd", shop).filter((c) => JSON.stringify(c.variables).includes(`Order/${orderId}`)).length;
  const audits = (orderId: string) => db().auditEvent.findMany({ where: { shop, orderId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  /** Run what is queued now and what a deferral put off (a cancel waits for Shopify's job). */
  const settle = async () => {
    for (let i = 0; i < 10; i++) {
      await p.drain();
      const later = await db().job.count({ where: { shop, state: "queued" } });
      if (later === 0) return;
      await new Promise((r) => setTimeout(r, 300));
      await db().job.updateMany({ where: { shop, state: "queued" }, data: { runAt: new Date() } });
      p.worker["poke"]();
    }
  };

  it("approving a held order ships it without the guarantee, once, however often it is asked", async () => {
    await fresh();
    const id = await place(factory.fraud("card_testing"), "block");
    expect((await screening(id)).verdict).toBe("hold");
    expect(order(id).tags).toContain(HOLD_TAG);
    expect(ourHolds(id).length).toBeGreaterThan(0);
    const tagsBefore = tagCalls(id);

    const first = await requestStaffDecision(db(), shop, { orderId: id, intent: "approve", actor: "staff:42", note: "known customer" });
    const again = await requestStaffDecision(db(), shop, { orderId: id, intent: "approve", actor: "staff:42" });
    expect(first).toMatchObject({ status: "queued", revision: 1 });
    expect(again).toMatchObject({ status: "already_queued", jobId: first.status === "queued" ? first.jobId : "" });
    // Another decision while this one is pending waits.
    expect(await requestStaffDecision(db(), shop, { orderId: id, intent: "decline", actor: "staff:42" })).toMatchObject({ status: "busy" });
    await settle();

    const s = await screening(id);
    expect([s.verdict, s.decidedBy, s.revision, s.status, s.guarantee]).toEqual(["ship", "staff", 1, "acted", "none"]);
    const g = await guarantee(id);
    expect([g.state, g.reason, g.revision]).toEqual(["none", "guarantee.approved_by_staff", 1]);
    expect(order(id).tags).toContain(SHIP_TAG);
    expect(order(id).tags).not.toContain(HOLD_TAG);
    expect(ourHolds(id)).toEqual([]);
    expect(tagCalls(id) - tagsBefore).toBe(1);
    const kinds = (await audits(id)).filter((a) => a.actor === "staff:42").map((a) => a.kind);
    expect(kinds.filter((k) => k === "staff_approve")).toHaveLength(1);
    expect(kinds).toEqual(expect.arrayContaining(["staff_approve", "staff_decision", "staff_decision_applied"]));
    expect((await audits(id)).find((a) => a.kind === "staff_approve")!.message).toContain("known customer");
    expect(await db().job.count({ where: { shop, kind: STAFF_DECISION } })).toBe(1);

    // Approving it again is already done; the store is not touched again.
    expect(await requestStaffDecision(db(), shop, { orderId: id, intent: "approve", actor: "staff:42" })).toMatchObject({ status: "already_done" });
    await settle();
    expect(tagCalls(id) - tagsBefore).toBe(1);
  });

  it("declining an approved, guaranteed order holds it and voids the guarantee; with cancel, cancels it once", async () => {
    await fresh();
    const id = await place(factory.legit(), "allow");
    expect((await guarantee(id)).state).toBe("active");
    // Holdfast approved it: there is nothing for a person to approve.
    expect(await requestStaffDecision(db(), shop, { orderId: id, intent: "approve", actor: "staff:7" })).toMatchObject({ status: "refused", reason: "staff.refused.not_held" });
    const r = await requestStaffDecision(db(), shop, { orderId: id, intent: "decline", cancel: true, actor: "staff:7", note: "chargeback risk" });
    expect(r.status).toBe("queued");
    await settle();
    const s = await screening(id);
    expect([s.verdict, s.decidedBy, s.revision, s.status, s.guarantee]).toEqual(["hold", "staff", 1, "acted", "void"]);
    expect((await guarantee(id)).reason).toBe("guarantee.void_declined_by_staff");
    // The fee: charged in the pipeline before the decline, so credited (once); never charged twice.
    const fee = await db().ledgerEntry.findUniqueOrThrow({ where: { shop_key: { shop, key: `fee:${id}` } } });
    const credit = await db().ledgerEntry.findUnique({ where: { shop_key: { shop, key: `credit:${id}` } } });
    if (fee.state === "charged") expect(credit).toMatchObject({ kind: "fee_credit", state: "open", amount: fee.billedAmount });
    else expect(fee.state).toBe("void");
    expect(order(id).tags).toContain(HOLD_TAG);
    expect(order(id).tags).not.toContain(SHIP_TAG);
    expect(order(id).cancelledAt).not.toBeNull();
    expect(p.emulator.log.count("orderCancel", shop)).toBe(1);
    const cancel = await db().storeAction.findFirstOrThrow({ where: { shop, orderId: id, action: "cancel" } });
    expect(cancel.outcome).toBe("applied");
    // Run every job again: nothing is cancelled or tagged twice.
    await db().job.updateMany({ where: { shop }, data: { state: "queued", runAt: new Date() } });
    p.worker["poke"]();
    await settle();
    expect(p.emulator.log.count("orderCancel", shop)).toBe(1);
  });

  it("declining a held order with cancel cancels it; the holds that go with the cancel are not a person's release", async () => {
    await fresh();
    const id = await place(factory.fraud("card_testing"), "block");
    expect((await requestStaffDecision(db(), shop, { orderId: id, intent: "decline", cancel: true, actor: "staff:42" })).status).toBe("queued");
    await settle();
    expect(order(id).cancelledAt).not.toBeNull();
    expect(await db().storeAction.count({ where: { shop, orderId: id, action: "override" } })).toBe(0);
    expect((await guarantee(id)).reason).toBe("guarantee.held");
  });

  it("a decline without cancel keeps a held order held, and does not cancel it", async () => {
    await fresh();
    const id = await place(factory.fraud("card_testing"), "block");
    await requestStaffDecision(db(), shop, { orderId: id, intent: "decline", actor: "staff:7" });
    await settle();
    const s = await screening(id);
    expect([s.verdict, s.decidedBy, s.guarantee]).toEqual(["hold", "staff", "none"]);
    expect(order(id).cancelledAt).toBeNull();
    expect(ourHolds(id).length).toBeGreaterThan(0);
    expect(p.emulator.log.count("orderCancel", shop)).toBe(0);
    // Declining again is already done; declining with cancel then cancels (a new revision).
    expect(await requestStaffDecision(db(), shop, { orderId: id, intent: "decline", actor: "staff:7" })).toMatchObject({ status: "already_done" });
    expect(await requestStaffDecision(db(), shop, { orderId: id, intent: "decline", cancel: true, actor: "staff:7" })).toMatchObject({ status: "queued", revision: 2 });
    await settle();
    expect(order(id).cancelledAt).not.toBeNull();
    expect(await requestStaffDecision(db(), shop, { orderId: id, intent: "decline", cancel: true, actor: "staff:7" })).toMatchObject({ status: "already_done" });
    expect(p.emulator.log.count("orderCancel", shop)).toBe(1);
    // Cancelling belongs to a decline.
    expect(await requestStaffDecision(db(), shop, { orderId: id, intent: "rescreen", cancel: true, actor: "staff:7" })).toMatchObject({ status: "refused" });
  });

  it("a re-run after a crash mid-job reuses the persisted decision and never tags twice", async () => {
    await fresh();
    const id = await place(factory.fraud("card_testing"), "block");
    const tagsBefore = tagCalls(id);
    // A gateway that dies right after Shopify applied the tag (before Holdfast could record it).
    const crashing = {
      request: async (s: string, document: string, variables: Record<string, unknown>, signal?: AbortSignal) => {
        const answer = await p.gateway.request(s, document, variables, signal);
        if (document.includes("tagsAdd")) throw new Error("crash after tagsAdd");
        return answer;
      },
    } as unknown as AdminGateway;
    const payload = StaffDecisionPayload.parse({ orderId: id, revision: 1, decision: "approve", cancel: false, actor: "staff:42" });
    await expect(new StaffDecider({ db: db(), gateway: crashing }).run(shop, payload)).rejects.toThrow(/crash after tagsAdd/);
    expect((await screening(id))).toMatchObject({ revision: 1, verdict: "ship", decidedBy: "staff", status: "screened" });
    expect(order(id).tags).toContain(SHIP_TAG);

    const result = await new StaffDecider({ db: db(), gateway: p.gateway }).run(shop, payload);
    expect(result).toMatchObject({ outcome: "applied" });
    expect(tagCalls(id) - tagsBefore).toBe(1);
    expect(await db().storeAction.findFirst({ where: { shop, orderId: id, revision: 1, action: "tag", target: SHIP_TAG } })).toMatchObject({ outcome: "already" });
    expect((await screening(id)).status).toBe("acted");
    expect((await audits(id)).filter((a) => a.kind === "staff_decision")).toHaveLength(1);
    expect(ourHolds(id)).toEqual([]);
    // A third run (a retry after success) changes nothing.
    await new StaffDecider({ db: db(), gateway: p.gateway }).run(shop, payload);
    expect(tagCalls(id) - tagsBefore).toBe(1);
    expect((await audits(id)).filter((a) => a.kind === "staff_decision")).toHaveLength(1);
  });

  it("a decision overtaken by another revision is not applied", async () => {
    await fresh();
    const id = await place(factory.fraud("card_testing"), "block");
    await db().orderScreening.update({ where: { shop_orderId: { shop, orderId: id } }, data: { revision: 2 } });
    const payload = StaffDecisionPayload.parse({ orderId: id, revision: 1, decision: "approve", cancel: false, actor: "staff:42" });
    expect(await new StaffDecider({ db: db(), gateway: p.gateway }).run(shop, payload)).toMatchObject({ outcome: "superseded" });
    expect((await screening(id)).verdict).toBe("hold");
    expect(order(id).tags).not.toContain(SHIP_TAG);
  });

  it("re-screen enqueues screen_order with reason staff and the next revision; the engine decides again", async () => {
    await fresh();
    const id = await place(factory.fraud("card_testing"), "block");
    const r = await requestStaffDecision(db(), shop, { orderId: id, intent: "rescreen", actor: "staff:42" });
    expect(r).toMatchObject({ status: "queued", revision: 1 });
    const job = await db().job.findFirstOrThrow({ where: { shop, kind: SCREEN_ORDER, dedupeKey: `order:${id}:screen:1` } });
    expect(JSON.parse(job.payload)).toMatchObject({ orderId: id, revision: 1, reason: "staff" });
    await settle();
    const s = await screening(id);
    expect([s.revision, s.verdict, s.decidedBy]).toEqual([1, "hold", "block_list"]);
    expect((await audits(id)).map((a) => a.kind)).toEqual(expect.arrayContaining(["staff_rescreen", "rescreened"]));
  });

  it("a dead-lettered request that never saved its revision does not block the next one: it is replaced, and audited", async () => {
    await fresh();
    const id = await place(factory.fraud("card_testing"), "block");
    // An earlier decline whose job died before it saved anything (as when the order cannot be read).
    await db().job.create({
      data: {
        shop, kind: STAFF_DECISION, dedupeKey: `order:${id}:screen:1`, state: "dead", lastError: "order not readable", attempts: 8,
        payload: JSON.stringify({ orderId: id, revision: 1, decision: "decline", cancel: false, actor: "staff:42" }),
      },
    });
    const next = await requestStaffDecision(db(), shop, { orderId: id, intent: "approve", actor: "staff:42" });
    expect(next).toMatchObject({ status: "queued", revision: 1 });
    await settle();
    expect((await screening(id)).verdict).toBe("ship");
    expect(order(id).tags).toContain(SHIP_TAG);
    const audit = (await audits(id)).find((a) => a.kind === "staff_approve");
    expect(audit?.message).toContain("replaces an earlier staff_decision job of this revision (dead: order not readable)");
  });

  it("a guarantee a person voided by declining stays void when staff then re-screen and the engine approves", async () => {
    await fresh();
    const id = await place(factory.legit(), "allow");
    expect((await guarantee(id)).state).toBe("active");
    expect((await requestStaffDecision(db(), shop, { orderId: id, intent: "decline", actor: "staff:7" })).status).toBe("queued");
    await settle();
    expect((await guarantee(id)).state).toBe("void");
    expect((await requestStaffDecision(db(), shop, { orderId: id, intent: "rescreen", actor: "staff:7" })).status).toBe("queued");
    await settle();
    const s = await screening(id);
    // The engine approves it again (the allow list), but nothing covers it again and no fee is charged again.
    expect([s.revision, s.verdict, s.guarantee]).toEqual([2, "ship", "void"]);
    expect((await guarantee(id)).reason).toBe("guarantee.void_declined_by_staff");
    expect(await db().ledgerEntry.count({ where: { shop, kind: "fee", orderId: id } })).toBe(1);
  });

  it("only screened orders of the shop: another shop's order or an unknown one is refused", async () => {
    await fresh();
    const id = await place(factory.legit());
    await expect(requestStaffDecision(db(), "someone-else.myshopify.com", { orderId: id, intent: "decline", actor: "staff:1" })).rejects.toBeInstanceOf(NotScreenedError);
    await expect(requestStaffDecision(db(), shop, { orderId: "999999999", intent: "decline", actor: "staff:1" })).rejects.toBeInstanceOf(NotScreenedError);
    await expect(requestStaffDecision(db(), shop, { orderId: "12; drop", intent: "decline", actor: "staff:1" })).rejects.toThrow();
    // Outcomes are recorded for the shop's screened orders, idempotently.
    expect(await recordOutcome(db(), { shop, orderId: id, label: "fraud", source: "staff", actor: "staff:1" })).toMatchObject({ result: "recorded" });
    expect(await recordOutcome(db(), { shop, orderId: id, label: "fraud", source: "staff", actor: "staff:1" })).toMatchObject({ result: "unchanged" });
  });
});
