// The order receipt route (routes/app.orders.$orderId) against the built app, the emulator and its
// worker, with real session tokens: what the loader returns, 404s for other shops and bad ids, and
// each action reaching the store (emulator) and the database, once.
import { afterAll, beforeAll, expect, it } from "vitest";
import { OrderFactory } from "../../emulator/index";
import { HOLD_HANDLE, HOLD_TAG, SHIP_TAG } from "../../app/screening/store-actions.server";
import { describeEachDb } from "../support/db";
import { BROWSER_UA, startAdminApp, type AdminApp } from "../support/admin-app";

const ROUTE = "routes/app.orders.$orderId";

interface ReceiptData {
  order: { orderId: string; verdict: string; score: number; threshold: number; probability: number | null; decidedBy: string; revision: number };
  reasons: { en: string[]; ja: string[] } | null;
  signals: { rows: { id: string; contribution: number; reason: { en: string; ja: string } }[]; quiet: number } | null;
  facts: { label: string; type: string }[];
  coverage: { groups: number } | null;
  storeActions: { action: string; outcome: string }[];
  guarantee: { state: string; reason: string | null } | null;
  timeline: { kind: string; actor: string; note: string | null }[];
  outcome: string | null;
  pending: boolean;
}

describeEachDb("order receipt", (get) => {
  let t: AdminApp;
  const factory = new OrderFactory({ seed: 4242, startAt: Date.now() - 3_600_000 });
  const db = () => get().db;
  beforeAll(async () => {
    t = await startAdminApp(get().db, get().url);
  }, 120_000);
  afterAll(() => t?.stop());

  /** A held order: its buyer's email is on the shop's block list. */
  const placeHeld = async () => {
    const g = factory.legit();
    await db().listEntry.create({ data: { shop: t.shop, list: "block", kind: "email", value: g.draft.email!.toLowerCase() } });
    const [id] = await t.placeOrders([g.draft]);
    await t.settle();
    return id!;
  };
  const tagCalls = (id: string) => t.emulator.log.calls("tagsAdd", t.shop).filter((c) => JSON.stringify(c.variables).includes(`Order/${id}`)).length;

  it("returns the decision, signals with reasons, facts with coverage, store actions, guarantee and timeline", async () => {
    const id = await placeHeld();
    const { status, body } = await t.data<ReceiptData>(`/app/orders/${id}`, ROUTE);
    expect(status).toBe(200);
    expect(body.order).toMatchObject({ orderId: id, verdict: "hold", decidedBy: "block_list", revision: 0 });
    expect(body.order.threshold).toBeGreaterThan(0);
    expect(body.reasons?.en[0]).toMatch(/block list/);
    expect(body.reasons?.ja.length).toBe(body.reasons?.en.length);
    expect(body.signals).not.toBeNull();
    for (const s of body.signals!.rows) expect(typeof s.contribution).toBe("number");
    expect(body.facts.map((f) => f.label)).toEqual(expect.arrayContaining(["staff.fact.created_at", "staff.fact.total", "staff.fact.email_domain"]));
    expect(body.coverage?.groups).toBeGreaterThanOrEqual(2);
    expect(body.storeActions).toEqual(expect.arrayContaining([expect.objectContaining({ action: "tag", outcome: "applied" }), expect.objectContaining({ action: "hold" })]));
    expect(body.guarantee).toMatchObject({ state: "none", reason: "guarantee.held" });
    expect(body.timeline.map((e) => e.kind)).toEqual(expect.arrayContaining(["screened", "guarantee"]));
    expect(body.pending).toBe(false);
    // Work queued for the order (here a re-screen due later) shows as pending until it is done.
    const job = await db().job.create({
      data: { shop: t.shop, kind: "screen_order", dedupeKey: `order:${id}:screen:9`, payload: JSON.stringify({ orderId: id, revision: 9, reason: "staff" }), runAt: new Date(Date.now() + 3_600_000) },
    });
    expect((await t.data<ReceiptData>(`/app/orders/${id}`, ROUTE)).body.pending).toBe(true);
    await db().job.delete({ where: { id: job.id } });
  });

  it("lists the order's disputes with links to their claims, and the claim's events in the timeline", async () => {
    const id = await placeHeld();
    const g = await db().guarantee.findUniqueOrThrow({ where: { shop_orderId: { shop: t.shop, orderId: id } } });
    await db().dispute.create({ data: { shop: t.shop, disputeId: `d${id}`, orderId: id, type: "chargeback", reason: "fraudulent", status: "needs_response", amount: "10.00", currency: "USD" } });
    const claim = await db().claim.create({
      data: { shop: t.shop, disputeId: `d${id}`, orderId: id, guaranteeId: g.id, revision: 0, state: "open", amount: "10.00", currency: "USD", guaranteeAmount: "10.00", guaranteeCurrency: "USD" },
    });
    await db().claimEvent.create({ data: { shop: t.shop, claimId: claim.id, toState: "open", amount: "10.00", currency: "USD", source: "dispute" } });
    const { body } = await t.data<ReceiptData & { disputes: { disputeId: string; claimId: string | null }[] }>(`/app/orders/${id}`, ROUTE);
    expect(body.disputes).toEqual([expect.objectContaining({ disputeId: `d${id}`, claimId: claim.id })]);
    expect(body.timeline).toEqual(expect.arrayContaining([expect.objectContaining({ kind: "open" })]));
    const html = await (await fetch(t.documentUrl(`/app/orders/${id}`), { headers: { "User-Agent": BROWSER_UA } })).text();
    expect(html).toContain(`href="/app/claims/${claim.id}"`);
    // Another shop's claims never show.
    expect((await t.data(`/app/orders/${id}`, ROUTE, { shop: t.other })).status).toBe(404);
  });

  it("renders the receipt in Japanese with the warning before approval, and without raw JSON", async () => {
    const id = await placeHeld();
    const res = await fetch(t.documentUrl(`/app/orders/${id}`, { locale: "ja" }), { headers: { "User-Agent": BROWSER_UA } });
    expect(res.status).toBe(200);
    const html = await res.text();
    // The page body (before Remix's hydration data) has the Japanese labels and no JSON.
    const body = html.split("window.__remixContext")[0]!;
    expect(body).toContain("判定に使った情報");
    expect(body).toContain("担当者が承認すると、この注文は Holdfast のチャージバック保証なしで発送されます。");
    expect(body).not.toContain("Facts used");
    expect(body).not.toMatch(/\{&quot;|\{"[a-z]+":/);
  });

  it("another shop's order, an unknown id and a malformed id are 404", async () => {
    const id = await placeHeld();
    expect((await t.data(`/app/orders/${id}`, ROUTE, { shop: t.other })).status).toBe(404);
    expect((await t.data(`/app/orders/987654321987`, ROUTE)).status).toBe(404);
    expect((await t.data(`/app/orders/12abc`, ROUTE)).status).toBe(404);
    expect((await t.post(`/app/orders/${id}`, ROUTE, { intent: "approve" }, { shop: t.other })).status).toBe(404);
    expect((await t.post(`/app/orders/x1`, ROUTE, { intent: "approve" })).status).toBe(404);
    // Nothing was decided for it.
    expect(await db().job.count({ where: { kind: "staff_decision", payload: { contains: `"${id}"` } } })).toBe(0);
  });

  it("an invalid intent or note is a 400 with a message key", async () => {
    const id = await placeHeld();
    const bad = await t.post<{ key: string; vars: { fields: string } }>(`/app/orders/${id}`, ROUTE, { intent: "ship_it" });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ key: "staff.error.invalid", vars: { fields: "intent" } });
    const long = await t.post<{ key: string }>(`/app/orders/${id}`, ROUTE, { intent: "decline", note: "x".repeat(501) });
    expect(long.status).toBe(400);
  });

  it("approve ships the held order without the guarantee: tagged, unheld, audited as staff:42; a double submit acts once", async () => {
    const id = await placeHeld();
    expect(t.emulator.shop(t.shop).requireOrder(Number(id)).tags).toContain(HOLD_TAG);
    const before = tagCalls(id);
    const [a, b] = await Promise.all([
      t.post<{ key: string }>(`/app/orders/${id}`, ROUTE, { intent: "approve", note: "spoke to the buyer" }),
      t.post<{ key: string }>(`/app/orders/${id}`, ROUTE, { intent: "approve", note: "spoke to the buyer" }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    // One of them queued the approval; the other found it queued (or, if the worker was quicker, applied).
    const keys = [a.body.key, b.body.key];
    expect(keys.filter((k) => k === "staff.result.queued.approve")).toHaveLength(1);
    expect(["staff.result.already_queued", "staff.result.already_done"]).toContain(keys.find((k) => k !== "staff.result.queued.approve"));
    const pending = await t.data<ReceiptData>(`/app/orders/${id}`, ROUTE);
    expect(typeof pending.body.pending).toBe("boolean");
    await t.settle();
    // Submitting again after it was applied: already done, nothing queued.
    const late = await t.post<{ key: string }>(`/app/orders/${id}`, ROUTE, { intent: "approve" });
    expect([late.status, late.body.key]).toEqual([200, "staff.result.already_done"]);
    await t.settle();

    const order = t.emulator.shop(t.shop).requireOrder(Number(id));
    expect(order.tags).toContain(SHIP_TAG);
    expect(order.tags).not.toContain(HOLD_TAG);
    expect(order.fulfillmentOrders.flatMap((fo) => fo.holds.filter((h) => h.handle === HOLD_HANDLE))).toEqual([]);
    expect(tagCalls(id) - before).toBe(1);
    const g = await db().guarantee.findUniqueOrThrow({ where: { shop_orderId: { shop: t.shop, orderId: id } } });
    expect([g.state, g.reason]).toEqual(["none", "guarantee.approved_by_staff"]);
    const audit = await db().auditEvent.findMany({ where: { shop: t.shop, orderId: id, kind: "staff_approve" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: "staff:42" });
    expect(audit[0]!.message).toContain("spoke to the buyer");
    const { body } = await t.data<ReceiptData>(`/app/orders/${id}`, ROUTE);
    expect(body.order).toMatchObject({ verdict: "ship", decidedBy: "staff", revision: 1 });
    expect(body.pending).toBe(false);
    expect(body.guarantee).toMatchObject({ state: "none", reason: "guarantee.approved_by_staff" });
    expect(body.timeline).toEqual(expect.arrayContaining([expect.objectContaining({ kind: "staff_approve", actor: "staff:42", note: "spoke to the buyer" })]));
  });

  it("decline with cancel keeps the order held and cancels it in the store", async () => {
    const id = await placeHeld();
    const r = await t.post<{ key: string }>(`/app/orders/${id}`, ROUTE, { intent: "decline", cancel: "on", note: "stolen card" });
    expect([r.status, r.body.key]).toEqual([200, "staff.result.queued.decline_cancel"]);
    await t.settle();
    const order = t.emulator.shop(t.shop).requireOrder(Number(id));
    expect(order.cancelledAt).not.toBeNull();
    expect(order.tags).toContain(HOLD_TAG);
    const s = await db().orderScreening.findUniqueOrThrow({ where: { shop_orderId: { shop: t.shop, orderId: id } } });
    expect([s.verdict, s.decidedBy, s.status]).toEqual(["hold", "staff", "acted"]);
    expect(await db().auditEvent.count({ where: { shop: t.shop, orderId: id, kind: "staff_decline", actor: "staff:42" } })).toBe(1);
    // The receipt says it was cancelled, and its guarantee is still "held", not "released by a person".
    const { body } = await t.data<ReceiptData>(`/app/orders/${id}`, ROUTE);
    expect(body.order).toMatchObject({ cancelled: true, verdict: "hold", decidedBy: "staff" });
    expect(body.guarantee).toMatchObject({ state: "none", reason: "guarantee.held" });
  });

  it("the outcome buttons record confirmed fraud / good (staff, actor) and the receipt shows it", async () => {
    const id = await placeHeld();
    const fraud = await t.post<{ key: string }>(`/app/orders/${id}`, ROUTE, { intent: "outcome_fraud", note: "bank confirmed" });
    expect([fraud.status, fraud.body.key]).toEqual([200, "staff.result.outcome"]);
    let row = await db().riskOutcome.findUniqueOrThrow({ where: { shop_orderId_source: { shop: t.shop, orderId: id, source: "staff" } } });
    expect([row.label, row.actor, row.note]).toEqual(["fraud", "staff:42", "bank confirmed"]);
    const again = await t.post<{ key: string }>(`/app/orders/${id}`, ROUTE, { intent: "outcome_fraud" });
    expect(again.body.key).toBe("staff.result.outcome_unchanged");
    await t.post(`/app/orders/${id}`, ROUTE, { intent: "outcome_good" });
    row = await db().riskOutcome.findUniqueOrThrow({ where: { shop_orderId_source: { shop: t.shop, orderId: id, source: "staff" } } });
    expect(row.label).toBe("good");
    expect((await t.data<ReceiptData>(`/app/orders/${id}`, ROUTE)).body.outcome).toBe("good");
  });

  it("re-screen queues the engine again with reason staff", async () => {
    const id = await placeHeld();
    const r = await t.post<{ key: string }>(`/app/orders/${id}`, ROUTE, { intent: "rescreen" });
    expect([r.status, r.body.key]).toEqual([200, "staff.result.queued.rescreen"]);
    await t.settle();
    const s = await db().orderScreening.findUniqueOrThrow({ where: { shop_orderId: { shop: t.shop, orderId: id } } });
    expect([s.revision, s.decidedBy]).toEqual([1, "block_list"]);
    expect(await db().auditEvent.count({ where: { shop: t.shop, orderId: id, kind: "staff_rescreen", actor: "staff:42" } })).toBe(1);
  });
});
