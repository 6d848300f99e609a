// The Admin API gateway, on both databases: its retry policy against the emulator (each kind of
// failure the classifier names, see attempt.test.ts for the classifier's table), and its shared
// parts: the per-shop cost limiter (shared by processes through ApiBudget) and offline tokens (one
// refresh per shop at a time, across processes). "Processes" here are separate limiter / token /
// gateway instances on one database, which share nothing in memory.
import { expect, it, vi } from "vitest";
import { describeEachDb } from "../support/db";
import { installOffline } from "../support/pipeline";
import { TEST_API_KEY, TEST_API_SECRET } from "../../scripts/lib/app-process";
import { ManualClock, OrderFactory, ShopifyEmulator, gid, type ThrottleConfig } from "../../emulator/index";
import { BudgetWaitError, CostLimiter, SYNC_MS } from "../../app/shopify/limiter.server";
import { DeferJob } from "../../app/jobs/queue.server";
import { classifyError } from "../../app/background/runtime.server";
import { AdminApiError, AdminGateway, AmbiguousMutationError, ShopUnavailableError, type GatewayOptions } from "../../app/shopify/gateway.server";
import { AddTags } from "../../app/shopify/operations";
import { OfflineTokens, TokenEndpointError } from "../../app/shopify/tokens.server";

/** A clock and a sleep that advances it, so waits are measured, not slept. */
function fakeTime(start = Date.parse("2026-11-24T10:00:00Z")) {
  let now = start;
  const slept: number[] = [];
  return {
    now: () => now,
    advance: (ms: number) => (now += ms),
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
    slept,
  };
}

const status = (available: number, maximum = 2000, rate = 100) => ({ currentlyAvailable: available, maximumAvailable: maximum, restoreRate: rate });

