/** The emulator answers Shopify's own libraries the way Shopify does (shopify-api 13.1 through setAbstractFetchFunc, graphql-request). */
import "@shopify/shopify-api/adapters/node";
import { ApiVersion, GraphqlQueryError, RequestedTokenType, shopifyApi, type Session } from "@shopify/shopify-api";
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { GraphQLClient } from "graphql-request";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../emulator/clock.js";
import { ShopifyEmulator } from "../../emulator/emulator.js";
import { OrderFactory } from "../../emulator/order-factory.js";
import { emulatorFetch, startEmulatorServer, type RunningEmulator } from "../../emulator/server.js";
import { WebhookSender } from "../../emulator/webhooks.js";

const SHOP = "compat.myshopify.com";
const clock = new ManualClock(Date.now()); // jose checks session tokens against the real clock
const emulator = new ShopifyEmulator({ clock, apiKey: "compat-key", apiSecret: "compat-secret" });
let server: RunningEmulator;

const shopify = shopifyApi({
  apiKey: "compat-key",
  apiSecretKey: "compat-secret",
  scopes: ["read_orders", "write_orders"],
  hostName: "holdfast.example",
  apiVersion: ApiVersion.July26,
  isEmbeddedApp: true,
  logger: { level: 0 },
  future: {},
});

beforeAll(async () => {
  emulator.createShop(SHOP);
  server = await startEmulatorServer(emulator);
  setAbstractFetchFunc(emulatorFetch(server.baseUrl) as Parameters<typeof setAbstractFetchFunc>[0]);
});
afterAll(async () => {
  await server.stop();
});

async function offlineSession(): Promise<Session> {
  const { session } = await shopify.auth.tokenExchange({
    shop: SHOP,
    sessionToken: emulator.sessionToken(SHOP),
    requestedTokenType: RequestedTokenType.OfflineAccessToken,
    expiring: true,
  });
  return session;
}

describe("@shopify/shopify-api 13.1 against the emulator", () => {
  it("performs token exchange and refresh, and queries GraphQL with the resulting session", async () => {
    const session = await offlineSession();
    expect(session.accessToken).toMatch(/^shpat_/);
    expect(session.refreshToken).toMatch(/^shprt_/);
    expect(Math.abs((session.expires?.getTime() ?? 0) - (Date.now() + 3600 * 1000))).toBeLessThan(60_000); // the library adds expires_in to its own clock
    const client = new shopify.clients.Graphql({ session });
    const res = await client.request(`query ShopName { shop { name myshopifyDomain } }`);
    expect(res.data).toEqual({ shop: { name: "compat", myshopifyDomain: SHOP } });
    expect(res.extensions).toMatchObject({ cost: { requestedQueryCost: 1, throttleStatus: { maximumAvailable: 2000, restoreRate: 100 } } });

    const { session: refreshed } = await shopify.auth.refreshToken({ shop: SHOP, refreshToken: session.refreshToken ?? "" });
    expect(refreshed.accessToken).not.toBe(session.accessToken);
    expect(refreshed.refreshToken).not.toBe(session.refreshToken);
  });

  it("surfaces THROTTLED as a GraphqlQueryError and retries 429 when asked to", async () => {
    const session = await offlineSession();
    const client = new shopify.clients.Graphql({ session });
    emulator.throttle.bucket(SHOP).drain(0);
    const error = await client.request(`{ shop { name } }`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphqlQueryError);
    expect(JSON.stringify((error as GraphqlQueryError).body)).toContain("THROTTLED");
    clock.advance(10_000);
    emulator.faults.failNext(1, { kind: "status", status: 429, retryAfterSeconds: 0 });
    const retried = await client.request(`{ shop { name } }`, { retries: 1 });
    expect(retried.data).toEqual({ shop: { name: "compat" } });
    expect(emulator.log.all({ outcome: "fault" }).length).toBeGreaterThanOrEqual(1);
  });
});

describe("webhooks as seen by shopify-api's webhooks.validate (what authenticate.webhook uses)", () => {
  it("accepts the emulator's signature and headers, and rejects a tampered body", async () => {
    const seen: unknown[] = [];
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const rawBody = Buffer.concat(chunks).toString("utf8");
        void shopify.webhooks.validate({ rawBody, rawRequest: req, rawResponse: res }).then((check) => {
          seen.push(check);
          res.writeHead(check.valid ? 200 : 401);
          res.end();
        });
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    try {
      const sender = new WebhookSender(emulator, { targetBaseUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`, retrySchedule: [] });
      emulator.shop(SHOP).addOrder(new OrderFactory({ seed: 4 }).legit().draft);
      const order = [...emulator.shop(SHOP).orders.values()][0];
      const delivery = sender.ordersCreate(SHOP, order?.id ?? 0);
      expect((await sender.deliver(delivery)).ok).toBe(true);
      expect(seen[0]).toMatchObject({ valid: true, topic: "ORDERS_CREATE", domain: SHOP, apiVersion: "2026-07", webhookId: delivery.webhookId, eventId: delivery.eventId, triggeredAt: delivery.triggeredAt });
      // original signature, altered body
      const tampered = await fetch(sender.url(delivery), { method: "POST", headers: sender.headers(delivery), body: delivery.body.replace(/"total_price":"[^"]+"/, '"total_price":"0.01"') });
      expect(tampered.status).toBe(401);
      expect(seen[1]).toMatchObject({ valid: false, reason: "invalid_hmac" });
    } finally {
      receiver.close();
    }
  });
});

describe("graphql-request with the rewriting fetch", () => {
  it("reaches the emulator for https://<shop>.myshopify.com", async () => {
    const grant = emulator.install(SHOP);
    const client = new GraphQLClient(`https://${SHOP}/admin/api/2026-07/graphql.json`, {
      fetch: emulatorFetch(server.baseUrl),
      headers: { "X-Shopify-Access-Token": grant.access_token },
    });
    expect(await client.request<{ shop: { name: string } }>(`query { shop { name } }`)).toEqual({ shop: { name: "compat" } });
    await expect(client.request(`query { order(id: "gid://shopify/Order/1") { clientDetails { browserIp } } }`)).rejects.toThrow(/clientDetails/);
  });
});
