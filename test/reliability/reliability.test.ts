// Reliability of the order pipeline (issue: "exactly once, under load and faults"):
//   - 1,000 queued orders, the worker process killed with SIGKILL mid-run and restarted:
//     every order screened, no store action applied twice;
//   - 30% of emulator calls failing or throttled: every order ends screened;
//   - two worker processes on PostgreSQL sharing 2,000 orders: each processed exactly once.
// Worker processes are real `scripts/worker.ts` processes; Shopify is the emulator over HTTP.
import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, pgUrl, type TestDb } from "../support/db";
import { installOffline, startPipeline } from "../support/pipeline";
import { TEST_API_KEY, TEST_API_SECRET, appEnv } from "../../scripts/lib/app-process";
import { OrderFactory, Rng, ShopifyEmulator, WebhookSender, startEmulatorServer, type RunningEmulator } from "../../emulator/index";
import { acceptWebhook } from "../../app/webhooks/accept.server";
import { routeOfTopic } from "../../app/webhooks/subscriptions.server";
import type { Db } from "../../app/db-client.server";

function spawnWorker(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
    env: appEnv({ HOLDFAST_WORKER_CONCURRENCY: "8", HOLDFAST_JOB_LEASE_MS: "3000", ...env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d) => (out += String(d)));
  child.stderr?.on("data", (d) => (out += String(d)));
  return { child, output: () => out };
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, output?: () => string) {
  const deadline = Date.now() + timeoutMs;
  const started = Date.now();
  let reported = started;
  while (!(await check())) {
    if (Date.now() - reported > 15_000) {
      reported = Date.now();
      console.warn(`still waiting for ${what} after ${((reported - started) / 1000).toFixed(0)} s`);
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${output?.() ?? ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Queue `n` orders through Holdfast's real intake (no worker running). */
async function queueOrders(db: Db, emulator: ShopifyEmulator, shop: string, n: number, seed: number): Promise<number[]> {
  const store = emulator.shop(shop);
  const sender = new WebhookSender(emulator, { targetBaseUrl: "http://holdfast.invalid" });
  const ids: number[] = [];
  for (const g of new OrderFactory({ seed }).batch(n, 0.15)) {
    const order = store.addOrder(g.draft);
    ids.push(order.id);
    const d = sender.ordersCreate(shop, order.id);
    const res = await acceptWebhook(new Request("https://holdfast.test/webhooks/orders/create", { method: "POST", headers: sender.headers(d), body: d.body }), routeOfTopic(d.topic).route, db);
    if (res.status !== 200) throw new Error(`intake answered ${res.status}`);
  }
  return ids;
}

/** Per order, how many successful calls of each store mutation the emulator executed. */
function mutationsPerOrder(emulator: ShopifyEmulator, shop: string) {
  const perOrder = new Map<string, Record<string, number>>();
  const bump = (key: string, field: string) => {
    const r = perOrder.get(key) ?? {};
    r[field] = (r[field] ?? 0) + 1;
    perOrder.set(key, r);
  };
  for (const field of ["tagsAdd", "tagsRemove", "orderRiskAssessmentCreate", "fulfillmentOrderHold", "orderCancel"]) {
    for (const call of emulator.log.calls(field, shop)) {
      const v = call.variables as { id?: string; input?: { orderId?: string }; orderId?: string };
      bump(field === "fulfillmentOrderHold" ? String(v.id) : String(v.id ?? v.input?.orderId ?? v.orderId), field);
    }
  }
  return perOrder;
}

function expectExactlyOnce(emulator: ShopifyEmulator, shop: string, orderIds: number[]) {
  const perOrder = mutationsPerOrder(emulator, shop);
  const twice = [...perOrder].filter(([, counts]) => Object.values(counts).some((c) => c > 1));
  expect(twice, "store mutations applied more than once").toEqual([]);
  for (const id of orderIds) {
    const counts = perOrder.get(`gid://shopify/Order/${id}`);
    expect(counts?.tagsAdd, `tagsAdd on order ${id}`).toBe(1);
    expect(counts?.orderRiskAssessmentCreate, `risk assessment on order ${id}`).toBe(1);
  }
  const store = emulator.shop(shop);
  for (const id of orderIds) {
    const ours = store.orders.get(id)!.riskAssessments.filter((a) => a.providerApiKey === TEST_API_KEY);
    expect(ours).toHaveLength(1);
  }
}

describe("reliability [sqlite]", () => {
  let t: TestDb & { drop(): Promise<void> };
  let emulator: ShopifyEmulator;
  let server: RunningEmulator;
  beforeAll(async () => {
    t = await createTestDb("sqlite");
    emulator = new ShopifyEmulator({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, throttle: { restoreRate: 100_000, bucketSize: 1_000_000 } });
    server = await startEmulatorServer(emulator);
  });
  afterAll(async () => {
    await server?.stop();
    await t?.drop();
  });

  it("1,000 queued orders, worker SIGKILLed mid-run and restarted: all screened, no store action twice", async () => {
    const shop = "sigkill.myshopify.com";
    emulator.createShop(shop);
    await installOffline(t.db, emulator, shop);
    const ids = await queueOrders(t.db, emulator, shop, 1000, 101);
    expect(await t.db.job.count({ where: { shop, state: "queued" } })).toBe(1000);
    const acted = () => t.db.orderScreening.count({ where: { shop, status: "acted" } });
    const env = { DATABASE_URL: t.url, SHOPIFY_API_ORIGIN_OVERRIDE: server.baseUrl };

    const first = spawnWorker(env);
    await waitFor("300 orders acted on", async () => (await acted()) >= 300, 120_000, first.output);
    first.child.kill("SIGKILL");
    await new Promise((r) => first.child.once("exit", r));
    // The process that ran the jobs is gone (spawned as one process, not behind a launcher
    // that would survive as a parent while its child kept working)...
    expect(() => process.kill(first.child.pid!, 0)).toThrow();
    const atKill = await acted();
    expect(atKill).toBeLessThan(1000);
    // ...so nothing more gets done until the restart.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await acted()).toBe(atKill);

    const second = spawnWorker(env);
    try {
      await waitFor("all 1,000 orders acted on", async () => (await acted()) === 1000, 180_000, second.output);
      await waitFor("queue empty", async () => (await t.db.job.count({ where: { shop, state: { in: ["queued", "running"] } } })) === 0, 30_000);
    } finally {
      second.child.kill("SIGTERM");
      await new Promise((r) => second.child.once("exit", r));
    }
    expect(await t.db.orderScreening.count({ where: { shop } })).toBe(1000);
    expect(await t.db.job.count({ where: { shop, state: "dead" } })).toBe(0);
    expectExactlyOnce(emulator, shop, ids);
    // Every held order's fulfillment orders carry exactly one Holdfast hold.
    const held = await t.db.orderScreening.findMany({ where: { shop, verdict: "hold" }, select: { orderId: true } });
    for (const { orderId } of held) {
      for (const fo of emulator.shop(shop).orders.get(Number(orderId))!.fulfillmentOrders) {
        expect(fo.holds.filter((h) => h.heldByApiKey === TEST_API_KEY)).toHaveLength(1);
      }
    }
  }, 360_000);

  it("30% of Admin API calls failing or throttled: every order ends screened, each action once", async () => {
    const shop = "faulty.myshopify.com";
    const faulty = new ShopifyEmulator({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, throttle: { restoreRate: 400, bucketSize: 400 } });
    const p = await startPipeline(t.db, shop, { emulatorInstance: faulty, concurrency: 8 });
    const rng = new Rng(7);
    const random = () => rng.next();
    // About 30% of calls fail before they run (503, 429, a dropped connection) or after (the
    // answer is lost), and the small bucket adds THROTTLED answers on top.
    faulty.faults.inject({ fault: { kind: "status", status: 503 }, target: "graphql", probability: 0.14, random });
    faulty.faults.inject({ fault: { kind: "status", status: 429, retryAfterSeconds: 1 }, target: "graphql", probability: 0.08, random });
    faulty.faults.inject({ fault: { kind: "drop" }, target: "graphql", probability: 0.06, random });
    faulty.faults.inject({ fault: { kind: "drop_after" }, target: "graphql", probability: 0.06, random });
    const ids: number[] = [];
    for (const g of new OrderFactory({ seed: 202 }).batch(200, 0.15)) {
      const order = p.store.addOrder(g.draft);
      ids.push(order.id);
      expect((await p.deliver(p.sender.ordersCreate(shop, order.id))).status).toBe(200);
    }
    // Until nothing is left to run, including retries scheduled for later.
    try {
      await waitFor("all jobs finished", async () => (await t.db.job.count({ where: { shop, state: { in: ["queued", "running"] } } })) === 0, 240_000);
    } catch (error) {
      const left = await t.db.job.findMany({ where: { shop, state: { in: ["queued", "running"] } }, select: { state: true, attempts: true, runAt: true, leaseExpiresAt: true, lastError: true }, take: 5 });
      throw new Error(`${String(error)}\n${JSON.stringify(left, null, 1)}`);
    }
    await p.stop();
    const dead = await t.db.job.findMany({ where: { shop, state: "dead" }, select: { lastError: true }, take: 3 });
    expect(await t.db.orderScreening.count({ where: { shop, status: "acted" } }), JSON.stringify(dead)).toBe(200);
    expect(await t.db.job.count({ where: { shop, state: "dead" } })).toBe(0);
    const calls = faulty.log.all({ shop, kind: "graphql" });
    const bad = calls.filter((c) => c.outcome === "fault" || c.outcome === "throttled").length + (faulty.faults.applied.get("drop_after") ?? 0);
    expect(bad / calls.length).toBeGreaterThanOrEqual(0.3);
    expect(faulty.faults.applied.get("drop_after")).toBeGreaterThan(0);
    expectExactlyOnce(faulty, shop, ids);
  }, 300_000);
});

(pgUrl ? describe : describe.skip)(`reliability [postgresql${pgUrl ? "" : ": set TEST_DATABASE_URL to run"}]`, () => {
  it("two worker processes sharing 2,000 orders process each exactly once", async () => {
    const t = await createTestDb("postgresql");
    const emulator = new ShopifyEmulator({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, throttle: { restoreRate: 100_000, bucketSize: 1_000_000 } });
    const server = await startEmulatorServer(emulator);
    const shop = "two-workers.myshopify.com";
    emulator.createShop(shop);
    try {
      await installOffline(t.db, emulator, shop);
      const ids = await queueOrders(t.db, emulator, shop, 2000, 303);
      const env = { DATABASE_URL: t.url, SHOPIFY_API_ORIGIN_OVERRIDE: server.baseUrl };
      const workers = [spawnWorker(env), spawnWorker(env)];
      try {
        await waitFor(
          "2,000 orders acted on",
          async () => (await t.db.orderScreening.count({ where: { shop, status: "acted" } })) === 2000,
          300_000,
          () => workers.map((w) => w.output()).join("\n"),
        );
      } finally {
        for (const w of workers) w.child.kill("SIGTERM");
        await Promise.all(workers.map((w) => new Promise((r) => (w.child.exitCode !== null ? r(null) : w.child.once("exit", r)))));
      }
      const jobs = await t.db.job.findMany({ where: { shop, kind: "screen_order" }, select: { attempts: true, state: true } });
      expect(jobs).toHaveLength(2000);
      expect(jobs.every((j) => j.state === "done" && j.attempts === 1)).toBe(true);
      // Each order was read and decided once.
      const reads = emulator.log.byOperationName("OrderForScreening").filter((c) => c.outcome === "ok");
      expect(reads).toHaveLength(2000);
      const decided = await t.db.auditEvent.groupBy({ by: ["orderId"], where: { shop, kind: "screened" }, _count: { _all: true } });
      expect(decided).toHaveLength(2000);
      expect(decided.every((d) => d._count._all === 1)).toBe(true);
      expectExactlyOnce(emulator, shop, ids);
      // Both worker processes ran (each prints its owner id on start).
      const owners = workers.map((w) => /worker (\S+) started/.exec(w.output())?.[1]);
      expect(owners.every(Boolean)).toBe(true);
    } finally {
      await server.stop();
      await t.drop();
    }
  }, 420_000);
});