describeEachDb("cost limiter", (get) => {
  let n = 0;
  const shop = () => `limiter-${n}.myshopify.com`;
  const next = () => (n++, shop());

  it("knows nothing before Shopify's first answer and lets the call go", async () => {
    const t = fakeTime();
    const limiter = new CostLimiter(get().db, t);
    await limiter.acquire(next(), 500);
    expect(t.slept).toEqual([]);
  });

  it("when the bucket is short, waits (cost - available) / restoreRate and reserves in the database", async () => {
    const t = fakeTime();
    const s = next();
    const limiter = new CostLimiter(get().db, t);
    await limiter.report(s, status(50));
    await limiter.acquire(s, 250);
    // 200 points short at 100/s: two seconds, and 50 ms of margin.
    expect(t.slept).toEqual([2050]);
    const row = await get().db.apiBudget.findUniqueOrThrow({ where: { shop: s } });
    expect(row.available).toBeCloseTo(5); // the margin's points, left in the bucket
  });

  it("shares a short bucket between processes: the second one waits for what the first reserved", async () => {
    const t = fakeTime();
    const slept: Record<string, number[]> = { a: [], b: [] };
    const clock = (who: string) => ({ now: t.now, sleep: async (ms: number) => void (slept[who]!.push(ms), t.advance(ms)) });
    const s = next();
    const limiterA = new CostLimiter(get().db, clock("a"));
    const limiterB = new CostLimiter(get().db, clock("b"));
    await limiterA.report(s, status(400));
    await limiterA.acquire(s, 300);
    expect(slept.a).toEqual([]);
    await limiterB.acquire(s, 300);
    // 100 left after A's reservation; B needs 200 more at 100/s (and the 50 ms margin).
    expect(slept.b).toEqual([2050]);
  });

  it("a full enough bucket is reserved in the process, and written to the database at most once per sync interval", async () => {
    const t = fakeTime();
    const s = next();
    const limiter = new CostLimiter(get().db, t);
    await limiter.report(s, status(2000));
    const first = await get().db.apiBudget.findUniqueOrThrow({ where: { shop: s } });
    for (let i = 0; i < 5; i++) {
      const reserved = await limiter.acquire(s, 100);
      t.advance(10);
      limiter.release(s, reserved); // answered
      await limiter.report(s, status(1900 - i * 100));
    }
    expect(t.slept).toEqual([]);
    // Still the first write: the bucket stayed above half and less than SYNC_MS passed.
    expect((await get().db.apiBudget.findUniqueOrThrow({ where: { shop: s } })).version).toBe(first.version);
    t.advance(SYNC_MS);
    await limiter.report(s, status(1400));
    expect((await get().db.apiBudget.findUniqueOrThrow({ where: { shop: s } })).available).toBe(1400);
    // Below half, every answer is written: other processes see exactly what is left.
    await limiter.report(s, status(900));
    expect((await get().db.apiBudget.findUniqueOrThrow({ where: { shop: s } })).available).toBe(900);
  });

  it("Shopify's figure after one answer does not yet include calls still in flight: their reservations stay subtracted", async () => {
    const t = fakeTime();
    const s = next();
    const limiter = new CostLimiter(get().db, t);
    await limiter.report(s, status(800));
    const a = await limiter.acquire(s, 300); // in flight
    const b = await limiter.acquire(s, 200); // answered first
    limiter.release(s, b);
    await limiter.report(s, status(600)); // Shopify has charged b, not a yet
    expect((await get().db.apiBudget.findUniqueOrThrow({ where: { shop: s } })).available).toBe(300);
    limiter.release(s, a);
    await limiter.report(s, status(300)); // now a is charged too
    expect((await get().db.apiBudget.findUniqueOrThrow({ where: { shop: s } })).available).toBe(300);
    expect(t.slept).toEqual([]);
  });

  it("a large request that has waited too long gets its points set aside: small ones no longer overtake it", async () => {
    const t = fakeTime();
    const s = next();
    // Time passes in steps shared by both callers (50 ms of clock per real millisecond).
    const sleep = async (ms: number) => {
      for (let left = ms; left > 0; left -= 50) {
        await new Promise((r) => setTimeout(r, 1));
        t.advance(Math.min(50, left));
      }
    };
    const limiter = new CostLimiter(get().db, { now: t.now, sleep });
    await limiter.report(s, status(0, 1000, 100));
    const order: string[] = [];
    let bigDone = false;
    const big = limiter.acquire(s, 900).then(() => ((bigDone = true), order.push("big")));
    // A stream of small requests, each answered at once and reported as spending what was there.
    while (!bigDone) {
      const r = await limiter.acquire(s, 50);
      limiter.release(s, r);
      order.push("small");
      await limiter.report(s, status(0, 1000, 100));
      if (order.length > 200) break;
    }
    await big;
    // Without the set-aside, each small request would take the points as they come back and the
    // big one would wait for ever; with it, the big one goes after about STARVING_MS + its own wait.
    expect(bigDone).toBe(true);
    expect(order.filter((o) => o === "small").length).toBeLessThan(100);
  });

  it("with a maximum wait, a caller that would wait longer gets a BudgetWaitError instead of sleeping on", async () => {
    const t = fakeTime();
    const s = next();
    // Sleepers wake when the test moves the clock past their time.
    const sleepers: { until: number; wake: () => void }[] = [];
    const sleep = (ms: number) => new Promise<void>((wake) => void sleepers.push({ until: t.now() + ms, wake }));
    const limiter = new CostLimiter(get().db, { now: t.now, sleep, maxWaitMs: 1000 });
    await limiter.report(s, status(0));
    const start = t.now();
    // Five calls of 80 points at once on an empty bucket restoring 100/s: each would fit in a
    // second on its own, but only one fits in the first second.
    const outcomes = Promise.all(
      Array.from({ length: 5 }, () =>
        limiter.acquire(s, 80).then(
          () => ({ after: t.now() - start, error: undefined }),
          (error: unknown) => ({ after: t.now() - start, error }),
        ),
      ),
    );
    while (sleepers.length < 5) await new Promise((r) => setTimeout(r, 5));
    expect(sleepers.map((x) => x.until - start)).toEqual([850, 850, 850, 850, 850]); // 80 points and the 50 ms margin
    t.advance(850);
    for (const x of sleepers.splice(0)) x.wake();
    const results = await outcomes;
    expect(sleepers).toEqual([]); // nobody sleeps on past the maximum
    expect(results.filter((r) => r.error === undefined)).toHaveLength(1);
    const deferred = results.filter((r) => r.error !== undefined);
    expect(deferred).toHaveLength(4);
    for (const { error, after } of deferred) {
      expect(error).toBeInstanceOf(BudgetWaitError);
      expect(error).toMatchObject({ shop: s, waitMs: 800 });
      expect(after).toBe(850);
    }
  });

  it("with a maximum wait, a call whose own cost takes longer than that to restore still waits (deferring it could starve it)", async () => {
    const t = fakeTime();
    const s = next();
    const limiter = new CostLimiter(get().db, { ...t, maxWaitMs: 1000 });
    await limiter.report(s, status(0));
    await limiter.acquire(s, 500);
    expect(t.slept).toEqual([5050]);
  });

  it("another process's view catches up within the sync interval", async () => {
    const t = fakeTime();
    const s = next();
    const writer = new CostLimiter(get().db, t);
    const reader = new CostLimiter(get().db, t);
    await writer.report(s, status(2000));
    await reader.acquire(s, 100); // reads the shared state: full
    await writer.report(s, status(100)); // short: written at once
    t.advance(SYNC_MS);
    await reader.acquire(s, 300); // re-reads after the interval: 100 + 100 restored, needs 300 (+ margin)
    expect(t.slept).toEqual([1050]);
  });
});

