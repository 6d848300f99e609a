// Embedded auth end to end: the production build, its Shopify traffic sent to the local store
// emulator, exchanges a session token for an expiring offline token and stores it with its
// refresh token; app/uninstalled then removes it.
import { afterAll, beforeAll, expect, it } from "vitest";
import { ShopifyEmulator, startEmulatorServer, type RunningEmulator } from "../../emulator/index";
import { TEST_API_KEY, TEST_API_SECRET, signedWebhook, startApp, type RunningApp } from "../../scripts/lib/app-process";
import { describeEachDb } from "../support/db";

const SHOP = "token-exchange.myshopify.com";
let emulator: ShopifyEmulator;
let server: RunningEmulator;

beforeAll(async () => {
  emulator = new ShopifyEmulator({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET });
  emulator.createShop(SHOP);
  server = await startEmulatorServer(emulator);
}, 120_000);
afterAll(() => server?.stop());

describeEachDb("embedded app with token exchange", (get) => {
  let app: RunningApp;
  // Stopped before the database is dropped (after hooks run in reverse order).
  afterAll(() => app?.stop());
  beforeAll(async () => {
    app = await startApp({ DATABASE_URL: get().url, SHOPIFY_API_ORIGIN_OVERRIDE: server.baseUrl });
  }, 60_000);

  it("exchanges the session token once for an expiring offline token with a refresh token", async () => {
    emulator.log.clear();
    const host = Buffer.from(`admin.shopify.com/store/${SHOP.split(".")[0]}`).toString("base64url");
    const open = () =>
      fetch(`${app.baseUrl}/app?embedded=1&shop=${SHOP}&host=${host}&id_token=${emulator.sessionToken(SHOP)}`, {
        // The admin loads the app in a browser iframe; the library turns bot user agents away (410).
        headers: { "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36" },
      });

    const first = await open();
    expect(first.status, app.output()).toBe(200);
    expect(await first.text()).toContain('<ui-title-bar title="Dashboard">');
    // App Bridge: the shop's admin may frame the embedded app (the library's policy, kept by ours).
    expect(first.headers.get("content-security-policy")).toMatch(new RegExp(`^frame-ancestors https://${SHOP.replace(/\./g, "\\.")} https://admin\\.shopify\\.com `));
    expect(first.headers.get("x-content-type-options")).toBe("nosniff");

    const sessions = await get().db.session.findMany({ where: { shop: SHOP, isOnline: false } });
    expect(sessions).toHaveLength(1);
    const session = sessions[0]!;
    expect(session.accessToken).not.toBe("");
    expect(session.refreshToken).toBeTruthy();
    const ttl = (session.expires!.getTime() - Date.now()) / 1000;
    expect(ttl).toBeGreaterThan(3000);
    expect(ttl).toBeLessThanOrEqual(3600);
    expect(session.refreshTokenExpires!.getTime()).toBeGreaterThan(session.expires!.getTime());
    // afterAuth read the shop's numeric id with the new token (webhook bodies are checked against it).
    const shopRow = await get().db.shop.findUniqueOrThrow({ where: { shop: SHOP } });
    expect(shopRow.shopId).toBe(String(emulator.shop(SHOP).info.id));
    // ...and created the usage subscription the guarantee's fees are billed through (approved by the
    // emulator), recording the one that is active.
    const active = emulator.shop(SHOP).installation.subscriptions.filter((s) => s.status === "ACTIVE");
    expect(active).toHaveLength(1);
    expect(shopRow).toMatchObject({ subscriptionStatus: "ACTIVE", subscriptionId: `gid://shopify/AppSubscription/${active[0]!.id}`, billingCurrency: "USD" });

    // The first load runs the layout and page loaders in parallel, and each may exchange (the
    // library does not coalesce them); every later load reuses the stored token.
    const exchanges = () => emulator.log.all({ kind: "oauth", shop: SHOP }).length;
    const afterFirst = exchanges();
    expect(afterFirst).toBeGreaterThanOrEqual(1);
    expect(afterFirst).toBeLessThanOrEqual(2);
    expect((await open()).status).toBe(200);
    expect((await open()).status).toBe(200);
    expect(exchanges()).toBe(afterFirst);
  });

  it("app/uninstalled removes the shop's sessions", async () => {
    const body = JSON.stringify({ id: emulator.shop(SHOP).info.id, myshopify_domain: SHOP });
    const res = await fetch(`${app.baseUrl}/webhooks/app/uninstalled`, { method: "POST", headers: signedWebhook("app/uninstalled", SHOP, body), body });
    expect(res.status).toBe(200);
    expect(await get().db.session.count({ where: { shop: SHOP } })).toBe(0);
  });
});
