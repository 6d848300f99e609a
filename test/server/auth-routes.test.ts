// The auth routes and response headers of the production build (issue 11, finding 5;
// docs/security.md, "Auth routes and response headers"): each attack of the finding, through the
// real HTTP stack (scripts/serve.mjs, Remix, the Shopify library).
import { readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintSessionToken } from "../../emulator/session-token";
import { TEST_API_KEY, TEST_API_SECRET, signedWebhook, startApp, type RunningApp } from "../../scripts/lib/app-process";
import { describeEachDb } from "../support/db";
import { WEBHOOK_ROUTES } from "../../app/webhooks/subscriptions.server";

const SHOP = "auth-routes.myshopify.com";
const HOST = Buffer.from("admin.shopify.com/store/auth-routes").toString("base64url");
// The admin loads the app in a browser iframe; the library turns bot user agents away (410).
const BROWSER = { "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36" };
const WEBHOOK_PATHS = Object.keys(WEBHOOK_ROUTES);

const token = (dest: string | undefined) => mintSessionToken({ shop: SHOP, apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, overrides: { dest } });

describeEachDb("auth routes and response headers of the production server", (get) => {
  let app: RunningApp;
  // Stopped before the database is dropped (after hooks run in reverse order).
  afterAll(() => app?.stop());
  beforeAll(async () => {
    app = await startApp({ DATABASE_URL: get().url });
  }, 60_000);

  const open = (path: string, init: RequestInit = {}) =>
    fetch(`${app.baseUrl}${path}`, { redirect: "manual", ...init, headers: { ...BROWSER, ...init.headers } });

  describe("/auth/exit-iframe", () => {
    it.each([
      "https://evil.example",
      "https://evil.example/admin",
      "//evil.example/app",
      "/\\evil.example",
      "javascript:alert(document.domain)",
      `https://${SHOP}.evil.example/admin`,
      "https://other-shop.myshopify.com/admin",
      "https://admin.shopify.com/store/other-shop",
    ])("refuses to open %s in the top frame (400)", async (destination) => {
      const res = await open(`/auth/exit-iframe?shop=${SHOP}&host=${HOST}&exitIframe=${encodeURIComponent(destination)}`);
      expect(res.status).toBe(400);
      expect(await res.text()).not.toContain("window.open");
    });

    it.each([
      [`/auth?shop=${SHOP}&host=${HOST}`, `https://holdfast.test/auth?shop=${SHOP}&host=${HOST}`],
      [`https://${SHOP}/admin/apps`, `https://${SHOP}/admin/apps`],
      ["https://admin.shopify.com/store/auth-routes/apps/holdfast", "https://admin.shopify.com/store/auth-routes/apps/holdfast"],
    ])("opens a page of the app or the shop's admin: %s", async (destination, opened) => {
      const res = await open(`/auth/exit-iframe?shop=${SHOP}&host=${HOST}&exitIframe=${encodeURIComponent(destination)}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain(`window.open(${JSON.stringify(opened)}, "_top")`);
    });

    it("needs a shop (400)", async () => {
      expect((await open(`/auth/exit-iframe?exitIframe=${encodeURIComponent("/app")}`)).status).toBe(400);
    });
  });

  describe("/auth/session-token (the bounce page)", () => {
    it.each(["*", "*.example", "evil.example", "a.myshopify.com https://evil.example", ""])("refuses shop=%j, which the library would put into frame-ancestors (400)", async (shop) => {
      const res = await open(`/auth/session-token?shop=${encodeURIComponent(shop)}&host=${HOST}`);
      expect(res.status).toBe(400);
      expect(res.headers.get("content-security-policy")).toBe("frame-ancestors 'none'; base-uri 'self'; object-src 'none'");
    });

    it("lets the shop's admin frame the bounce page, and no one else", async () => {
      const reload = `https://holdfast.test/app?shop=${SHOP}&host=${HOST}&embedded=1`;
      const res = await open(`/auth/session-token?shop=${SHOP}&host=${HOST}&shopify-reload=${encodeURIComponent(reload)}`);
      expect(res.status).toBe(200);
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toMatch(new RegExp(`^frame-ancestors https://${SHOP.replace(/\./g, "\\.")} https://admin\\.shopify\\.com `));
      expect(csp).not.toContain("https://*;");
      expect(csp).not.toMatch(/https:\/\/\* /);
    });

    it("refuses a shopify-reload outside the app (400)", async () => {
      const res = await open(`/auth/session-token?shop=${SHOP}&host=${HOST}&shopify-reload=${encodeURIComponent("https://evil.example/app")}`);
      expect(res.status).toBe(400);
    });
  });

  describe("session tokens", () => {
    it.each([
      ["is not a URL", "not a url"],
      ["is another site", "https://evil.example"],
      ["is missing", undefined],
    ])("a signed token whose dest %s is a 401, as a header or as id_token", async (_what, dest) => {
      const header = await open("/app", { headers: { Authorization: `Bearer ${token(dest)}` } });
      expect(header.status).toBe(401);
      const document = await open(`/app?embedded=1&shop=${SHOP}&host=${HOST}&id_token=${token(dest)}`);
      expect(document.status).toBe(401);
    });
  });

  describe("the log", () => {
    it("a line break in shop= does not write a line of its own", async () => {
      const marker = `forged-${Date.now()}`;
      const shop = `${SHOP}\n[shopify-app/INFO] ${marker} | {shop: ${SHOP}}`;
      await open(`/app?shop=${encodeURIComponent(shop)}`, { headers: { Authorization: "Bearer x" } });
      await open(`/auth/session-token?shop=${encodeURIComponent(shop)}`);
      await open(`/app?embedded=1&shop=${encodeURIComponent(shop)}&host=${HOST}`);
      await open(`/auth/login?shop=${encodeURIComponent(shop)}`);
      // The request log line of the last request is written after its response.
      await new Promise((r) => setTimeout(r, 200));
      const lines = app.output().split("\n");
      expect(lines.filter((line) => line.includes(marker) && !line.startsWith("GET "))).toEqual([]);
      expect(lines.filter((line) => line.startsWith("[shopify-"))).toEqual([]);
    });

    it("writes the library's lines as JSON", async () => {
      const lines = app.output().split("\n").filter((line) => line.includes("shopify-api/INFO"));
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(JSON.parse(line)).toMatchObject({ event: "shopify_library", severity: "info" });
    });
  });

  describe("headers on every response", () => {
    const NOT_EMBEDDED = "frame-ancestors 'none'; base-uri 'self'; object-src 'none'";
    const expectSecurityHeaders = (res: Response, what: string) => {
      // Exact values: a header sent twice would read "nosniff, nosniff".
      expect(res.headers.get("x-content-type-options"), what).toBe("nosniff");
      expect(res.headers.get("referrer-policy"), what).toBe("strict-origin-when-cross-origin");
      expect(res.headers.get("content-security-policy"), what).toBeTruthy();
    };

    it("the pages that are not embedded (/ and /auth/login) may not be framed", async () => {
      for (const path of ["/", "/auth/login"]) {
        const res = await open(path);
        expect(res.status, path).toBe(200);
        expectSecurityHeaders(res, path);
        expect(res.headers.get("content-security-policy"), path).toBe(NOT_EMBEDDED);
      }
    });

    it("data, static files, errors, refusals and webhook answers carry them too", async () => {
      const asset = readdirSync("build/client/assets").find((name) => name.endsWith(".js"));
      const body = JSON.stringify({ id: 1 });
      const responses: [string, Response][] = [
        ["data request", await open("/?_data=routes/_index")],
        ["static file", await open(`/assets/${asset}`)],
        ["not found", await open("/no-such-page")],
        ["bad session token", await open("/app", { headers: { Authorization: `Bearer ${token("https://evil.example")}` } })],
        ["unsigned webhook (fast path)", await open("/webhooks/orders/create", { method: "POST", headers: { "Content-Type": "application/json" }, body })],
        ["signed webhook (fast path)", await open("/webhooks/orders/create", { method: "POST", headers: signedWebhook("orders/create", SHOP, body), body })],
        ["webhook GET", await open("/webhooks/orders/create")],
      ];
      expect(responses.map(([what, res]) => [what, res.status])).toEqual([
        ["data request", 200],
        ["static file", 200],
        ["not found", 404],
        ["bad session token", 401],
        ["unsigned webhook (fast path)", 401],
        ["signed webhook (fast path)", 200],
        ["webhook GET", 405],
      ]);
      for (const [what, res] of responses) {
        expectSecurityHeaders(res, what);
        expect(res.headers.get("content-security-policy"), what).toBe(NOT_EMBEDDED);
      }
    });

    it("a refused page of a shop= that is not a myshopify domain may not be framed, even by a Shopify host", async () => {
      const res = await open(`/app?embedded=1&shop=x.shopify.com&host=${HOST}`);
      expect(res.status).toBe(400);
      expect(res.headers.get("content-security-policy")).toBe(NOT_EMBEDDED);
    });

    it("an embedded page keeps the library's frame-ancestors for its shop, sent once", async () => {
      const res = await open(`/auth/session-token?shop=${SHOP}&host=${HOST}`);
      expectSecurityHeaders(res, "bounce page");
      expect(res.headers.get("content-security-policy")).toMatch(new RegExp(`^frame-ancestors https://${SHOP.replace(/\./g, "\\.")} https://admin\\.shopify\\.com [^,]*$`));
    });
  });

  describe("webhook routes", () => {
    it.each(WEBHOOK_PATHS.flatMap((path) => ["GET", "HEAD", "PUT", "DELETE"].map((method) => [method, path] as const)))("%s %s is a 405 that allows POST", async (method, path) => {
      const res = await open(path, { method, ...(method === "PUT" || method === "DELETE" ? { body: "{}" } : {}) });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("POST");
    });

    it("a signed delivery sent with PUT is refused, not accepted (405)", async () => {
      const body = JSON.stringify({ id: 2 });
      const headers = signedWebhook("orders/create", SHOP, body);
      const res = await open("/webhooks/orders/create", { method: "PUT", headers, body });
      expect(res.status).toBe(405);
      expect(await get().db.webhookDelivery.count({ where: { webhookId: headers["X-Shopify-Webhook-Id"] } })).toBe(0);
    });
  });
});
