// `npm start` in earnest: the production build serves pages and verifies webhooks, and refuses
// to start with a broken environment.
import { afterAll, beforeAll, expect, it } from "vitest";
import { runAppToExit, signedWebhook, startApp, type RunningApp } from "../../scripts/lib/app-process";
import { describeEachDb } from "../support/db";

const SHOP = "start-test.myshopify.com";

it("refuses to start without SHOPIFY_API_SECRET, naming it", async () => {
  const { code, output } = await runAppToExit({ SHOPIFY_API_SECRET: undefined, DATABASE_URL: "file:./.cache/test/never.sqlite" });
  expect(code).not.toBe(0);
  expect(output).toMatch(/SHOPIFY_API_SECRET is required/);
}, 30_000);

describeEachDb("production server", (get) => {
  let app: RunningApp;
  // Stopped before the database is dropped (after hooks run in reverse order).
  afterAll(() => app?.stop());
  beforeAll(async () => {
    app = await startApp({ DATABASE_URL: get().url });
    // Installed, as token exchange leaves it: uninstall and compliance topics act only for a known shop.
    await get().db.shop.create({ data: { shop: SHOP } });
  }, 60_000);

  it("serves the landing page", async () => {
    const res = await fetch(`${app.baseUrl}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Holdfast");
  });

  it("answers a signed app/uninstalled webhook with 200 and records it once", async () => {
    const body = JSON.stringify({ id: 1, name: "Start test", domain: SHOP, myshopify_domain: SHOP });
    const headers = signedWebhook("app/uninstalled", SHOP, body);
    const first = await fetch(`${app.baseUrl}/webhooks/app/uninstalled`, { method: "POST", headers, body });
    expect(first.status).toBe(200);
    const again = await fetch(`${app.baseUrl}/webhooks/app/uninstalled`, { method: "POST", headers, body });
    expect(again.status).toBe(200);
    const { db } = get();
    expect(await db.webhookDelivery.count({ where: { shop: SHOP, topic: "app/uninstalled" } })).toBe(1);
    expect((await db.shop.findUnique({ where: { shop: SHOP } }))?.uninstalledAt).toBeInstanceOf(Date);
  });

  it("answers an unsigned or wrongly signed webhook with 401 and records nothing", async () => {
    const body = JSON.stringify({ id: 2 });
    const { "X-Shopify-Hmac-Sha256": _sig, ...unsigned } = signedWebhook("app/uninstalled", SHOP, body);
    const res = await fetch(`${app.baseUrl}/webhooks/app/uninstalled`, { method: "POST", headers: unsigned, body });
    expect(res.status).toBe(401);
    const forged = signedWebhook("orders/create", SHOP, body, "not-the-secret");
    const res2 = await fetch(`${app.baseUrl}/webhooks/orders/create`, { method: "POST", headers: forged, body });
    expect(res2.status).toBe(401);
    expect(await get().db.webhookDelivery.count({ where: { shop: SHOP, topic: "orders/create" } })).toBe(0);
  });

  it.each([
    ["orders/create", "/webhooks/orders/create"],
    ["orders/updated", "/webhooks/orders/updated"],
    ["disputes/create", "/webhooks/disputes"],
    ["disputes/update", "/webhooks/disputes"],
    ["app/scopes_update", "/webhooks/app/scopes_update"],
    ["customers/data_request", "/webhooks/compliance"],
    ["customers/redact", "/webhooks/compliance"],
    ["shop/redact", "/webhooks/compliance"],
  ])("accepts a signed %s delivery at %s", async (topic, path) => {
    // Compliance bodies name their shop; the others are checked by their handlers (recorded invalid here).
    const compliance = { shop_id: 1, shop_domain: SHOP, ...(topic.startsWith("customers/") ? { customer: { id: 4 } } : {}) };
    const body = JSON.stringify(path === "/webhooks/compliance" ? compliance : { id: 3, current: ["read_orders"] });
    const res = await fetch(`${app.baseUrl}${path}`, { method: "POST", headers: signedWebhook(topic, SHOP, body), body });
    expect(res.status).toBe(200);
  });

  it("refuses with 401 a body signed for another shop, a topic of another route and a shop that is not a myshopify domain", async () => {
    const other = "start-test-other.myshopify.com";
    const redact = JSON.stringify({ shop_id: 2, shop_domain: other });
    const cases: [string, Record<string, string>][] = [
      ["/webhooks/compliance", signedWebhook("shop/redact", SHOP, redact)],
      ["/webhooks/orders/create", signedWebhook("foo/bar", SHOP, redact)],
      ["/webhooks/compliance", signedWebhook("shop/redact", "169.254.169.254", redact)],
    ];
    for (const [path, headers] of cases) {
      const res = await fetch(`${app.baseUrl}${path}`, { method: "POST", headers, body: redact });
      expect(res.status, `${path} ${headers["X-Shopify-Topic"]} ${headers["X-Shopify-Shop-Domain"]}`).toBe(401);
    }
    const webhookIds = cases.map(([, headers]) => headers["X-Shopify-Webhook-Id"] ?? "");
    expect(await get().db.webhookDelivery.count({ where: { webhookId: { in: webhookIds } } })).toBe(0);
    expect(await get().db.job.count({ where: { kind: "shop_redact", dedupeKey: { in: webhookIds.map((id) => `shop_redact:${id}`) } } })).toBe(0);
  });
});
