// The Admin API gateway's shared parts, on both databases: the per-shop cost limiter (shared by
// processes through ApiBudget) and offline tokens (one refresh per shop at a time, across
// processes). "Processes" here are separate limiter / token / gateway instances on one database,
// which share nothing in memory.
import { expect, it } from "vitest";
import { describeEachDb } from "../support/db";
import { installOffline } from "../support/pipeline";
import { TEST_API_KEY, TEST_API_SECRET } from "../../scripts/lib/app-process";
import { ShopifyEmulator } from "../../emulator/index";
import { BudgetWaitError, CostLimiter, SYNC_MS } from "../../app/shopify/limiter.server";
import { DeferJob } from "../../app/jobs/queue.server";
import { classifyError } from "../../app/background/runtime.server";
import { AdminGateway } from "../../app/shopify/gateway.server";
import { OfflineTokens } from "../../app/shopify/tokens.server";

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
});

it("the composition root defers a job whose shop is out of budget, for the whole shop, without using an attempt", () => {
  const deferral = classifyError(new BudgetWaitError("short.myshopify.com", 1234));
  expect(deferral).toBeInstanceOf(DeferJob);
  expect(deferral).toMatchObject({ delayMs: 1234, wholeShop: true });
});