describeEachDb("offline tokens", (get) => {
  it("an expiring token is refreshed once, however many calls and processes need it at the same time", async () => {
    const emulator = new ShopifyEmulator({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET });
    const shop = "tokens-expiring.myshopify.com";
    emulator.createShop(shop);
    await installOffline(get().db, emulator, shop, { expiresInMs: 60_000 }); // inside the 5-minute margin
    const gateways = [0, 1].map(() => new AdminGateway({ db: get().db, apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, fetch: emulator.fetch }));
    const query = "query ShopName { shop { name } }";
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => gateways[i % 2]!.request<{ shop: { name: string } }>(shop, query)));
    expect(results.every((r) => typeof r.shop.name === "string")).toBe(true);
    const refreshes = emulator.log.all({ kind: "oauth", shop }).filter((c) => c.operationName === "refresh_token");
    expect(refreshes).toHaveLength(1);
    const session = await get().db.session.findUniqueOrThrow({ where: { id: `offline_${shop}` } });
    expect(session.expires!.getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);
  });

  it("a refresh answered without expires_in stores a token without an expiry, and a later 401 refreshes it again", async () => {
    const emulator = new ShopifyEmulator({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET });
    const shop = "tokens-no-expiry.myshopify.com";
    emulator.createShop(shop);
    await installOffline(get().db, emulator, shop, { expiresInMs: 60_000 }); // due for a refresh
    emulator.answers.refreshExpiresIn = false;
    const gateway = new AdminGateway({ db: get().db, apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, fetch: emulator.fetch });
    const query = "query ShopName { shop { name } }";
    expect((await gateway.request<{ shop: { name: string } }>(shop, query)).shop.name).toEqual(expect.any(String));
    const session = await get().db.session.findUniqueOrThrow({ where: { id: `offline_${shop}` } });
    expect(session.expires).toBeNull();
    const refreshes = () => emulator.log.all({ kind: "oauth", shop }).filter((c) => c.operationName === "refresh_token").length;
    expect(refreshes()).toBe(1);
    // No expiry known: not refreshed ahead of time; when Shopify refuses the token, it is refreshed on the 401.
    await gateway.request(shop, query);
    expect(refreshes()).toBe(1);
    emulator.tokens.expire(session.accessToken);
    expect((await gateway.request<{ shop: { name: string } }>(shop, query)).shop.name).toEqual(expect.any(String));
    expect(refreshes()).toBe(2);
  });

  it("after another process rotated the token, a 401 picks up the new token without refreshing again", async () => {
    const emulator = new ShopifyEmulator({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET });
    const shop = "tokens-rotated.myshopify.com";
    emulator.createShop(shop);
    await installOffline(get().db, emulator, shop);
    const deps = { apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, fetch: emulator.fetch };
    const a = new OfflineTokens(get().db, deps);
    const b = new OfflineTokens(get().db, deps);
    const old = await a.get(shop); // A caches it
    const rotated = await b.refresh(shop, old); // B refreshes (as after its own 401)
    expect(rotated).not.toBe(old);
    expect(await a.refresh(shop, old)).toBe(rotated); // A's 401 on the old token
    expect(emulator.log.all({ kind: "oauth", shop }).filter((c) => c.operationName === "refresh_token")).toHaveLength(1);
  });

  /** The emulator, except that the token endpoint answers `status` and `body`. */
  function tokenReply(emulator: ShopifyEmulator, status: number, body: string): typeof fetch {
    return async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : input);
      if (url.pathname !== "/admin/oauth/access_token") return emulator.fetch(input, init);
      return new Response(body, { status, headers: { "content-type": body.startsWith("<") ? "text/html" : "application/json" } });
    };
  }

  it.each<[string, number, string, boolean, RegExp]>([
    ["JSON without an access_token", 200, '{"scope":"read_orders"}', true, /without a usable grant \(access_token: Required\)/],
    ["an access_token that is not a string", 200, '{"access_token":5,"expires_in":3600}', true, /access_token: Expected string, received number/],
    ["JSON null", 200, "null", true, /\(body\): Expected object, received null/],
    ["an unreadable expires_in", 200, '{"access_token":"shpat_new","expires_in":"soon"}', true, /expires_in: Expected number, received string/],
    ["a 200 that is not JSON (a proxy's page): retryable", 200, "<html>Service Unavailable</html>", false, /answered 200 with a body that is not JSON/],
    ["a 502 that is not JSON: retryable", 502, "<html>Bad Gateway</html>", false, /answered 502$/],
  ])("a token endpoint reply with %s is a clear TokenEndpointError, and the stored session is kept", async (_what, status, body, permanent, message) => {
    const emulator = new ShopifyEmulator({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET });
    const shop = "tokens-malformed.myshopify.com";
    emulator.createShop(shop);
    await installOffline(get().db, emulator, shop);
    const before = await get().db.session.findUniqueOrThrow({ where: { id: `offline_${shop}` } });
    const tokens = new OfflineTokens(get().db, { apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, fetch: tokenReply(emulator, status, body) });
    const error = await tokens.refresh(shop, before.accessToken).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenEndpointError);
    expect(error).toMatchObject({ permanent, message: expect.stringMatching(message) });
    expect(await get().db.session.findUniqueOrThrow({ where: { id: `offline_${shop}` } })).toEqual(before);
  });

  it("through the gateway, a refresh answered without a grant is a permanent AdminApiError; a 5xx from the token endpoint is retryable", async () => {
    const emulator = new ShopifyEmulator({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET });
    const shop = "tokens-malformed-gateway.myshopify.com";
    emulator.createShop(shop);
    const query = "query ShopName { shop { name } }";
    const gateway = (status: number, body: string) =>
      new AdminGateway({ db: get().db, apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, fetch: tokenReply(emulator, status, body) });

    await installOffline(get().db, emulator, shop, { expiresInMs: 60_000 }); // due for a refresh
    const malformed = await gateway(200, '{"token":"shpat_new"}').request(shop, query).catch((e: unknown) => e);
    expect(malformed).toBeInstanceOf(AdminApiError);
    expect(malformed).toMatchObject({ code: "TOKEN_REFRESH", permanent: true, message: expect.stringMatching(/access_token: Required/) });

    const unavailable = await gateway(503, "<html>Service Unavailable</html>").request(shop, query).catch((e: unknown) => e);
    expect(unavailable).toBeInstanceOf(AdminApiError);
    expect(unavailable).toMatchObject({ code: "TOKEN_REFRESH", permanent: false });
    expect(emulator.log.all({ kind: "graphql", shop })).toEqual([]);
  });
});

