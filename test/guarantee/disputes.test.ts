// Disputes become claims, on both databases, through Holdfast's real webhook intake, job queue,
// worker and Admin gateway against the store emulator: each reason and status path, the exclusions,
// waiting for a screening, currencies, an uncapped JPY claim, evidence, and the operator's payout.
// Guarantees are recorded here directly (the screening records them in production).
import { afterAll, expect, it } from "vitest";
import { describeEachDb } from "../support/db";
import { startPipeline, type Pipeline } from "../support/pipeline";
import { OrderFactory } from "../../emulator/index";
import type { DisputeReason, Order } from "../../emulator/types";
import { enqueue, wake } from "../../app/jobs/queue.server";
import { recordDispute, type DisputeJobPayload } from "../../app/guarantee/disputes.server";
import type { AdminGateway } from "../../app/shopify/gateway.server";
import { claimsCsv, payClaim } from "../../app/guarantee/claims.server";
import { runClaims } from "../../scripts/claims";
import { reconcileShop } from "../../app/screening/reconcile.server";

describeEachDb("disputes into claims", (get) => {
  let n = 0;
  const factory = new OrderFactory({ seed: 13 });
  let p: Pipeline;
  let shop: string;
  const pipelines: Pipeline[] = [];
  const db = () => get().db;
  const fresh = async (settings: { coverNotReceived?: boolean; evidenceSubmitDays?: number | null } = {}) => {
    await p?.stop();
    shop = `claims-${++n}.myshopify.com`;
    p = await startPipeline(get().db, shop);
    pipelines.push(p);
    await db().shop.update({ where: { shop }, data: settings });
    return p;
  };
  afterAll(async () => {
    for (const x of pipelines) await x.stop();
  });

  /** An order in the emulator, with a screening and a guarantee recorded as the screening would. */
  const order = async (g: { state?: string; reason?: string | null; amount?: string; screened?: boolean } = {}): Promise<Order> => {
    const o = p.store.addOrder(factory.legit().draft);
    if (g.screened === false) return o;
    const orderId = String(o.id);
    await db().orderScreening.create({
      data: {
        shop, orderId, orderName: o.name, status: "acted", verdict: "ship", score: 120, threshold: 600, riskLevel: "LOW", decidedBy: "model",
        rulesetVersion: "r1", modelVersion: "m1", reasons: JSON.stringify({ en: ["Card verified (CVV match)", "Returning customer"], ja: [] }),
        outcomes: "[]", riskFacts: "[]", facts: "{}", orderCreatedAt: new Date(o.createdAt), guarantee: g.state ?? "active",
      },
    });
    const data = {
      revision: 0, state: g.state ?? "active", reason: g.reason ?? null, amount: g.amount ?? "100.00", currency: o.currency, feeRate: "0.005", fee: "0.50",
    };
    await db().guarantee.upsert({ where: { shop_orderId: { shop, orderId } }, create: { shop, orderId, ...data }, update: data });
    return o;
  };
  const open = async (o: Order, draft: Parameters<Pipeline["store"]["addDispute"]>[1] = {}) => {
    const d = p.store.addDispute(o.id, draft);
    expect((await p.deliver(p.sender.disputesCreate(shop, d.id))).status).toBe(200);
    await p.drain();
    return d;
  };
  const update = async (id: number, patch: Parameters<Pipeline["store"]["updateDispute"]>[1]) => {
    p.store.updateDispute(id, patch);
    expect((await p.deliver(p.sender.disputesUpdate(shop, id))).status).toBe(200);
    await p.drain();
  };
  const dispute = (id: number) => db().dispute.findUniqueOrThrow({ where: { shop_disputeId: { shop, disputeId: String(id) } } });
  const claim = (id: number) => db().claim.findUnique({ where: { shop_disputeId: { shop, disputeId: String(id) } } });
  const events = async (id: number) => {
    const c = await claim(id);
    if (!c) return [];
    return (await db().claimEvent.findMany({ where: { shop, claimId: c.id }, orderBy: { at: "asc" } })).map((e) => [e.fromState, e.toState, e.source]);
  };
  const ledger = () => db().ledgerEntry.findMany({ where: { shop }, orderBy: { key: "asc" } });
  const io = () => {
    const lines = { out: [] as string[], err: [] as string[] };
    return { lines, io: { out: (l: string) => lines.out.push(l), err: (l: string) => lines.err.push(l) } };
  };

  it("fraudulent chargeback on a guaranteed order: claim opened from the Admin API's dispute, evidence saved; lost -> approved -> paid by the operator", async () => {
    await fresh();
    const o = await order();
    const d = await open(o, { reason: "FRAUDULENT", amount: "100.00" });
    const row = await dispute(d.id);
    expect([row.coverage, row.coverageReason, row.reason, row.rawReason, row.status, row.rawStatus]).toEqual(["claim", "claim.opened", "fraudulent", "FRAUDULENT", "needs_response", "NEEDS_RESPONSE"]);
    expect(row.evidenceDueBy?.toISOString()).toBe(new Date(d.evidenceDueBy).toISOString());
    const c = (await claim(d.id))!;
    expect([c.state, c.amount, c.currency, c.orderId, c.guaranteeAmount, c.guaranteeCurrency]).toEqual(["open", "100", o.currency, String(o.id), "100.00", o.currency]);
    expect(await events(d.id)).toEqual([[null, "open", "webhook"]]);
    // Evidence saved, not submitted.
    expect([row.evidenceState, d.evidence.submitted]).toEqual(["saved", false]);
    expect(d.evidence.text.uncategorizedText).toContain("Card verified (CVV match)");
    expect(d.evidence.text.uncategorizedText).toContain("approved (risk score 120/1000");
    expect(d.evidence.text.accessActivityLog).toContain(`Order placed: ${o.createdAt}`);
    expect(d.evidence.text.customerEmailAddress).toBe(o.email);

    await update(d.id, { status: "UNDER_REVIEW" });
    expect((await claim(d.id))!.state).toBe("open");
    await update(d.id, { status: "LOST" });
    expect((await claim(d.id))!.state).toBe("approved");
    expect(await events(d.id)).toEqual([[null, "open", "webhook"], ["open", "approved", "webhook"]]);
    expect((await ledger()).map((e) => [e.key, e.kind, e.state, e.amount])).toEqual([[`claim:${c.id}`, "claim_approved", "owed", "100"]]);

    const { lines, io: out } = io();
    expect(await runClaims(db(), ["pay", c.id, "--reference", "WIRE-2026-001"], out)).toBe(0);
    expect(lines.out[0]).toContain("paid claim");
    const paid = (await claim(d.id))!;
    expect([paid.state, paid.payoutReference]).toEqual(["paid", "WIRE-2026-001"]);
    expect((await events(d.id)).at(-1)).toEqual(["approved", "paid", "operator"]);
    expect((await ledger()).map((e) => [e.key, e.kind, e.state, e.amount])).toEqual([
      [`claim:${c.id}`, "claim_approved", "paid", "100"], [`payout:${c.id}`, "claim_paid", "paid", "100"],
    ]);
    // Paying twice is refused, changing nothing.
    const again = io();
    expect(await runClaims(db(), ["pay", c.id, "--reference", "WIRE-2"], again.io)).toBe(1);
    expect(again.lines.err[0]).toMatch(/already paid \(reference WIRE-2026-001\)/);
    expect(await ledger()).toHaveLength(2);
    // A late redelivery of an earlier state moves nothing back.
    await update(d.id, {});
    expect((await claim(d.id))!.state).toBe("paid");
  });

  it("won -> closed, nothing owed; a closed or open claim cannot be paid", async () => {
    await fresh();
    const d = await open(await order(), { reason: "UNRECOGNIZED" });
    const c = (await claim(d.id))!;
    await expect(payClaim(db(), c.id, "R1")).rejects.toThrow(/is open: only an approved claim can be paid/);
    await update(d.id, { status: "WON" });
    expect((await claim(d.id))!.state).toBe("closed");
    expect(await events(d.id)).toEqual([[null, "open", "webhook"], ["open", "closed", "webhook"]]);
    expect(await ledger()).toEqual([]);
    const { lines, io: out } = io();
    expect(await runClaims(db(), ["pay", c.id, "--reference", "R1"], out)).toBe(1);
    expect(lines.err[0]).toMatch(/is closed/);
    expect(await runClaims(db(), ["pay", "nope", "--reference", "R1"], out)).toBe(1);
  });

  it("prevented -> closed; accepted -> approved", async () => {
    await fresh();
    const a = await open(await order());
    await update(a.id, { status: "PREVENTED" });
    const b = await open(await order());
    await update(b.id, { status: "ACCEPTED" });
    expect([(await claim(a.id))!.state, (await claim(b.id))!.state]).toEqual(["closed", "approved"]);
  });

  it("an amount change updates the claim and what is owed", async () => {
    await fresh();
    const d = await open(await order(), { amount: "100.00" });
    await update(d.id, { amount: "60.00" });
    expect((await claim(d.id))!.amount).toBe("60");
    await update(d.id, { status: "LOST", amount: "60.50" });
    const c = (await claim(d.id))!;
    expect([c.state, c.amount]).toEqual(["approved", "60.5"]);
    expect((await ledger()).map((e) => e.amount)).toEqual(["60.5"]);
    expect((await events(d.id)).map((e) => [e[0], e[1]])).toEqual([[null, "open"], ["open", "open"], ["open", "open"], ["open", "approved"]]);
  });

  it("product_not_received: not covered by default; with the shop's setting, covered only once the order reads delivered", async () => {
    await fresh();
    const off = await open(await order(), { reason: "PRODUCT_NOT_RECEIVED" });
    expect([(await dispute(off.id)).coverageReason, await claim(off.id)]).toEqual(["claim.reason_not_covered", null]);
    await db().shop.update({ where: { shop }, data: { coverNotReceived: true } });
    const shipped = await order();
    p.store.fulfill(shipped);
    const notYet = await open(shipped, { reason: "PRODUCT_NOT_RECEIVED" });
    expect([(await dispute(notYet.id)).coverageReason, await claim(notYet.id)]).toEqual(["claim.not_received_not_delivered", null]);
    const delivered = await order();
    p.store.fulfill(delivered);
    p.store.markDelivered(delivered);
    const yes = await open(delivered, { reason: "PRODUCT_NOT_RECEIVED" });
    expect([(await dispute(yes.id)).coverage, (await claim(yes.id))?.state]).toEqual(["claim", "open"]);
  });

  it("other reasons are recorded with why they are not covered", async () => {
    await fresh();
    for (const reason of ["PRODUCT_UNACCEPTABLE", "CREDIT_NOT_PROCESSED", "DUPLICATE", "SUBSCRIPTION_CANCELLED", "GENERAL"] as DisputeReason[]) {
      const d = await open(await order(), { reason });
      const row = await dispute(d.id);
      expect([row.coverage, row.coverageReason, row.rawReason, await claim(d.id)]).toEqual(["not_covered", "claim.reason_not_covered", reason, null]);
      expect(row.coverageNote).toContain(reason.toLowerCase());
    }
    expect(await db().claim.count({ where: { shop } })).toBe(0);
  });

  it("a reason or status Shopify adds later: the raw value is kept; an unknown reason is not covered, an unknown status keeps the claim open", async () => {
    await fresh();
    const o = await order();
    const d = p.store.addDispute(o.id, { reason: "FRAUDULENT" });
    // The real schema's enum cannot carry a value it does not know: this stands in for a newer API's answer.
    const answer = (reason: string, status: string) => ({
      request: async () => ({
        dispute: {
          id: `gid://shopify/ShopifyPaymentsDispute/${d.id}`, type: "CHARGEBACK", status, initiatedAt: d.initiatedAt, evidenceDueBy: d.evidenceDueBy,
          amount: { amount: "100.00", currencyCode: o.currency }, reasonDetails: { reason },
          order: { id: `gid://shopify/Order/${o.id}`, displayFulfillmentStatus: "UNFULFILLED", fulfillments: [] },
        },
      }),
    }) as unknown as AdminGateway;
    const payload: DisputeJobPayload = { disputeId: String(d.id), status: "x", source: "webhook" };
    await recordDispute({ db: db(), gateway: answer("ALIEN_ABDUCTION", "NEEDS_RESPONSE") }, shop, payload);
    let row = await dispute(d.id);
    expect([row.reason, row.rawReason, row.coverageReason, await claim(d.id)]).toEqual(["unknown", "ALIEN_ABDUCTION", "claim.reason_unknown", null]);
    expect(row.coverageNote).toContain("ALIEN_ABDUCTION");
    await recordDispute({ db: db(), gateway: answer("FRAUDULENT", "NEEDS_RESPONSE") }, shop, payload);
    await recordDispute({ db: db(), gateway: answer("FRAUDULENT", "PAUSED_BY_BANK") }, shop, payload);
    row = await dispute(d.id);
    expect([row.status, row.rawStatus, (await claim(d.id))?.state]).toEqual(["unknown", "PAUSED_BY_BANK", "open"]);
    expect(row.coverageNote).toContain("PAUSED_BY_BANK");
    expect(await ledger()).toEqual([]);
  });

  it("an inquiry is recorded without a claim, and decided when it becomes a chargeback", async () => {
    await fresh();
    const d = await open(await order(), { type: "INQUIRY", reason: "FRAUDULENT" });
    expect([(await dispute(d.id)).coverageReason, await claim(d.id)]).toEqual(["claim.inquiry", null]);
    p.store.turnIntoChargeback(d.id);
    expect((await p.deliver(p.sender.disputesUpdate(shop, d.id))).status).toBe(200);
    await p.drain();
    expect([(await dispute(d.id)).type, (await dispute(d.id)).coverage, (await claim(d.id))?.state]).toEqual(["chargeback", "claim", "open"]);
  });

  it("not guaranteed (held, void) and not screened: no claim, each with its reason", async () => {
    await fresh();
    const held = await open(await order({ state: "none", reason: "guarantee.held" }));
    const heldRow = await dispute(held.id);
    expect([heldRow.coverageReason, heldRow.coverageNote]).toEqual(["claim.not_guaranteed", "No claim: the order was not guaranteed (Not guaranteed: the order is on hold for review.)."]);
    const voided = await open(await order({ state: "void", reason: "guarantee.void_cancelled" }));
    expect((await dispute(voided.id)).coverageReason).toBe("claim.not_guaranteed");
    const unscreened = await open(await order({ screened: false }));
    expect((await dispute(unscreened.id)).coverageReason).toBe("claim.not_screened");
    expect(await db().claim.count({ where: { shop } })).toBe(0);
  });

  it("a dispute for an order still being screened waits, then is decided once the guarantee is recorded", async () => {
    await fresh();
    const o = await order({ screened: false });
    // The order's screening job is queued (e.g. waiting for its shop's budget).
    await enqueue(db(), { shop, kind: "screen_order", dedupeKey: `order:${o.id}:screen:0`, payload: { orderId: String(o.id), revision: 0, reason: "reconcile" }, runAt: new Date(Date.now() + 3_600_000) });
    const d = await open(o);
    expect([(await dispute(d.id)).coverage, await claim(d.id)]).toEqual(["waiting", null]);
    const job = await db().job.findFirstOrThrow({ where: { shop, kind: "record_dispute" } });
    // Waiting is not a failed attempt.
    expect([job.state, job.attempts, job.lastError]).toEqual(["queued", 0, expect.stringMatching(/^DeferJob: dispute \d+: order \d+ is still being screened/)]);
    // Read again while still waiting: no new audit event for the same state.
    const audits = () => db().auditEvent.count({ where: { shop, kind: "dispute" } });
    const before = await audits();
    await recordDispute({ db: db(), gateway: p.gateway }, shop, { disputeId: String(d.id), status: "needs_response", source: "reconcile" }).catch((e: unknown) => expect(String(e)).toMatch(/still being screened/));
    expect(await audits()).toBe(before);
    // The screening ends and records the guarantee; the dispute's job runs again.
    await db().job.updateMany({ where: { shop, kind: "screen_order" }, data: { state: "done" } });
    await db().guarantee.create({ data: { shop, orderId: String(o.id), revision: 0, state: "active", amount: "100.00", currency: o.currency, feeRate: "0.005", fee: "0.50" } });
    expect(await wake(db(), shop, job.id)).toBe(true);
    p.worker["poke"]();
    await p.drain();
    expect([(await dispute(d.id)).coverage, (await claim(d.id))?.state]).toEqual(["claim", "open"]);
  });

  it("not screened, then screened later: a later event of the dispute decides again", async () => {
    await fresh();
    const o = await order({ screened: false });
    const d = await open(o);
    expect((await dispute(d.id)).coverageReason).toBe("claim.not_screened");
    await db().guarantee.create({ data: { shop, orderId: String(o.id), revision: 0, state: "active", amount: "100.00", currency: o.currency, feeRate: "0.005", fee: "0.50" } });
    await update(d.id, { status: "UNDER_REVIEW" });
    expect([(await dispute(d.id)).coverage, (await claim(d.id))?.state]).toEqual(["claim", "open"]);
  });

  it("a dispute in another currency: the claim is the disputed amount in the dispute's currency, the guarantee's recorded beside it", async () => {
    await fresh();
    const o = await order({ amount: "15000" });
    const d = await open(o, { amount: "98.40", currency: "EUR" });
    const c = (await claim(d.id))!;
    expect([c.amount, c.currency, c.guaranteeAmount, c.guaranteeCurrency]).toEqual(["98.4", "EUR", "15000", o.currency]);
    await update(d.id, { status: "LOST" });
    expect((await ledger()).map((e) => [e.amount, e.currency])).toEqual([["98.4", "EUR"]]);
  });

  it("a claim of JPY 12,000,000 is carried exactly, approved and paid, with no cap", async () => {
    await fresh();
    const o = await order({ amount: "12000000" });
    const d = await open(o, { amount: "12000000", currency: "JPY" });
    await update(d.id, { status: "LOST" });
    const c = (await claim(d.id))!;
    expect([c.state, c.amount, c.currency]).toEqual(["approved", "12000000", "JPY"]);
    await payClaim(db(), c.id, "JP-WIRE-1");
    expect((await ledger()).map((e) => [e.kind, e.amount, e.currency])).toEqual([["claim_approved", "12000000", "JPY"], ["claim_paid", "12000000", "JPY"]]);
    const csv = await claimsCsv(db(), shop);
    expect(csv.split("\n")[1]).toContain(`${c.id},${shop},${o.id},${d.id},paid,12000000,JPY,12000000,${o.currency},fraudulent,lost,`);
    const { lines, io: out } = io();
    expect(await runClaims(db(), ["list", "--shop", shop, "--state", "paid"], out)).toBe(0);
    expect(lines.out).toEqual([expect.stringContaining("12000000 JPY"), "1 claim(s)"]);
  });

  it("evidence past its due date: Shopify's userError is recorded and shown, not retried; the claim stands", async () => {
    await fresh();
    const d = await open(await order(), { evidenceDueBy: new Date(Date.now() - 60_000).toISOString(), initiatedAt: new Date(Date.now() - 20 * 86_400_000).toISOString() });
    const row = await dispute(d.id);
    expect([row.evidenceState, row.evidenceError]).toEqual(["failed", "EVIDENCE_PAST_DUE_DATE: Evidence past due date."]);
    const job = await db().job.findFirstOrThrow({ where: { shop, kind: "file_evidence" } });
    expect([job.state, job.attempts]).toEqual(["done", 1]);
    expect(await db().auditEvent.count({ where: { shop, kind: "dispute_evidence", message: { contains: "EVIDENCE_PAST_DUE_DATE" } } })).toBe(1);
    expect((await claim(d.id))?.state).toBe("open");
  });

  it("with evidenceSubmitDays, the saved evidence is submitted that many days before the due date, unless someone already has", async () => {
    await fresh({ evidenceSubmitDays: 3 });
    const due = new Date(Date.now() + 10 * 86_400_000);
    const d = await open(await order(), { evidenceDueBy: due.toISOString() });
    expect([(await dispute(d.id)).evidenceState, d.evidence.submitted]).toEqual(["saved", false]);
    const submit = await db().job.findFirstOrThrow({ where: { shop, kind: "file_evidence", dedupeKey: `evidence:${d.id}:submit` } });
    expect(submit.runAt.toISOString()).toBe(new Date(due.getTime() - 3 * 86_400_000).toISOString());
    await wake(db(), shop, submit.id);
    p.worker["poke"]();
    await p.drain();
    expect([d.evidence.submitted, d.status, (await dispute(d.id)).evidenceState]).toEqual([true, "UNDER_REVIEW", "submitted"]);
    expect(p.emulator.log.count("disputeEvidenceUpdate", shop)).toBe(2);

    // The merchant submitted their own first: Holdfast's submission changes nothing.
    const e = await open(await order(), { evidenceDueBy: due.toISOString() });
    p.store.updateDisputeEvidence(e, { submit: true });
    const second = await db().job.findFirstOrThrow({ where: { shop, kind: "file_evidence", dedupeKey: `evidence:${e.id}:submit` } });
    await wake(db(), shop, second.id);
    p.worker["poke"]();
    await p.drain();
    expect(p.emulator.log.count("disputeEvidenceUpdate", shop)).toBe(3);
    expect((await dispute(e.id)).evidenceState).toBe("submitted");
  });

  it("decides from the Admin API's dispute, never from the webhook body: a body saying lost does not approve a claim Shopify says is open", async () => {
    await fresh();
    const d = await open(await order());
    p.store.updateDispute(d.id, { status: "LOST" });
    const lying = p.sender.disputesUpdate(shop, d.id); // signed, and says "lost"
    p.store.updateDispute(d.id, { status: "NEEDS_RESPONSE", finalizedOn: null });
    expect((await p.deliver(lying)).status).toBe(200);
    await p.drain();
    expect(await db().job.count({ where: { shop, kind: "record_dispute", dedupeKey: { contains: ":lost:" }, state: "done" } })).toBe(1);
    expect([(await dispute(d.id)).status, (await claim(d.id))?.state]).toEqual(["needs_response", "open"]);
    expect(await ledger()).toEqual([]);
  });

  it("a claim once opened follows its dispute to the end, even if the guarantee is voided after the dispute opened", async () => {
    await fresh();
    const o = await order();
    const d = await open(o);
    await db().guarantee.update({ where: { shop_orderId: { shop, orderId: String(o.id) } }, data: { state: "void", reason: "guarantee.void_cancelled" } });
    await update(d.id, { status: "LOST" });
    expect([(await dispute(d.id)).coverage, (await claim(d.id))?.state]).toEqual(["claim", "approved"]);
  });

  it("a dispute id this shop's Admin API does not know (a body replayed from another shop) records nothing", async () => {
    await fresh();
    const r = await recordDispute({ db: db(), gateway: p.gateway }, shop, { disputeId: "999999999", status: "needs_response", source: "webhook" });
    expect(r.outcome).toBe("not_found");
    expect(await db().dispute.count({ where: { shop } })).toBe(0);
  });

  it("reconciliation finds a dispute whose webhooks were lost and decides it the same way", async () => {
    await fresh();
    const d = p.store.addDispute((await order()).id, { reason: "FRAUDULENT", initiatedAt: new Date(Date.now() - 10 * 60_000).toISOString() });
    p.store.updateDispute(d.id, { status: "LOST" });
    const r = await reconcileShop(db(), p.gateway, shop, Date.now());
    expect(r.disputesEnqueued).toBe(1);
    p.worker["poke"]();
    await p.drain();
    expect((await claim(d.id))?.state).toBe("approved");
    expect(await events(d.id)).toEqual([[null, "open", "reconcile"], ["open", "approved", "reconcile"]]);
    // Already decided when Holdfast first saw it: no evidence to file, and no failure to report.
    expect((await dispute(d.id)).evidenceState).toBeNull();
    expect(p.emulator.log.count("disputeEvidenceUpdate", shop)).toBe(0);
    expect((await reconcileShop(db(), p.gateway, shop, Date.now())).disputesEnqueued).toBe(0);
  });

  it("reconciliation reads an older dispute that is not final again, so a lost disputes/update still settles its claim", async () => {
    await fresh();
    const d = p.store.addDispute((await order()).id, { reason: "FRAUDULENT", initiatedAt: new Date(Date.now() - 10 * 60_000).toISOString() });
    expect((await reconcileShop(db(), p.gateway, shop, Date.now())).disputesEnqueued).toBe(1);
    p.worker["poke"]();
    await p.drain();
    expect((await claim(d.id))?.state).toBe("open");
    // The dispute is won; its disputes/update never arrives.
    p.store.updateDispute(d.id, { status: "WON" });
    // Soon after: initiated before the watermark and read a moment ago, so not read again.
    expect((await reconcileShop(db(), p.gateway, shop, Date.now() + 60_000)).disputesReread ?? 0).toBe(0);
    // Hours later it is read again, once per slot however many passes run.
    const later = Date.now() + 7 * 3_600_000;
    expect((await reconcileShop(db(), p.gateway, shop, later)).disputesReread).toBe(1);
    expect((await reconcileShop(db(), p.gateway, shop, later + 60_000)).disputesReread ?? 0).toBe(0);
    p.worker["poke"]();
    await p.drain();
    expect((await claim(d.id))?.state).toBe("closed");
    // Final now: never read again.
    expect((await reconcileShop(db(), p.gateway, shop, Date.now() + 14 * 3_600_000)).disputesReread ?? 0).toBe(0);
  });
});
