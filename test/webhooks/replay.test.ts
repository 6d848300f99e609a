// Webhook replay across shops and topics (issue 11, finding 1; docs/security.md). Shopify signs
// the body only: these deliveries are real signed bodies from the emulator's WebhookSender whose
// unsigned headers (shop, topic) were then changed, sent to the app's own route actions. Each
// attack below worked before the fix; now each is answered 401, logged, and changes nothing.
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import type { ActionFunctionArgs } from "@remix-run/node";
import { describeEachDb } from "../support/db";
import { installOffline, startPipeline, type Pipeline } from "../support/pipeline";
import { OrderFactory, type WebhookDelivery } from "../../emulator/index";

const A = "replay-attacker.myshopify.com";
const B = "replay-victim.myshopify.com";
const NEVER_INSTALLED = "replay-stranger.myshopify.com";

type Action = (args: ActionFunctionArgs) => Promise<Response>;

describeEachDb("webhook replay across shops and topics", (get) => {
  let p: Pipeline;
  let routes: Record<string, Action>;
  const factory = new OrderFactory({ seed: 111 });
  let screeningsOfB = 0;

  beforeAll(async () => {
    // The route modules use the app's db singleton: this test database.
    globalThis.__holdfastDb = get().db;
    vi.resetModules();
    routes = {
      "/webhooks/orders/create": (await import("../../app/routes/webhooks.orders.create")).action,
      "/webhooks/app/uninstalled": (await import("../../app/routes/webhooks.app.uninstalled")).action,
      "/webhooks/compliance": (await import("../../app/routes/webhooks.compliance")).action,
      "/webhooks/app/scopes_update": (await import("../../app/routes/webhooks.app.scopes_update")).action,
    };
    p = await startPipeline(get().db, B);
    p.emulator.createShop(A);
    await installOffline(get().db, p.emulator, A);
    p.emulator.createShop(NEVER_INSTALLED);
    // B has screened orders: the data an attacker would like to erase.
    for (let i = 0; i < 2; i++) {
      const order = p.store.addOrder(factory.legit().draft);
      expect((await p.deliver(p.sender.ordersCreate(B, order.id))).status).toBe(200);
    }
    await p.drain();
    screeningsOfB = await get().db.orderScreening.count({ where: { shop: B } });
    expect(screeningsOfB).toBe(2);
  }, 60_000);
  afterAll(() => p.stop());

  /** POSTs a signed delivery to a route's action with some of its (unsigned) headers replaced. */
  const post = (path: string, d: WebhookDelivery, tamper: Record<string, string> = {}) => {
    const action = routes[path];
    if (!action) throw new Error(`no route ${path} in this test`);
    const headers = { ...p.sender.headers(d), ...tamper };
    return action({ request: new Request(`https://holdfast.test${path}`, { method: "POST", headers, body: d.body }), params: {}, context: {} });
  };

  const aCustomerOfA = () => {
    const order = p.emulator.shop(A).addOrder(factory.legit().draft);
    if (order.customerId == null) throw new Error("the factory's order has no customer");
    return order.customerId;
  };

  /** B still has everything: sessions, its Shop row (installed), its screenings, and no erasure queued. */
  const expectBIntact = async () => {
    await p.drain();
    const { db } = get();
    expect(await db.session.count({ where: { shop: B } })).toBe(1);
    expect((await db.shop.findUniqueOrThrow({ where: { shop: B } })).uninstalledAt).toBeNull();
    expect(await db.orderScreening.count({ where: { shop: B } })).toBe(screeningsOfB);
    expect(await db.job.count({ where: { shop: B, kind: "shop_redact" } })).toBe(0);
  };

  /** The structured warning of one refusal: what was claimed and why, never the body. */
  const expectRefusalLogged = (warn: { mock: { calls: unknown[][] } }, claimed: { route: string; shop: string; topic: string }, body: string) => {
    const lines = warn.mock.calls.map((args) => JSON.parse(String(args[0])) as Record<string, unknown>);
    expect(lines).toContainEqual(expect.objectContaining({ event: "webhook_refused", ...claimed, reason: expect.any(String) }));
    for (const args of warn.mock.calls) expect(String(args[0])).not.toContain(body.slice(0, 40));
  };

  it("refuses a customers/redact body of shop A sent to /webhooks/compliance as shop/redact of shop B", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const d = p.sender.customersRedact(A, aCustomerOfA());
    const res = await post("/webhooks/compliance", d, { "x-shopify-topic": "shop/redact", "x-shopify-shop-domain": B });
    expect(res.status).toBe(401);
    expectRefusalLogged(warn, { route: "/webhooks/compliance", shop: B, topic: "shop/redact" }, d.body);
    warn.mockRestore();
    expect(await get().db.webhookDelivery.count({ where: { webhookId: d.webhookId } })).toBe(0);
    await expectBIntact();
  });

  it("refuses a shop/redact body of shop A replayed as shop B's", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const d = p.sender.shopRedact(A);
    const res = await post("/webhooks/compliance", d, { "x-shopify-shop-domain": B });
    expect(res.status).toBe(401);
    expectRefusalLogged(warn, { route: "/webhooks/compliance", shop: B, topic: "shop/redact" }, d.body);
    warn.mockRestore();
    await expectBIntact();
    // And A, whose body it was, is not erased either: nothing was queued for anyone.
    expect(await get().db.job.count({ where: { kind: "shop_redact" } })).toBe(0);
  });

  it.each([
    ["a customers/redact body of shop B sent as shop B's shop/redact", "customers/redact", "shop/redact"],
    ["a customers/data_request body of shop B sent as shop B's shop/redact", "customers/data_request", "shop/redact"],
    ["a customers/data_request body of shop B sent as shop B's customers/redact", "customers/data_request", "customers/redact"],
  ] as const)("refuses %s", async (_what, signedAs, sentAs) => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const customer = p.store.addOrder(factory.legit().draft).customerId;
    if (customer == null) throw new Error("the factory's order has no customer");
    const d = signedAs === "customers/redact" ? p.sender.customersRedact(B, customer) : p.sender.customersDataRequest(B, customer);
    const res = await post("/webhooks/compliance", d, { "x-shopify-topic": sentAs });
    expect(res.status).toBe(401);
    expectRefusalLogged(warn, { route: "/webhooks/compliance", shop: B, topic: sentAs }, d.body);
    warn.mockRestore();
    expect(await get().db.job.count({ where: { shop: B, kind: { in: ["shop_redact", "customers_redact"] } } })).toBe(0);
    await expectBIntact();
  });

  it("refuses an orders/create body of shop A sent to /webhooks/app/uninstalled as shop B", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const d = p.sender.ordersCreate(A, p.emulator.shop(A).addOrder(factory.legit().draft).id);
    const res = await post("/webhooks/app/uninstalled", d, { "x-shopify-topic": "app/uninstalled", "x-shopify-shop-domain": B });
    expect(res.status).toBe(401);
    expectRefusalLogged(warn, { route: "/webhooks/app/uninstalled", shop: B, topic: "app/uninstalled" }, d.body);
    warn.mockRestore();
    await expectBIntact();
  });

  it("refuses an app/uninstalled body of shop A replayed as shop B's", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const res = await post("/webhooks/app/uninstalled", p.sender.appUninstalled(A), { "x-shopify-shop-domain": B });
    expect(res.status).toBe(401);
    warn.mockRestore();
    await expectBIntact();
    expect(await get().db.session.count({ where: { shop: A } })).toBe(1);
  });

  // Bodies that do not carry the shop's domain but its numeric id (read at install, like afterAuth).
  it("refuses an orders/create body of shop A sent as shop B's, by the shop id in its order_status_url", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const order = p.emulator.shop(A).addOrder(factory.legit().draft);
    const d = p.sender.ordersCreate(A, order.id);
    const res = await post("/webhooks/orders/create", d, { "x-shopify-shop-domain": B });
    expect(res.status).toBe(401);
    expectRefusalLogged(warn, { route: "/webhooks/orders/create", shop: B, topic: "orders/create" }, d.body);
    warn.mockRestore();
    const { db } = get();
    expect(await db.webhookDelivery.count({ where: { webhookId: d.webhookId } })).toBe(0);
    expect(await db.job.count({ where: { dedupeKey: { startsWith: `order:${order.id}:` } } })).toBe(0);
    await expectBIntact();
    // The same body under its own shop is screened as usual.
    expect((await post("/webhooks/orders/create", d)).status).toBe(200);
    expect(await db.job.count({ where: { shop: A, dedupeKey: { startsWith: `order:${order.id}:` } } })).toBe(1);
  });

  it("refuses an app/scopes_update body of shop A sent as shop B's, by its shop_id, and leaves B's scopes alone", async () => {
    const { db } = get();
    const before = (await db.shop.findUniqueOrThrow({ where: { shop: B } })).scopes;
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const d = p.sender.appScopesUpdate(A, ["read_orders"]);
    const res = await post("/webhooks/app/scopes_update", d, { "x-shopify-shop-domain": B });
    expect(res.status).toBe(401);
    expectRefusalLogged(warn, { route: "/webhooks/app/scopes_update", shop: B, topic: "app/scopes_update" }, d.body);
    warn.mockRestore();
    expect((await db.shop.findUniqueOrThrow({ where: { shop: B } })).scopes).toBe(before);
    expect(await db.webhookDelivery.count({ where: { webhookId: d.webhookId } })).toBe(0);
  });

  it("refuses a body whose shop id is not a number when the shop's id is known", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const d = p.sender.appScopesUpdate(B, ["read_orders"]);
    const forged = { ...d, body: d.body.replace(/"shop_id":"[^"]*"/, '"shop_id":"gid://shopify/Shop/x"') };
    expect(forged.body).not.toBe(d.body);
    // Signed as it is (the sender signs each body it sends), as if Shopify had sent it.
    const res = await post("/webhooks/app/scopes_update", forged);
    expect(res.status).toBe(401);
    warn.mockRestore();
  });

  it.each([
    ["a domain that is not Shopify's", "evil.example.com"],
    ["an IP address", "169.254.169.254"],
    ["a myshopify domain inside another", "replay-victim.myshopify.com.evil.example.com"],
    ["a 5,000-character name", `${"a".repeat(5000)}.myshopify.com`],
    ["an empty label", ".myshopify.com"],
  ])("refuses a shop header that is %s, and records no row for it", async (_what, shop) => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const order = p.sender.ordersCreate(A, p.emulator.shop(A).addOrder(factory.legit().draft).id);
    expect((await post("/webhooks/orders/create", order, { "x-shopify-shop-domain": shop })).status).toBe(401);
    const uninstall = p.sender.appUninstalled(A);
    expect((await post("/webhooks/app/uninstalled", uninstall, { "x-shopify-shop-domain": shop })).status).toBe(401);
    expect(warn).toHaveBeenCalledTimes(2);
    // The logged name is bounded even when the header is not.
    for (const args of warn.mock.calls) expect(String(args[0]).length).toBeLessThan(1000);
    warn.mockRestore();
    const { db } = get();
    expect(await db.webhookDelivery.count({ where: { shop } })).toBe(0);
    expect(await db.job.count({ where: { shop } })).toBe(0);
    expect(await db.shop.count({ where: { shop } })).toBe(0);
  });

  it.each([["foo/bar"], ["orders/updated"], ["shop/redact"], ["app/uninstalled"]])(
    "refuses topic %s on /webhooks/orders/create and queues no screening",
    async (topic) => {
      const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
      const order = p.store.addOrder(factory.legit().draft);
      const d = p.sender.ordersCreate(B, order.id);
      const res = await post("/webhooks/orders/create", d, { "x-shopify-topic": topic });
      expect(res.status).toBe(401);
      expectRefusalLogged(warn, { route: "/webhooks/orders/create", shop: B, topic }, d.body);
      warn.mockRestore();
      expect(await get().db.webhookDelivery.count({ where: { webhookId: d.webhookId } })).toBe(0);
      expect(await get().db.job.count({ where: { shop: B, dedupeKey: { startsWith: `order:${order.id}:` } } })).toBe(0);
      await expectBIntact();
    },
  );

  it("answers 200 to an uninstall or redaction of a shop Holdfast never knew, and creates no row for it", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    for (const d of [p.sender.appUninstalled(NEVER_INSTALLED), p.sender.shopRedact(NEVER_INSTALLED)]) {
      const path = d.topic === "app/uninstalled" ? "/webhooks/app/uninstalled" : "/webhooks/compliance";
      expect((await post(path, d)).status).toBe(200);
    }
    warn.mockRestore();
    const { db } = get();
    expect(await db.webhookDelivery.count({ where: { shop: NEVER_INSTALLED } })).toBe(0);
    expect(await db.shop.count({ where: { shop: NEVER_INSTALLED } })).toBe(0);
    expect(await db.job.count({ where: { shop: NEVER_INSTALLED } })).toBe(0);
  });

  it("still uninstalls and then erases shop A on its own genuine deliveries, with any X-Shopify-Triggered-At", async () => {
    const { db } = get();
    const uninstall = await post("/webhooks/app/uninstalled", p.sender.appUninstalled(A), { "x-shopify-triggered-at": "not a time" });
    expect(uninstall.status).toBe(200);
    expect(await db.session.count({ where: { shop: A } })).toBe(0);
    expect((await db.shop.findUniqueOrThrow({ where: { shop: A } })).uninstalledAt).toBeInstanceOf(Date);
    // shop/redact comes about 48 hours later, when A has no session any more: its Shop row is enough.
    const redact = p.sender.shopRedact(A);
    expect((await post("/webhooks/compliance", redact)).status).toBe(200);
    const deadline = Date.now() + 15_000;
    while ((await db.shop.count({ where: { shop: A } })) > 0) {
      if (Date.now() > deadline) throw new Error("shop A was not erased");
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await db.session.count({ where: { shop: A } })).toBe(0);
    await expectBIntact();
  });
});