describeEachDb("admin gateway", (get) => {
  let n = 0;
  const SHOP_NAME = "query ShopName { shop { name } }";
  const INTERNAL_ERROR = JSON.stringify({ errors: [{ message: "Internal error. Looks like something went wrong on our end.", extensions: { code: "INTERNAL_SERVER_ERROR" } }] });

  /** An installed shop on the emulator and a gateway whose waits are measured: they advance both the gateway's and the emulator's clock. */
  async function world(opts: { throttle?: Partial<ThrottleConfig>; gateway?: Partial<GatewayOptions>; frozenEmulator?: boolean } = {}) {
    const clock = new ManualClock(Date.now());
    const emulator = new ShopifyEmulator({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, clock, throttle: opts.throttle });
    const shop = `gateway-${n++}.myshopify.com`;
    emulator.createShop(shop);
    await installOffline(get().db, emulator, shop);
    const t = fakeTime(Date.now());
    const sleep = async (ms: number) => {
      await t.sleep(ms);
      if (!opts.frozenEmulator) clock.advance(ms);
    };
    const gateway = new AdminGateway({ db: get().db, apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, fetch: emulator.fetch, now: t.now, sleep, random: () => 0.25, ...opts.gateway });
    const sent = (operation: string) => emulator.log.byOperationName(operation).length;
    return { emulator, shop, gateway, slept: t.slept, sent };
  }

  const shopName = (g: AdminGateway, shop: string) => g.request<{ shop: { name: string } }>(shop, SHOP_NAME);

  it("429: waits Retry-After in seconds and sends again", async () => {
    const w = await world();
    w.emulator.faults.failNext(1, { kind: "status", status: 429, retryAfterSeconds: 2 }, { shop: w.shop, target: "graphql" });
    expect((await shopName(w.gateway, w.shop)).shop.name).toBeTypeOf("string");
    expect(w.slept).toEqual([2000]);
    expect(w.sent("ShopName")).toBe(2);
  });

  it("still 429 after maxThrottleWaits: a retryable AdminApiError", async () => {
    const w = await world({ gateway: { maxThrottleWaits: 2 } });
    w.emulator.faults.failNext(5, { kind: "status", status: 429, retryAfterSeconds: 1 }, { shop: w.shop, target: "graphql" });
    const error = await shopName(w.gateway, w.shop).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdminApiError);
    expect(error).toMatchObject({ code: "THROTTLED", status: 429, permanent: false });
    expect(w.sent("ShopName")).toBe(3);
  });

  it("THROTTLED: waits (requested - available) / restoreRate from Shopify's throttleStatus, and sends again", async () => {
    const w = await world({ throttle: { restoreRate: 2 } });
    w.emulator.throttle.bucket(w.shop).drain(0);
    expect((await shopName(w.gateway, w.shop)).shop.name).toBeTypeOf("string");
    const throttled = w.emulator.log.all({ shop: w.shop, outcome: "throttled" });
    expect(throttled).toHaveLength(1);
    // At 2 points a second, well above the 50 ms floor and unlike the 1 s used without a status.
    expect(w.slept[0]).toBe(Math.ceil(((throttled[0]?.requestedCost ?? NaN) / 2) * 1000));
    expect(w.slept[0]).toBeGreaterThan(50);
  });

  it("still THROTTLED after maxThrottleWaits: a retryable AdminApiError", async () => {
    const w = await world({ throttle: { restoreRate: 1 }, gateway: { maxThrottleWaits: 2 }, frozenEmulator: true });
    w.emulator.throttle.bucket(w.shop).drain(0);
    const error = await shopName(w.gateway, w.shop).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdminApiError);
    expect(error).toMatchObject({ code: "THROTTLED", permanent: false });
    expect(w.emulator.log.all({ shop: w.shop, outcome: "throttled" })).toHaveLength(3);
  });

  it("a query is sent again after a 5xx, a lost connection and INTERNAL_SERVER_ERROR, with jittered exponential backoff", async () => {
    const w = await world();
    w.emulator.faults.failNext(1, { kind: "status", status: 503 }, { shop: w.shop, target: "graphql" });
    w.emulator.faults.failNext(1, { kind: "drop" }, { shop: w.shop, target: "graphql" });
    w.emulator.faults.failNext(1, { kind: "status", status: 200, body: INTERNAL_ERROR }, { shop: w.shop, target: "graphql" });
    expect((await shopName(w.gateway, w.shop)).shop.name).toBeTypeOf("string");
    // 200 ms, 400 ms, 800 ms, each times (0.5 + random) = 0.75.
    expect(w.slept).toEqual([150, 300, 600]);
    expect(w.sent("ShopName")).toBe(4);
  });

  it("a query still failing after maxRetries is a retryable AdminApiError: the job retries later", async () => {
    const w = await world({ gateway: { maxRetries: 2 } });
    w.emulator.faults.failNext(3, { kind: "status", status: 502 }, { shop: w.shop, target: "graphql" });
    const error = await shopName(w.gateway, w.shop).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdminApiError);
    expect(error).toMatchObject({ code: "UNAVAILABLE", status: 502, permanent: false, message: "ShopName: 502 after 3 tries" });
    expect(w.sent("ShopName")).toBe(3);
  });

  it("a query still answered INTERNAL_SERVER_ERROR after maxRetries is retryable too, not dead-lettered", async () => {
    const w = await world({ gateway: { maxRetries: 2 } });
    w.emulator.faults.failNext(3, { kind: "status", status: 200, body: INTERNAL_ERROR }, { shop: w.shop, target: "graphql" });
    const error = await shopName(w.gateway, w.shop).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdminApiError);
    expect(error).not.toBeInstanceOf(AmbiguousMutationError);
    expect(error).toMatchObject({ code: "INTERNAL_SERVER_ERROR", permanent: false });
    expect(w.sent("ShopName")).toBe(3);
  });

  it.each([
    ["a 5xx", { kind: "status", status: 503 }],
    ["a lost answer (carried out, then the connection dropped)", { kind: "drop_after" }],
    ["INTERNAL_SERVER_ERROR", { kind: "status", status: 200, body: INTERNAL_ERROR }],
  ] as const)("a mutation is never sent again after %s: AmbiguousMutationError", async (_what, fault) => {
    const w = await world();
    const order = w.emulator.shop(w.shop).addOrder(new OrderFactory({ seed: 3 }).legit().draft);
    w.emulator.faults.failNext(1, fault, { shop: w.shop, target: "graphql" });
    const error = await w.gateway.request(w.shop, AddTags, { id: gid("Order", order.id), tags: ["holdfast:test"] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmbiguousMutationError);
    expect(error).toBeInstanceOf(AdminApiError);
    expect(error).toMatchObject({ permanent: false, retryInMs: 1000 });
    expect(w.sent("AddTags")).toBe(1);
    expect(w.emulator.log.count("tagsAdd", w.shop)).toBe(fault.kind === "drop_after" ? 1 : 0);
    expect(w.slept).toEqual([]);
  });

  it("401: refreshes the token once and sends again", async () => {
    const w = await world();
    // Another process rotated the token and this one's is gone: Shopify refuses it.
    await get().db.session.update({ where: { id: `offline_${w.shop}` }, data: { accessToken: "shpat_revoked" } });
    expect((await shopName(w.gateway, w.shop)).shop.name).toBeTypeOf("string");
    expect(w.emulator.log.all({ kind: "oauth", shop: w.shop }).filter((c) => c.operationName === "refresh_token")).toHaveLength(1);
    expect(w.emulator.log.all({ shop: w.shop, outcome: "unauthorized" })).toHaveLength(1);
  });

  it("a 401 again after the refresh is permanent", async () => {
    const w = await world();
    w.emulator.faults.failNext(2, { kind: "status", status: 401 }, { shop: w.shop, target: "graphql" });
    const error = await shopName(w.gateway, w.shop).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdminApiError);
    expect(error).toMatchObject({ code: "HTTP", status: 401, permanent: true });
    expect(w.emulator.log.all({ kind: "oauth", shop: w.shop }).filter((c) => c.operationName === "refresh_token")).toHaveLength(1);
    expect(w.sent("ShopName")).toBe(2);
  });

  it("no offline session, GraphQL validation errors and unexpected HTTP statuses are permanent, and sent only once", async () => {
    const w = await world();
    const noSession = await shopName(w.gateway, "not-installed.myshopify.com").catch((e: unknown) => e);
    expect(noSession).toMatchObject({ name: "AdminApiError", code: "NO_SESSION", permanent: true });

    const invalid = await w.gateway.request(w.shop, "query Invalid { shop { noSuchField } }").catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(AdminApiError);
    expect(invalid).toMatchObject({ permanent: true, message: expect.stringMatching(/^Invalid: .*noSuchField/) });
    expect(w.sent("Invalid")).toBe(1);

    w.emulator.faults.failNext(1, { kind: "status", status: 403 }, { shop: w.shop, target: "graphql" });
    const forbidden = await shopName(w.gateway, w.shop).catch((e: unknown) => e);
    expect(forbidden).toMatchObject({ code: "HTTP", status: 403, permanent: true });
    expect(w.slept).toEqual([]);
  });

  it.each([
    ["frozen", 402, "SHOP_FROZEN", "frozen (402)"],
    ["locked", 423, "SHOP_LOCKED", "locked (423)"],
  ] as const)("a %s shop: one call, no retry, a ShopUnavailableError, and the shop recorded as suspended", async (availability, status, code, reason) => {
    const w = await world();
    w.emulator.shop(w.shop).availability = availability;
    const error = await shopName(w.gateway, w.shop).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopUnavailableError);
    expect(error).toMatchObject({ code, status, permanent: false, message: expect.stringMatching(/^shop suspended: /) });
    expect(w.emulator.log.all({ shop: w.shop, outcome: "unavailable" })).toHaveLength(1);
    expect(w.slept).toEqual([]);
    const row = await get().db.shop.findUniqueOrThrow({ where: { shop: w.shop } });
    expect(row.suspendedReason).toBe(reason);
    expect(row.suspendedAt).toBeInstanceOf(Date);
  });

  it("an answer without throttleStatus is used as it is, and leaves the limiter's view alone", async () => {
    const w = await world();
    await shopName(w.gateway, w.shop);
    const before = await get().db.apiBudget.findUniqueOrThrow({ where: { shop: w.shop } });
    w.emulator.answers.throttleStatus = false;
    for (let i = 0; i < 3; i++) expect((await shopName(w.gateway, w.shop)).shop.name).toEqual(expect.any(String));
    const after = await get().db.apiBudget.findUniqueOrThrow({ where: { shop: w.shop } });
    expect(after.available).toBeLessThanOrEqual(before.available);
    expect(w.slept).toEqual([]);
  });

  it("reports Shopify's throttle status to the limiter, shared through the database", async () => {
    const w = await world();
    await shopName(w.gateway, w.shop);
    const reported = w.emulator.throttle.bucket(w.shop).status();
    const row = await get().db.apiBudget.findUniqueOrThrow({ where: { shop: w.shop } });
    expect([row.available, row.maximum, row.restoreRate]).toEqual([reported.currentlyAvailable, reported.maximumAvailable, reported.restoreRate]);
  });

  it("the first call of a query with an unknown cost reserves the maximum; calls meanwhile wait for its answer and reserve the real cost", async () => {
    const w = await world();
    const acquired: number[] = [];
    const acquire = CostLimiter.prototype.acquire;
    vi.spyOn(CostLimiter.prototype, "acquire").mockImplementation(function (this: CostLimiter, shop, cost, signal) {
      acquired.push(cost);
      return acquire.call(this, shop, cost, signal);
    });
    // Known costs are per process: a name no other test in this process has sent.
    const name = `Probe_${get().kind}`;
    await Promise.all([0, 1, 2].map(() => w.gateway.request(w.shop, `query ${name} { shop { name } }`)));
    const requested = w.emulator.log.byOperationName(name).map((c) => c.requestedCost);
    expect(requested).toHaveLength(3);
    expect(acquired).toEqual([1000, requested[0], requested[0]]);
  });

  it("errors from the limiter pass through unchanged", async () => {
    const w = await world();
    const wait = new Error("wait for budget");
    vi.spyOn(CostLimiter.prototype, "acquire").mockRejectedValue(wait);
    await expect(shopName(w.gateway, w.shop)).rejects.toBe(wait);
    expect(w.sent("ShopName")).toBe(0);
  });
});

it("the composition root defers a job whose shop is out of budget, for the whole shop, without using an attempt", () => {
  const deferral = classifyError(new BudgetWaitError("short.myshopify.com", 1234));
  expect(deferral).toBeInstanceOf(DeferJob);
  expect(deferral).toMatchObject({ delayMs: 1234, wholeShop: true });
});
