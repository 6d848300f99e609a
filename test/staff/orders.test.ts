// The orders list (/app/orders): server-side pagination, filters from the URL, search by name or
// id, a visible notice for values that are not valid (ignored), and never another shop's orders.
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDb } from "../support/db";
import { BROWSER_UA, mixedOrders, startAdminApp, type AdminApp } from "../support/admin-app";
import type { OrderRow } from "../../app/staff/orders.server";

const ROUTE = "routes/app.orders._index";

interface ListBody {
  orders: OrderRow[];
  total: number;
  page: number;
  hasNext: boolean;
  hasPrevious: boolean;
  invalid: string[];
}

describeEachDb("orders list", (get) => {
  let t: AdminApp;
  let mine: string[];
  let theirs: string[];
  beforeAll(async () => {
    t = await startAdminApp(get().db, get().url);
    mine = await t.placeOrders(mixedOrders(30, 21, 0.4).map((o) => o.draft));
    theirs = await t.placeOrders(mixedOrders(5, 22, 0.4).map((o) => o.draft), t.other);
    await t.settle();
    await t.settle(t.other);
  }, 180_000);
  afterAll(() => t?.stop());

  const list = async (query = "", shop?: string) => {
    const r = await t.data<ListBody>(`/app/orders${query}`, ROUTE, { shop });
    expect(r.status).toBe(200);
    return r.body;
  };

  it("pages through the shop's orders, newest first, 25 a page", async () => {
    const first = await list();
    expect(first.total).toBe(30);
    expect(first.orders).toHaveLength(25);
    expect(first.hasNext).toBe(true);
    expect(first.hasPrevious).toBe(false);
    const second = await list("?page=2");
    expect(second.orders).toHaveLength(5);
    expect(second.hasNext).toBe(false);
    expect(second.hasPrevious).toBe(true);
    const ids = [...first.orders, ...second.orders].map((o) => o.orderId);
    expect(new Set(ids).size).toBe(30);
    expect([...ids].sort()).toEqual([...mine].sort());
    const dates = [...first.orders, ...second.orders].map((o) => o.createdAt);
    expect(dates).toEqual([...dates].sort().reverse());
    // Nothing of the other shop, and the other shop sees only its own.
    expect(ids.some((id) => theirs.includes(id))).toBe(false);
    const other = await list("", t.other);
    expect(other.orders.map((o) => o.orderId).sort()).toEqual([...theirs].sort());
  });

  it("filters by verdict, score band, score range and guarantee, as recorded", async () => {
    const { db } = get();
    const rows = await db.orderScreening.findMany({ where: { shop: t.shop } });
    const held = rows.filter((r) => r.verdict === "hold");
    expect(held.length).toBeGreaterThan(0);
    expect(held.length).toBeLessThan(30);
    const holds = await list("?verdict=hold");
    expect(holds.total).toBe(held.length);
    expect(holds.orders.every((o) => o.verdict === "hold")).toBe(true);
    const ships = await list("?verdict=ship");
    expect(ships.total).toBe(30 - held.length);
    expect(ships.orders.every((o) => o.verdict === "ship")).toBe(true);

    const high = await list("?band=high");
    expect(high.total).toBe(rows.filter((r) => r.score >= 700).length);
    expect(high.orders.every((o) => o.score >= 700)).toBe(true);
    const low = await list("?band=low");
    expect(low.total).toBe(rows.filter((r) => r.score <= 299).length);
    const range = await list("?min=200&max=600");
    expect(range.total).toBe(rows.filter((r) => r.score >= 200 && r.score <= 600).length);
    expect(range.orders.every((o) => o.score >= 200 && o.score <= 600)).toBe(true);

    const none = await list("?guarantee=none");
    expect(none.total).toBe(rows.filter((r) => r.guarantee === "none").length);
    expect(none.orders.every((o) => o.guarantee === "none")).toBe(true);
    // Combined: held and not guaranteed.
    const both = await list("?verdict=hold&guarantee=none");
    expect(both.total).toBe(rows.filter((r) => r.verdict === "hold" && r.guarantee === "none").length);
  });

  it("filters by order date (inclusive days)", async () => {
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    expect((await list(`?from=${day(-3)}&to=${day(1)}`)).total).toBe(30);
    expect((await list(`?from=${day(2)}`)).total).toBe(0);
    expect((await list(`?to=${day(-3)}`)).total).toBe(0);
  });

  it("finds one order by its name, its number or its id, and never another shop's", async () => {
    const { db } = get();
    const target = await db.orderScreening.findFirstOrThrow({ where: { shop: t.shop, orderId: mine[7]! } });
    expect(target.orderName).toMatch(/^#\d+$/);
    for (const q of [target.orderName!, target.orderName!.slice(1), target.orderId]) {
      const found = await list(`?q=${encodeURIComponent(q)}`);
      expect(found.orders.map((o) => o.orderId), q).toEqual([target.orderId]);
    }
    expect((await list(`?q=${theirs[0]}`)).total).toBe(0);
    expect((await list("?q=nothing-like-this")).total).toBe(0);
  });

  it("ignores values that are not valid and says which", async () => {
    const r = await list("?verdict=maybe&page=abc&band=huge&min=5000&from=2026-02-31&guarantee=active");
    expect(r.invalid.sort()).toEqual(["band", "from", "min", "page", "verdict"]);
    // The valid filter still applies; the others are not guessed.
    const active = await get().db.orderScreening.count({ where: { shop: t.shop, guarantee: "active" } });
    expect(r.total).toBe(active);
    const reversed = await list("?min=800&max=100");
    expect(reversed.invalid.sort()).toEqual(["max", "min"]);
    expect(reversed.total).toBe(30);
    // The page shows the notice, in the admin user's language.
    const html = await (await fetch(t.documentUrl("/app/orders?verdict=maybe"), { headers: { "User-Agent": BROWSER_UA } })).text();
    expect(html).toContain("Some filters were ignored because their values are not valid: Verdict.");
    const ja = await (await fetch(t.documentUrl("/app/orders?verdict=maybe", { locale: "ja" }), { headers: { "User-Agent": BROWSER_UA } })).text();
    expect(ja).toContain("値が正しくないため、次の条件は無視されました: 判定。");
  });

  it("renders the rows with links to each order's receipt", async () => {
    const html = await (await fetch(t.documentUrl("/app/orders?verdict=hold"), { headers: { "User-Agent": BROWSER_UA } })).text();
    const holds = await list("?verdict=hold");
    for (const o of holds.orders) expect(html).toContain(`href="/app/orders/${o.orderId}"`);
    // Every placeholder filled, every label translated (no raw catalogue keys).
    expect(html).not.toMatch(/\{(from|to|total|names|range|id)\}/);
    expect(html).not.toMatch(/>orders\.[a-z_]+</);
    expect(html).toContain(`of ${holds.total}`);
  });
});
