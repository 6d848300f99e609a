import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../emulator/clock.js";
import { ShopifyEmulator } from "../../emulator/emulator.js";
import { adminGraphql } from "../../emulator/helpers.js";
import { emulatorFetch, startEmulatorServer, type RunningEmulator } from "../../emulator/server.js";

const SHOP = "faults.myshopify.com";
const running: RunningEmulator[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
});

async function setup() {
  const slept: number[] = [];
  const emulator = new ShopifyEmulator({ clock: new ManualClock(), sleep: async (ms) => void slept.push(ms) });
  emulator.createShop(SHOP);
  const { access_token: token } = emulator.install(SHOP);
  const server = await startEmulatorServer(emulator);
  running.push(server);
  const fetchViaServer = emulatorFetch(server.baseUrl);
  const call = (query = "{ shop { name } }") => adminGraphql(emulator, SHOP, token, query, {}, fetchViaServer);
  return { emulator, server, call, slept, fetchViaServer, token };
}

describe("HTTP server and URL-rewriting fetch", () => {
  it("serves https://<shop>.myshopify.com traffic on 127.0.0.1 through emulatorFetch, and the /shops/<shop> path directly", async () => {
    const { server, call, token } = await setup();
    expect(server.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await call();
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ shop: { name: "faults" } });
    const direct = await fetch(`${server.baseUrl}/shops/${SHOP}/admin/api/2026-07/graphql.json`, { method: "POST", headers: { "content-type": "application/json", "x-shopify-access-token": token }, body: JSON.stringify({ query: "{ shop { name } }" }) });
    expect(direct.status).toBe(200);
    const unknown = await fetch(`${server.baseUrl}/shops/nobody.myshopify.com/admin/api/2026-07/graphql.json`, { method: "POST", body: "{}" });
    expect(unknown.status).toBe(404);
  });
});

describe("fault injection", () => {
  it("fails the next N calls with 503, then recovers", async () => {
    const { emulator, call } = await setup();
    emulator.faults.failNext(2);
    expect((await call()).status).toBe(503);
    expect((await call()).status).toBe(503);
    expect((await call()).status).toBe(200);
    expect(emulator.log.all({ outcome: "fault" })).toHaveLength(2);
  });

  it("answers 429 with Retry-After in seconds", async () => {
    const { emulator, call } = await setup();
    emulator.faults.failNext(1, { kind: "status", status: 429, retryAfterSeconds: 2 });
    const res = await call();
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("2");
  });

  it("drops the connection (the client sees a network error)", async () => {
    const { emulator, call } = await setup();
    emulator.faults.failNext(1, { kind: "drop" });
    await expect(call()).rejects.toThrow(/fetch failed/);
    expect((await call()).status).toBe(200);
    emulator.faults.failNext(1, { kind: "drop" });
    await expect(emulator.fetch(`https://${SHOP}/admin/api/2026-07/graphql.json`, { method: "POST", body: "{}" })).rejects.toThrow(TypeError);
  });

  it("adds latency through the injectable sleep, and targets faults by operation", async () => {
    const { emulator, call, slept } = await setup();
    emulator.faults.latency(250);
    emulator.faults.failNext(1, { kind: "status", status: 500 }, { operation: "tagsAdd" });
    expect((await call()).status).toBe(200);
    expect(slept).toEqual([250]);
    const tags = await call(`mutation { tagsAdd(id: "gid://shopify/Order/1", tags: ["x"]) { userErrors { message } } }`);
    expect(tags.status).toBe(500);
    emulator.faults.clear();
    await call();
    expect(slept).toEqual([250, 250]);
  });
});
