// The review queue route (routes/app.review) against the built app, the emulator and its worker:
// held orders oldest first, paginated, only the shop's; bulk approve / decline reaching the store once.
import { afterAll, beforeAll, expect, it } from "vitest";
import { OrderFactory } from "../../emulator/index";
import { HOLD_HANDLE, HOLD_TAG, SHIP_TAG } from "../../app/screening/store-actions.server";
import { reviewQueue } from "../../app/staff/review.server";
import { describeEachDb } from "../support/db";
import { BROWSER_UA, startAdminApp, type AdminApp } from "../support/admin-app";

const ROUTE = "routes/app.review";

interface Queue {
  total: number;
  page: number;
  hasNext: boolean;
  hasPrevious: boolean;
  orders: { orderId: string; orderCreatedAt: string; score: number; pending: boolean; reason: { en: string | null; ja: string | null } | null }[];
}

describeEachDb("review queue", (get) => {
  let t: AdminApp;
  const factory = new OrderFactory({ seed: 5151, startAt: Date.now() - 7_200_000 });
  const db = () => get().db;
  beforeAll(async () => {
    t = await startAdminApp(get().db, get().url);
  }, 120_000);
  afterAll(() => t?.stop());

  const placeHeld = async (count: number) => {
    const drafts = [];
    for (let i = 0; i < count; i++) {
      const g = factory.legit();
      await db().listEntry.create({ data: { shop: t.shop, list: "block", kind: "email", value: g.draft.email!.toLowerCase() } });
      drafts.push(g.draft);
    }
    const ids = await t.placeOrders(drafts);
    await t.settle();
    return ids;
  };
  const tagCalls = (id: string) => t.emulator.log.calls("tagsAdd", t.shop).filter((c) => JSON.stringify(c.variables).includes(`Order/${id}`)).length;

  it("is empty for a shop with nothing held (and the page says so)", async () => {
    const { status, body } = await t.data<Queue>("/app/review", ROUTE, { shop: t.other });
    expect(status).toBe(200);
    expect(body).toMatchObject({ total: 0, orders: [], hasNext: false });
    const html = await (await fetch(t.documentUrl("/app/review", { shop: t.other }), { headers: { "User-Agent": BROWSER_UA } })).text();
    expect(html).toContain("Nothing to review");
  });

  it("lists the shop's held orders oldest first, not approved ones nor another shop's, and documents the keys", async () => {
    const held = await placeHeld(3);
    // An order of this shop certainly approved (allow-listed), and one of the other shop certainly held (block-listed there).
    const approvedDraft = factory.legit().draft;
    await db().listEntry.create({ data: { shop: t.shop, list: "allow", kind: "email", value: approvedDraft.email!.toLowerCase() } });
    const [approved] = await t.placeOrders([approvedDraft]);
    const elsewhereDraft = factory.legit().draft;
    await db().listEntry.create({ data: { shop: t.other, list: "block", kind: "email", value: elsewhereDraft.email!.toLowerCase() } });
    const [elsewhere] = await t.placeOrders([elsewhereDraft], t.other);
    await t.settle();
    await t.settle(t.other);
    const theirs = await db().orderScreening.findUniqueOrThrow({ where: { shop_orderId: { shop: t.other, orderId: elsewhere! } } });
    expect([theirs.verdict, theirs.decidedBy]).toEqual(["hold", "block_list"]);
    const ours = await db().orderScreening.findUniqueOrThrow({ where: { shop_orderId: { shop: t.shop, orderId: approved! } } });
    expect(ours.verdict).toBe("ship");
    const { status, body } = await t.data<Queue>("/app/review", ROUTE);
    expect(status).toBe(200);
    const ids = body.orders.map((o) => o.orderId);
    for (const id of held) expect(ids).toContain(id);
    expect(ids).not.toContain(elsewhere);
    expect(ids).not.toContain(approved);
    // The other shop's queue has its held order, and not ours.
    const other = (await t.data<Queue>("/app/review", ROUTE, { shop: t.other })).body.orders.map((o) => o.orderId);
    expect(other).toContain(elsewhere);
    for (const id of held) expect(other).not.toContain(id);
    const times = body.orders.map((o) => o.orderCreatedAt);
    expect([...times].sort()).toEqual(times);
    expect(body.orders.find((o) => o.orderId === held[0])?.reason?.en).toMatch(/block list/);
    const html = await (await fetch(t.documentUrl("/app/review", { locale: "ja" }), { headers: { "User-Agent": BROWSER_UA } })).text();
    expect(html.split("window.__remixContext")[0]).toContain("j または ↓ で次の注文");
    expect(html).toContain(`/app/orders/${held[0]}`);
    // The score column says its second number is the hold threshold.
    expect(html.split("window.__remixContext")[0]).toContain("スコア（保留の基準）");
    const en = await (await fetch(t.documentUrl("/app/review"), { headers: { "User-Agent": BROWSER_UA } })).text();
    expect(en.split("window.__remixContext")[0]).toContain("Score (hold at)");
  });

  it("on a Japanese page, a reason stored only in English falls back to a Japanese generic text, never to English", async () => {
    const [id] = await placeHeld(1);
    await db().orderScreening.update({ where: { shop_orderId: { shop: t.shop, orderId: id! } }, data: { reasons: JSON.stringify({ en: ["English only reason"], ja: [] }) } });
    const q = await reviewQueue(db(), t.shop, 1, 10_000);
    expect(q.orders.find((o) => o.orderId === id)?.reason).toEqual({ en: "English only reason", ja: null });
    const html = (await (await fetch(t.documentUrl("/app/review", { locale: "ja" }), { headers: { "User-Agent": BROWSER_UA } })).text()).split("window.__remixContext")[0]!;
    expect(html).not.toContain("English only reason");
    expect(html).toContain("理由は注文の詳細をご覧ください。");
    // Decided so the later tests' queue is as before.
    await db().orderScreening.update({ where: { shop_orderId: { shop: t.shop, orderId: id! } }, data: { decidedBy: "staff" } });
  });

  it("validates the page and paginates on the server", async () => {
    expect((await t.data("/app/review?page=0", ROUTE)).status).toBe(400);
    expect((await t.data("/app/review?page=abc", ROUTE)).status).toBe(400);
    const first = await t.data<Queue>("/app/review?page=1", ROUTE);
    const far = await t.data<Queue>("/app/review?page=999", ROUTE);
    expect(far.status).toBe(200);
    expect(far.body).toMatchObject({ page: 999, orders: [], hasPrevious: true, hasNext: false, total: first.body.total });
    // Pages of two: consecutive, oldest first, no order twice.
    await placeHeld(3);
    const p1 = await reviewQueue(db(), t.shop, 1, 2);
    const p2 = await reviewQueue(db(), t.shop, 2, 2);
    expect(p1.total).toBeGreaterThanOrEqual(3);
    expect([p1.orders.length, p1.hasNext, p2.hasPrevious]).toEqual([2, true, true]);
    expect(p2.orders.length).toBeGreaterThanOrEqual(1);
    expect(p1.orders.map((o) => o.orderId)).not.toContain(p2.orders[0]!.orderId);
    expect(p1.orders[1]!.orderCreatedAt <= p2.orders[0]!.orderCreatedAt).toBe(true);
  });

  it("bulk approve of two orders ships both without the guarantee, once each, and takes them off the queue", async () => {
    const [a, b] = await placeHeld(2);
    const before = [tagCalls(a!), tagCalls(b!)];
    const first = await t.post<{ key: string; vars: { count: number }; more: unknown[] }>("/app/review", ROUTE, { intent: "approve", orderId: [a!, b!], note: "bulk ok" });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ key: "staff.result.bulk.approve", vars: { count: 2 }, more: [] });
    // A double submit of the same bulk action acts once, and says the orders were already being worked on.
    const again = await t.post<{ key: string; tone: string; more: unknown[] }>("/app/review", ROUTE, { intent: "approve", orderId: [a!, b!] });
    expect(again.body).toMatchObject({ key: "staff.result.bulk.none", tone: "success", more: [{ key: "staff.result.bulk.already", vars: { count: 2 } }] });
    await t.settle();
    for (const [i, id] of [a!, b!].entries()) {
      const order = t.emulator.shop(t.shop).requireOrder(Number(id));
      expect(order.tags).toContain(SHIP_TAG);
      expect(order.tags).not.toContain(HOLD_TAG);
      expect(order.fulfillmentOrders.flatMap((fo) => fo.holds.filter((h) => h.handle === HOLD_HANDLE))).toEqual([]);
      expect(tagCalls(id) - before[i]!).toBe(1);
      const g = await db().guarantee.findUniqueOrThrow({ where: { shop_orderId: { shop: t.shop, orderId: id } } });
      expect([g.state, g.reason]).toEqual(["none", "guarantee.approved_by_staff"]);
      expect(await db().auditEvent.count({ where: { shop: t.shop, orderId: id, kind: "staff_approve", actor: "staff:42" } })).toBe(1);
    }
    const ids = (await t.data<Queue>("/app/review", ROUTE)).body.orders.map((o) => o.orderId);
    expect(ids).not.toContain(a);
    expect(ids).not.toContain(b);
  });

  it("bulk decline keeps orders held, decided by staff; another shop's order is skipped, not touched", async () => {
    const [a] = await placeHeld(1);
    const [foreign] = await t.placeOrders([factory.legit().draft], t.other);
    await t.settle(t.other);
    const r = await t.post<{ key: string; tone: string; vars: { count: number }; more: unknown[] }>("/app/review", ROUTE, { intent: "decline", orderId: [a!, foreign!] });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ key: "staff.result.bulk.decline", tone: "warning", vars: { count: 1 }, more: [{ key: "staff.result.bulk.skipped", vars: { count: 1 } }] });
    await t.settle();
    const s = await db().orderScreening.findUniqueOrThrow({ where: { shop_orderId: { shop: t.shop, orderId: a! } } });
    expect([s.verdict, s.decidedBy]).toEqual(["hold", "staff"]);
    expect(t.emulator.shop(t.shop).requireOrder(Number(a)).cancelledAt).toBeNull();
    expect(await db().job.count({ where: { shop: t.other, kind: "staff_decision" } })).toBe(0);
    expect((await t.data<Queue>("/app/review", ROUTE)).body.orders.map((o) => o.orderId)).not.toContain(a);
  });

  it("invalid bulk input is a 400 with a message key", async () => {
    const none = await t.post<{ key: string }>("/app/review", ROUTE, { intent: "approve" });
    expect([none.status, none.body.key]).toEqual([400, "staff.error.invalid"]);
    const bad = await t.post<{ key: string }>("/app/review", ROUTE, { intent: "approve", orderId: ["1 OR 1=1"] });
    expect(bad.status).toBe(400);
    const intent = await t.post<{ key: string }>("/app/review", ROUTE, { intent: "rescreen", orderId: ["1"] });
    expect(intent.status).toBe(400);
    const many = await t.post<{ key: string }>("/app/review", ROUTE, { intent: "decline", orderId: Array.from({ length: 51 }, (_, i) => String(i + 1)) });
    expect(many.status).toBe(400);
  });
});
