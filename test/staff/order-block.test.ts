// The route Holdfast's order-page block fetches (GET /api/order-block/:orderId): authenticated by
// the session token in the Authorization header (minted by the emulator, as the admin's fetch adds
// it), CORS for the admin's origin on the answer, the refusals and the preflight, the verdict in
// English and Japanese, "not screened" for an order Holdfast has no row of, 404 for another shop's.
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDb } from "../support/db";
import { BROWSER_UA, mixedOrders, startAdminApp, type AdminApp } from "../support/admin-app";
import { translate } from "../../app/i18n";
import { formatMoney } from "../../app/i18n/format";

const ADMIN_ORIGIN = "https://admin.shopify.com";
const ROUTE = "routes/api.order-block.$orderId";

interface Block {
  screened: boolean;
  orderId: string;
  locale: string;
  verdict?: string;
  score?: number;
  threshold?: number;
  probability?: number | null;
  reasons?: string[];
  guarantee?: { state: string; reasonKey: string | null; reasonText: string | null };
  receiptPath?: string;
}

describeEachDb("order-page block route", (get) => {
  let t: AdminApp;
  /** A screened order of `t.shop` with at least three stored reasons, and its row. */
  let screened: { orderId: string; verdict: string; score: number; threshold: number; probability: number | null; reasons: { en: string[]; ja: string[] } };
  let otherShopOrder: string;

  beforeAll(async () => {
    t = await startAdminApp(get().db, get().url);
    await t.placeOrders(mixedOrders(8, 5, 0.5).map((o) => o.draft));
    otherShopOrder = (await t.placeOrders(mixedOrders(1, 9, 1).map((o) => o.draft), t.other))[0]!;
    await t.settle();
    await t.settle(t.other);
    const rows = await get().db.orderScreening.findMany({ where: { shop: t.shop } });
    const withReasons = rows
      .map((r) => ({ ...r, parsed: JSON.parse(r.reasons) as { en: string[]; ja: string[] } }))
      .sort((a, b) => b.parsed.en.length - a.parsed.en.length)[0];
    if (!withReasons || withReasons.parsed.en.length < 3) throw new Error(`no screened order with three reasons: ${JSON.stringify(rows.map((r) => r.reasons))}`);
    screened = { orderId: withReasons.orderId, verdict: withReasons.verdict, score: withReasons.score, threshold: withReasons.threshold, probability: withReasons.probability, reasons: withReasons.parsed };
    expect(await get().db.orderScreening.count({ where: { shop: t.other, orderId: otherShopOrder } })).toBe(1);
  }, 180_000);
  afterAll(() => t?.stop());

  const fetchBlock = (id: string, o: { token?: string | null; query?: string; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { "User-Agent": BROWSER_UA, Origin: ADMIN_ORIGIN, ...o.headers };
    const token = o.token === undefined ? t.token() : o.token;
    if (token !== null) headers.Authorization = `Bearer ${token}`;
    return fetch(new URL(`/api/order-block/${encodeURIComponent(id)}${o.query ?? ""}`, t.app.baseUrl), { headers, redirect: "manual" });
  };
  const expectCors = (res: Response) => {
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
  };

  it("answers the admin's CORS preflight without a token", async () => {
    const res = await fetch(new URL(`/api/order-block/${screened.orderId}`, t.app.baseUrl), {
      method: "OPTIONS",
      headers: { "User-Agent": BROWSER_UA, Origin: ADMIN_ORIGIN, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization" },
    });
    expect(res.status).toBe(204);
    expectCors(res);
    expect(await res.text()).toBe("");
  });

  it("returns a screened order's verdict, score and top three reasons in English, with CORS", async () => {
    const res = await fetchBlock(screened.orderId, { query: "?locale=en" });
    expect(res.status).toBe(200);
    expectCors(res);
    expect(res.headers.get("cache-control")).toContain("no-store");
    const body = (await res.json()) as Block;
    expect(body).toMatchObject({
      screened: true, orderId: screened.orderId, locale: "en", verdict: screened.verdict, score: screened.score,
      threshold: screened.threshold, probability: screened.probability, receiptPath: `/app/orders/${screened.orderId}`,
    });
    expect(body.reasons).toEqual(screened.reasons.en.slice(0, 3));
    expect(["active", "none", "void"]).toContain(body.guarantee?.state);
    const guarantee = await get().db.guarantee.findUnique({ where: { shop_orderId: { shop: t.shop, orderId: screened.orderId } } });
    expect(body.guarantee?.reasonKey).toBe(guarantee?.reason ?? null);
    if (guarantee?.reason) expect(body.guarantee?.reasonText).toMatch(/guarantee/i);
  });

  it("accepts the admin's order GID and answers in Japanese (locale parameter or Accept-Language)", async () => {
    const byParam = await fetchBlock(`gid://shopify/Order/${screened.orderId}`, { query: "?locale=ja-JP" });
    expect(byParam.status).toBe(200);
    const body = (await byParam.json()) as Block;
    expect(body.locale).toBe("ja");
    expect(body.orderId).toBe(screened.orderId);
    expect(body.reasons).toEqual(screened.reasons.ja.slice(0, 3));
    expect(body.reasons).not.toEqual(screened.reasons.en.slice(0, 3));
    if (body.guarantee?.reasonText) expect(body.guarantee.reasonText).toMatch(/保証/);
    const byHeader = await fetchBlock(screened.orderId, { headers: { "Accept-Language": "fr;q=1, ja;q=0.8, en;q=0.5" } });
    expect(((await byHeader.json()) as Block).reasons).toEqual(screened.reasons.ja.slice(0, 3));
  });

  it("gives the guarantee's state and reason in the requested language, the amount formatted for it", async () => {
    const active = await get().db.guarantee.findFirst({ where: { shop: t.shop, state: "active" } });
    const none = await get().db.guarantee.findFirst({ where: { shop: t.shop, state: "none", reason: "guarantee.held" } });
    if (!active || !none) throw new Error("the mix gave no active or no held guarantee");
    const en = (await (await fetchBlock(active.orderId, { query: "?locale=en" })).json()) as Block;
    expect(en.guarantee).toEqual({ state: "active", reasonKey: "guarantee.active", reasonText: translate("en", "guarantee.active", { amount: formatMoney("en", active.amount, active.currency) }) });
    const ja = (await (await fetchBlock(active.orderId, { query: "?locale=ja" })).json()) as Block;
    expect(ja.guarantee?.reasonText).toBe(translate("ja", "guarantee.active", { amount: formatMoney("ja", active.amount, active.currency) }));
    expect(ja.guarantee?.reasonText).not.toMatch(/\{\w+\}/);
    const held = (await (await fetchBlock(none.orderId, { query: "?locale=ja" })).json()) as Block;
    expect(held).toMatchObject({ verdict: "hold", guarantee: { state: "none", reasonKey: "guarantee.held", reasonText: translate("ja", "guarantee.held") } });
  });

  it("says an order of the shop that Holdfast has not screened is not screened (never approved)", async () => {
    const order = t.emulator.shop(t.shop).addOrder(mixedOrders(1, 21, 0)[0]!.draft);
    const res = await fetchBlock(`gid://shopify/Order/${order.id}`);
    expect(res.status).toBe(200);
    expectCors(res);
    const body = (await res.json()) as Block;
    expect(body).toEqual({ screened: false, orderId: String(order.id), locale: "en" });
  });

  it("answers 502 (with CORS, no verdict) when the Admin API cannot say whose unscreened order it is", async () => {
    const order = t.emulator.shop(t.shop).addOrder(mixedOrders(1, 23, 0)[0]!.draft);
    t.emulator.faults.inject({ fault: { kind: "status", status: 500 }, target: "graphql", shop: t.shop, operation: "OrderCancellation" });
    try {
      const res = await fetchBlock(String(order.id));
      expect(res.status).toBe(502);
      expectCors(res);
      expect(await res.json()).toEqual({ error: "orderBlock.error.lookupFailed" });
    } finally {
      t.emulator.faults.clear();
    }
    expect((await fetchBlock(String(order.id))).status).toBe(200);
  });

  it("answers 404 for another shop's order, screened or not, and for an order that does not exist", async () => {
    for (const id of [otherShopOrder, `gid://shopify/Order/${otherShopOrder}`, String(t.emulator.shop(t.other).addOrder(mixedOrders(1, 22, 0)[0]!.draft).id), "999999999"]) {
      const res = await fetchBlock(id);
      expect(res.status, id).toBe(404);
      expectCors(res);
      expect(await res.text()).not.toContain(otherShopOrder === id ? "score" : "screened");
    }
    // The other shop's own token does read it: the 404 above is the shop scoping, not a missing row.
    const theirs = await fetchBlock(otherShopOrder, { token: t.token(t.other) });
    expect(theirs.status).toBe(200);
    expect(((await theirs.json()) as Block).screened).toBe(true);
  });

  it("refuses a request without a session token, with no data and with CORS", async () => {
    const res = await fetchBlock(screened.orderId, { token: null });
    expect(res.status).toBe(401);
    expectCors(res);
    const text = await res.text();
    expect(text).not.toContain(screened.orderId);
    expect(text).not.toContain("score");
  });

  it("refuses an expired, a tampered, a wrongly signed and another app's token", async () => {
    const expired = t.emulator.sessionToken(t.shop, { nowSeconds: Math.floor(Date.now() / 1000) - 3600 });
    const [h, p, s] = t.token().split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, "base64url").toString("utf8")) as Record<string, unknown>;
    // The same signature over claims that name the other shop.
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, dest: `https://${t.other}`, iss: `https://${t.other}/admin` })).toString("base64url")}.${s}`;
    const wrongKey = t.emulator.sessionToken(t.shop, { overrides: { aud: "another-app" } });
    const badSignature = `${h}.${p}.${Buffer.from("not the signature").toString("base64url")}`;
    // Signed with the app's secret but not for a shop: refused by Holdfast's own check before the library.
    const notAShop = t.emulator.sessionToken(t.shop, { overrides: { dest: "https://evil.example.com" } });
    for (const token of [expired, tampered, wrongKey, badSignature, notAShop]) {
      const res = await fetchBlock(token === tampered ? otherShopOrder : screened.orderId, { token });
      expect(res.status).toBe(401);
      expectCors(res);
      expect(await res.text()).not.toContain("score");
    }
  });

  it("answers 400 for an id that is not an order id, and for a locale that is not a language tag", async () => {
    for (const id of ["abc", "0", "-1", "12.5", "gid://shopify/Product/1", "gid://shopify/Order/abc", "99999999999999999999", "1 OR 1=1"]) {
      const res = await fetchBlock(id);
      expect(res.status, id).toBe(400);
      expectCors(res);
      expect(await res.json()).toEqual({ error: "orderBlock.error.invalidOrderId" });
    }
    const badLocale = await fetchBlock(screened.orderId, { query: "?locale=%3Cscript%3E" });
    expect(badLocale.status).toBe(400);
    expect(await badLocale.json()).toEqual({ error: "orderBlock.error.invalidLocale" });
  });

  it("is a plain resource route: no Remix data request is needed and nothing under /app is involved", async () => {
    const res = await t.data(`/api/order-block/${screened.orderId}`, ROUTE);
    expect(res.status).toBe(200);
    expect((res.body as Block).orderId).toBe(screened.orderId);
  });
});
