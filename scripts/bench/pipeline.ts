// Order pipeline benchmark, end to end: the production build of Holdfast (SQLite, its in-process
// worker) and the local store emulator, talking over real HTTP like the demo.
//
//   e2e        signed orders/create deliveries at BENCH_RATE orders/s (default 50) for
//              BENCH_SECONDS (default 30) against an emulator with no latency and no throttling;
//              reports the latency from sending each delivery to Holdfast having decided the
//              order and applied its tag and risk assessment (the StoreAction rows' times),
//              p50/p95/p99; and, separately, the hold latency: from the moment a held order's
//              fulfillment order appears (Shopify routes them after orders/create; the emulator
//              after its default delay, announced by fulfillment_orders/order_routing_complete)
//              to Holdfast's hold on it.
//   throttled  a backlog of BENCH_THROTTLED_ORDERS orders (default 400) against the emulator
//              throttling at the Standard plan (100 points/s, bucket 2,000). Reports how much of
//              what the rate allows Holdfast used: points spent / (initial bucket + rate x time),
//              and how many calls the emulator answered THROTTLED.
//   fairness   the noisy neighbour: ten shops on the Standard plan; one delivers a backlog of
//              BENCH_FAIRNESS_BACKLOG orders (default 2,000) at once, far more than its bucket
//              covers, then the nine others send BENCH_FAIRNESS_RATE orders/s between them (default
//              9) for BENCH_SECONDS (default 60). Reports the nine shops' latency from delivery to
//              decision, tag and risk assessment applied (p50/p95/max) and the noisy shop's
//              throughput against what its rate allows.
// Fulfillment orders arrive late everywhere (the emulator's default, BENCH_FO_DELAY_MS to change).
//
// `npm run bench -- pipeline` runs them all; BENCH_SCENARIO=e2e|throttled|fairness picks one.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createPrismaClient, type Db } from "../../app/db-client.server";
import { applyPostgresMigrations } from "../db-migrate.mjs";
import { cpuSeconds, percentile, rssSampler } from "./lib/process-stats";
import { OrderFactory, ShopifyEmulator, WebhookSender, startEmulatorServer, STANDARD_PLAN, type OrderDraft, type ThrottleConfig } from "../../emulator/index";
import { appEnv, startApp, TEST_API_KEY, TEST_API_SECRET, type RunningApp } from "../lib/app-process";

const SHOP = "bench-pipeline.myshopify.com";
/** BENCH_DATABASE_URL=postgresql://…: run on PostgreSQL instead of a fresh SQLite file. */
const pgBase = process.env.BENCH_DATABASE_URL;
const dbLabel = pgBase ? "PostgreSQL" : "SQLite";
const scenario = process.env.BENCH_SCENARIO;

interface Setup {
  emulator: ShopifyEmulator;
  app: RunningApp;
  /** Separate worker processes (BENCH_WORKERS > 0; otherwise the app's in-process worker). */
  workers: ChildProcess[];
  db: Db;
  sender: WebhookSender;
  /** When each fulfillment order appeared (its gid -> ms). */
  foAppearedAt: Map<string, number>;
  stop(): Promise<void>;
}

/**
 * When each order was decided with its tag and risk assessment applied: the later of the two
 * StoreAction rows of its first revision (`${shop} ${orderId}` -> ms).
 */
async function decidedAt(db: Db, shops: string[]): Promise<Map<string, number>> {
  const rows = await db.storeAction.findMany({
    where: { shop: { in: shops }, revision: 0, action: { in: ["tag", "risk_assessment"] }, outcome: { not: "failed" } },
    select: { shop: true, orderId: true, action: true, createdAt: true },
  });
  const both = new Map<string, { n: number; at: number }>();
  for (const r of rows) {
    const key = `${r.shop} ${r.orderId}`;
    const seen = both.get(key) ?? { n: 0, at: 0 };
    both.set(key, { n: seen.n + 1, at: Math.max(seen.at, r.createdAt.getTime()) });
  }
  return new Map([...both].filter(([, v]) => v.n === 2).map(([k, v]) => [k, v.at]));
}

async function setup(throttle: ThrottleConfig): Promise<Setup> {
  let url: string;
  if (pgBase) {
    // PostgreSQL (the production set-up): a fresh schema, migrated by the production runner.
    const schema = `bench_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
    await applyPostgresMigrations({ connectionString: pgBase, schema });
    const u = new URL(pgBase);
    u.searchParams.set("schema", schema);
    url = u.toString();
  } else {
    url = `file:${path.join(mkdtempSync(path.join(tmpdir(), "holdfast-bench-")), "bench.sqlite")}`;
    execFileSync(process.execPath, ["scripts/db-migrate.mjs"], { env: { ...process.env, DATABASE_URL: url }, stdio: "ignore" });
  }
  const foDelay = process.env.BENCH_FO_DELAY_MS;
  const emulator = new ShopifyEmulator({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, throttle, ...(foDelay ? { fulfillmentOrderDelayMs: Number(foDelay) } : {}) });
  const foAppearedAt = new Map<string, number>();
  emulator.onFulfillmentOrderEvent((_shop, e) => {
    if (e.topic === "fulfillment_orders/order_routing_complete") foAppearedAt.set(`gid://shopify/FulfillmentOrder/${e.fulfillmentOrder.id}`, Date.now());
  });
  emulator.createShop(SHOP);
  const server = await startEmulatorServer(emulator);
  const separate = Number(process.env.BENCH_WORKERS ?? 0);
  const app = await startApp({ DATABASE_URL: url, SHOPIFY_API_ORIGIN_OVERRIDE: server.baseUrl, HOLDFAST_WORKER: separate > 0 ? "off" : "on", HOLDFAST_WORKER_CONCURRENCY: process.env.BENCH_CONCURRENCY });
  const workers = Array.from({ length: separate }, () =>
    spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
      env: appEnv({ DATABASE_URL: url, SHOPIFY_API_ORIGIN_OVERRIDE: server.baseUrl, HOLDFAST_WORKER_POLL_MS: "20" }),
      stdio: ["ignore", "ignore", "inherit"],
    }),
  );
  // Install as a merchant would: opening the embedded app exchanges the session token for an offline token.
  const host = Buffer.from(`admin.shopify.com/store/${SHOP.split(".")[0]}`).toString("base64url");
  const opened = await fetch(`${app.baseUrl}/app?embedded=1&shop=${SHOP}&host=${host}&id_token=${emulator.sessionToken(SHOP, { ttlSeconds: 86_400 })}`, {
    headers: { "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0 Safari/537.36" },
  });
  if (opened.status !== 200) throw new Error(`install failed: ${opened.status}\n${app.output()}`);
  const db = createPrismaClient(url);
  // Shopify announces routed fulfillment orders (fulfillment_orders/order_routing_complete).
  const sender = new WebhookSender(emulator, { targetBaseUrl: app.baseUrl, retrySchedule: [], autoFulfillmentOrderEvents: true });
  return {
    emulator, app, workers, db, sender, foAppearedAt,
    stop: async () => {
      sender.close();
      await db.$disconnect();
      // Bounded: a process that does not exit within 15 s of SIGTERM is killed.
      for (const w of workers) w.kill("SIGTERM");
      const kill = setTimeout(() => workers.forEach((w) => w.kill("SIGKILL")), 15_000);
      await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null || w.signalCode !== null ? r(null) : w.once("exit", r)))));
      clearTimeout(kill);
      await app.stop();
      await server.stop();
    },
  };
}

/** Place the drafts in the emulator and deliver their orders/create on a fixed schedule (not after each answer). */
async function paced(s: Setup, drafts: OrderDraft[], rate: number) {
  const sentAt = new Map<string, number>();
  const sends: Promise<unknown>[] = [];
  let failedSends = 0;
  const started = performance.now();
  for (const [i, draft] of drafts.entries()) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const order = s.emulator.shop(SHOP).addOrder(draft);
    sentAt.set(String(order.id), Date.now());
    sends.push(s.sender.deliver(s.sender.ordersCreate(SHOP, order.id)).then((r) => void (r.ok || failedSends++)));
  }
  await Promise.all(sends);
  return { sentAt, failedSends };
}

/** Delivery -> decision, tag and risk assessment applied, ms, sorted. */
async function latenciesOf(db: Db, sentAt: Map<string, number>): Promise<number[]> {
  const decided = await decidedAt(db, [SHOP]);
  return [...sentAt].flatMap(([orderId, sent]) => {
    const at = decided.get(`${SHOP} ${orderId}`);
    return at === undefined ? [] : [at - sent];
  }).sort((a, b) => a - b);
}

/** Fulfillment order appeared -> Holdfast's hold on it, ms, sorted, for these orders. */
async function holdLatenciesOf(s: Setup, orderIds: string[]): Promise<number[]> {
  const holds = await s.db.storeAction.findMany({ where: { shop: SHOP, orderId: { in: orderIds }, action: "hold", outcome: { in: ["applied", "already"] } }, select: { target: true, createdAt: true } });
  return holds.flatMap((h) => {
    const appeared = s.foAppearedAt.get(h.target);
    return appeared === undefined ? [] : [h.createdAt.getTime() - appeared];
  }).sort((a, b) => a - b);
}

/** Wait until `n` orders are acted on; returns false on timeout. */
async function waitActed(db: Db, n: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await db.orderScreening.count({ where: { shop: SHOP, status: "acted" } })) >= n) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

async function e2e() {
  const rate = Number(process.env.BENCH_RATE ?? 50);
  const seconds = Number(process.env.BENCH_SECONDS ?? 30);
  const total = Math.round(rate * seconds);
  const s = await setup({ restoreRate: 1e9, bucketSize: 1e9, maxQueryCost: 1000 });
  const rss = rssSampler(s.app.child.pid!);
  const factory = new OrderFactory({ seed: 11, startAt: Date.now() - 3600_000 });
  // Warm-up, not in the figures: 100 orders at 20/s (JIT, first queries). Its latency is reported on its own.
  const warm = await paced(s, factory.batch(100, 0.1).map((g) => g.draft), 20);
  await waitActed(s.db, 100, 60_000);
  const warmLatencies = await latenciesOf(s.db, warm.sentAt);
  const generated = factory.batch(total, 0.1);
  const drafts = generated.map((g) => g.draft);
  const appCpu0 = cpuSeconds(s.app.child.pid!);
  const workerCpu0 = s.workers.map((w) => cpuSeconds(w.pid!));
  const benchCpu0 = process.cpuUsage();
  const t0 = Date.now();
  const { sentAt, failedSends } = await paced(s, drafts, rate);
  const sendSeconds = (Date.now() - t0) / 1000;
  const settled = await waitActed(s.db, total + 100, 120_000);
  const peak = rss.stop();
  const appCpu = cpuSeconds(s.app.child.pid!) - appCpu0;
  const workerCpu = s.workers.map((w, i) => cpuSeconds(w.pid!) - workerCpu0[i]!);
  const benchCpu = process.cpuUsage(benchCpu0);
  const rows = await s.db.orderScreening.findMany({ where: { shop: SHOP }, select: { orderId: true, actedAt: true, verdict: true } });
  const measured = rows.filter((r) => sentAt.has(r.orderId));
  const latencies = await latenciesOf(s.db, sentAt);
  const actedCount = measured.filter((r) => r.actedAt).length;
  const holdLatencies = await holdLatenciesOf(s, measured.filter((r) => r.verdict === "hold").map((r) => r.orderId));
  const lastActed = Math.max(...measured.map((r) => r.actedAt?.getTime() ?? 0));
  if (process.env.BENCH_TIMELINE) {
    // Latency by second of the run: where the slow ones are.
    const bySecond = new Map<number, number[]>();
    for (const r of rows) {
      const sent = sentAt.get(r.orderId);
      if (!sent || !r.actedAt) continue;
      const sec = Math.floor((sent - t0) / 1000);
      bySecond.set(sec, [...(bySecond.get(sec) ?? []), r.actedAt.getTime() - sent]);
    }
    for (const [sec, l] of [...bySecond].sort((a, b) => a[0] - b[0])) console.log(`  t=${sec}s max ${Math.max(...l)} ms, median ${l.sort((a, b) => a - b)[l.length >> 1]} ms`);
  }
  const holds = measured.filter((r) => r.verdict === "hold").length;
  // sentAt keeps the drafts' order: the i-th order sent is generated[i].
  const fraudIds = new Set([...sentAt.keys()].filter((_, i) => generated[i]?.fraud));
  const heldOf = (fraud: boolean) => {
    const of = measured.filter((r) => fraudIds.has(r.orderId) === fraud);
    const held = of.filter((r) => r.verdict === "hold").length;
    return `${held} of ${of.length} (${of.length ? ((100 * held) / of.length).toFixed(1) : "0"}%)`;
  };
  const heldReasons = new Map<string, number>();
  for (const r of await s.db.orderScreening.findMany({ where: { shop: SHOP, verdict: "hold" }, select: { reasons: true } })) {
    const first = (JSON.parse(r.reasons) as { en: string[] }).en[0] ?? "?";
    heldReasons.set(first, (heldReasons.get(first) ?? 0) + 1);
  }
  const calls = s.emulator.log.all({ kind: "graphql", shop: SHOP });
  const dupTags = calls.filter((c) => c.rootFields.includes("tagsAdd") && c.outcome === "ok").length - rows.length;
  const warmPct = (p: number) => percentile(warmLatencies, p);
  const topology = s.workers.length > 0 ? `web process (worker off) + ${s.workers.length} worker process(es)` : "one process (web + in-process worker)";
  console.log(`pipeline e2e (${dbLabel}, production build, ${topology}, emulator unthrottled, no latency)`);
  console.log(`  sent          ${total} orders/create at ${rate}/s over ${sendSeconds.toFixed(1)} s (${failedSends} not answered 200)`);
  const fos = s.emulator.behaviour.fulfillmentOrderDelayMs;
  console.log(`  acted on      ${actedCount}/${total}${settled ? "" : " (NOT all within 120 s)"}, ${holds} held; throughput ${(actedCount / ((lastActed - t0) / 1000)).toFixed(1)} orders/s; fulfillment orders routed ${fos} ms after each order`);
  console.log(`  warm-up       100 orders at 20/s first (not in the figures below): p50 ${warmPct(0.5)}  p95 ${warmPct(0.95)}  max ${warmLatencies.at(-1)} ms`);
  console.log(`  delivery -> decision, tag and risk assessment applied, ms: p50 ${percentile(latencies, 0.5)}  p95 ${percentile(latencies, 0.95)}  p99 ${percentile(latencies, 0.99)}  max ${latencies.at(-1)}  (${latencies.length}/${total})`);
  console.log(`  fulfillment order appeared -> held, ms: p50 ${percentile(holdLatencies, 0.5)}  p95 ${percentile(holdLatencies, 0.95)}  max ${holdLatencies.at(-1)}  (${holdLatencies.length} holds)`);
  console.log(`  held: orders with a fraud pattern ${heldOf(true)}, good orders ${heldOf(false)}`);
  console.log(`  held orders' leading reasons: ${[...heldReasons].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([k, n]) => `${k} ${n}`).join(", ")}`);
  console.log(`  Admin API calls ${calls.length} (${(calls.length / rows.length).toFixed(2)} per order); tagsAdd beyond one per order: ${dupTags}`);
  const perOrder = (cpu: number) => `${cpu.toFixed(1)} s (${((cpu * 1000) / total).toFixed(1)} ms per order)`;
  console.log(`  app peak RSS  ${(peak / 1024 / 1024).toFixed(0)} MB; CPU: app ${perOrder(appCpu)}${workerCpu.map((c, i) => `, worker ${i + 1} ${perOrder(c)}`).join("")}, emulator and load generator ${((benchCpu.user + benchCpu.system) / 1e6).toFixed(1)} s`);
  await s.stop(); // after the figures are out
}

async function throttled() {
  const total = Number(process.env.BENCH_THROTTLED_ORDERS ?? 400);
  const plan = STANDARD_PLAN;
  const s = await setup(plan);
  const factory = new OrderFactory({ seed: 12, startAt: Date.now() - 3600_000 });
  const t0 = Date.now();
  const sends: Promise<unknown>[] = [];
  for (const g of factory.batch(total, 0.1)) {
    const order = s.emulator.shop(SHOP).addOrder(g.draft);
    sends.push(s.sender.deliver(s.sender.ordersCreate(SHOP, order.id)));
    if (sends.length % 50 === 0) await Promise.all(sends.slice(-50));
  }
  await Promise.all(sends);
  const settled = await waitActed(s.db, total, 900_000);
  const rows = await s.db.orderScreening.findMany({ where: { shop: SHOP }, select: { actedAt: true } });
  const end = Math.max(...rows.map((r) => r.actedAt?.getTime() ?? 0));
  const calls = s.emulator.log.all({ kind: "graphql", shop: SHOP });
  const ok = calls.filter((c) => c.outcome === "ok");
  const throttledList = calls.filter((c) => c.outcome === "throttled");
  const throttledCalls = throttledList.length;
  const throttledOps = [...new Set(throttledList.map((c) => `${c.operationName} (requested ${c.requestedCost})`))].join(", ");
  const dead = await s.db.job.count({ where: { shop: SHOP, state: "dead" } });
  // What the rate allowed over the run: the full bucket at the start plus the restore rate for its duration.
  const elapsed = (end - t0) / 1000;
  const restoredCap = plan.bucketSize + plan.restoreRate * elapsed;
  const spent = ok.reduce((n, c) => n + (c.actualCost ?? 0), 0);
  const perOrder = spent / total;
  console.log(`pipeline under throttling (Standard plan: ${plan.restoreRate} points/s, bucket ${plan.bucketSize})`);
  console.log(`  ${rows.length}/${total} orders acted on in ${elapsed.toFixed(1)} s${settled ? "" : " (NOT all)"}; ${dead} dead jobs`);
  console.log(`  Admin API calls ${calls.length}: ${ok.length} ok, ${throttledCalls} answered THROTTLED${throttledCalls ? `: ${throttledOps}` : ""}`);
  console.log(`  points per order ~${perOrder.toFixed(1)}; throughput ${(total / elapsed).toFixed(2)} orders/s vs ${(restoredCap / perOrder / elapsed).toFixed(2)} the rate allows`);
  console.log(`  use of the rate: ${((spent / restoredCap) * 100).toFixed(1)}%`);
  await s.stop(); // after the figures are out
}

async function fairness() {
  const backlog = Number(process.env.BENCH_FAIRNESS_BACKLOG ?? 2000);
  const rate = Number(process.env.BENCH_FAIRNESS_RATE ?? 9);
  const seconds = Number(process.env.BENCH_SECONDS ?? 60);
  const plan = STANDARD_PLAN;
  const s = await setup(plan); // SHOP is the noisy one
  const quiet = Array.from({ length: 9 }, (_, i) => `bench-quiet-${i + 1}.myshopify.com`);
  for (const shop of quiet) {
    s.emulator.createShop(shop);
    const host = Buffer.from(`admin.shopify.com/store/${shop.split(".")[0]}`).toString("base64url");
    const opened = await fetch(`${s.app.baseUrl}/app?embedded=1&shop=${shop}&host=${host}&id_token=${s.emulator.sessionToken(shop, { ttlSeconds: 86_400 })}`, {
      headers: { "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0 Safari/537.36" },
    });
    if (opened.status !== 200) throw new Error(`install of ${shop} failed: ${opened.status}\n${s.app.output()}`);
  }
  const factory = new OrderFactory({ seed: 13, startAt: Date.now() - 3600_000 });
  /** Place an order in the emulator and deliver its orders/create; resolves to when it was sent. */
  const send = (shop: string, draft: OrderDraft) => {
    const order = s.emulator.shop(shop).addOrder(draft);
    const sentAt = Date.now();
    return { key: `${shop} ${order.id}`, sentAt, answered: s.sender.deliver(s.sender.ordersCreate(shop, order.id)).then((r) => r.ok) };
  };
  const actedRows = (shops: string[]) => s.db.orderScreening.findMany({ where: { shop: { in: shops }, actedAt: { not: null } }, select: { shop: true, orderId: true, actedAt: true } });

  // Warm-up on the nine shops, not in the figures: 27 orders at 9/s.
  for (const [i, g] of factory.batch(27, 0.1).entries()) {
    void send(quiet[i % quiet.length]!, g.draft).answered;
    await new Promise((r) => setTimeout(r, 111));
  }
  for (let deadline = Date.now() + 60_000; (await actedRows(quiet)).length < 27 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 100));

  // The flash sale: the whole backlog at once.
  const appCpu0 = cpuSeconds(s.app.child.pid!);
  const t0 = Date.now();
  const sale: Promise<boolean>[] = [];
  for (const g of factory.batch(backlog, 0.1)) {
    sale.push(send(SHOP, g.draft).answered);
    if (sale.length % 50 === 0) await Promise.all(sale.slice(-50));
  }
  const saleAnswered = (await Promise.all(sale)).filter(Boolean).length;
  const saleSeconds = (Date.now() - t0) / 1000;

  // The nine other shops' orders, on a fixed schedule.
  const sentAt = new Map<string, number>();
  const answers: Promise<boolean>[] = [];
  const total = Math.round(rate * seconds);
  const started = performance.now();
  const quietStart = Date.now();
  for (const [i, g] of factory.batch(total, 0.1).entries()) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const sent = send(quiet[i % quiet.length]!, g.draft);
    sentAt.set(sent.key, sent.sentAt);
    answers.push(sent.answered);
  }
  const quietAnswered = (await Promise.all(answers)).filter(Boolean).length;
  const windowEnd = Date.now();
  let rows = await actedRows(quiet);
  for (const deadline = Date.now() + 120_000; rows.filter((r) => sentAt.has(`${r.shop} ${r.orderId}`)).length < total && Date.now() < deadline; ) {
    await new Promise((r) => setTimeout(r, 100));
    rows = await actedRows(quiet);
  }
  const appCpu = cpuSeconds(s.app.child.pid!) - appCpu0;
  // Delivery -> decision, tag and risk assessment applied (a held order's hold follows its fulfillment order).
  const decided = await decidedAt(s.db, quiet);
  const latencyOf = (key: string) => {
    const sent = sentAt.get(key);
    const at = decided.get(key);
    return sent === undefined || at === undefined ? [] : [at - sent];
  };
  const latencies = [...sentAt.keys()].flatMap(latencyOf).sort((a, b) => a - b);
  const worstShopP95 = Math.max(...quiet.map((shop) => percentile([...sentAt.keys()].filter((k) => k.startsWith(`${shop} `)).flatMap(latencyOf).sort((a, b) => a - b), 0.95)));

  // The noisy shop over the same time: from its first delivery to the end of the others' window.
  const noisyActed = await s.db.orderScreening.count({ where: { shop: SHOP, actedAt: { not: null, lte: new Date(windowEnd) } } });
  const elapsed = (windowEnd - t0) / 1000;
  const noisyCalls = s.emulator.log.all({ kind: "graphql", shop: SHOP }).filter((c) => c.at <= windowEnd);
  const spent = noisyCalls.filter((c) => c.outcome === "ok").reduce((n, c) => n + (c.actualCost ?? 0), 0);
  const allowed = plan.bucketSize + plan.restoreRate * elapsed;
  const throttledCalls = s.emulator.log.all({ kind: "graphql", outcome: "throttled" }).length;
  const dead = await s.db.job.count({ where: { state: "dead" } });
  const quietCalls = quiet.flatMap((shop) => s.emulator.log.all({ kind: "graphql", shop }));
  const quietThrottled = quietCalls.filter((c) => c.outcome === "throttled").length;
  // What an order costs when nothing is deferred (the nine shops' orders), to say what the noisy shop's rate allows.
  const pointsPerOrder = quietCalls.filter((c) => c.outcome === "ok").reduce((n, c) => n + (c.actualCost ?? 0), 0) / (await actedRows(quiet)).length;
  await s.stop();
  const pct = (p: number) => percentile(latencies, p);
  console.log(`pipeline fairness (${dbLabel}, production build, one process; ten shops on the Standard plan: ${plan.restoreRate} points/s, bucket ${plan.bucketSize})`);
  console.log(`  noisy shop    ${saleAnswered}/${backlog} orders/create delivered at once in ${saleSeconds.toFixed(1)} s`);
  console.log(`  nine others   ${quietAnswered}/${total} orders/create at ${rate}/s between them over ${((windowEnd - quietStart) / 1000).toFixed(1)} s, from the end of the backlog`);
  console.log(`  nine others, delivery -> decision, tag and risk assessment applied, ms: p50 ${pct(0.5)}  p95 ${pct(0.95)}  p99 ${pct(0.99)}  max ${latencies.at(-1)}  (${latencies.length}/${total} decided; worst shop's p95 ${worstShopP95}); target p95 <= 2000`);
  console.log(`  noisy shop    ${noisyActed} orders acted on in ${elapsed.toFixed(1)} s: ${(noisyActed / elapsed).toFixed(2)} orders/s vs ${(allowed / pointsPerOrder / elapsed).toFixed(2)} its rate allows at ${pointsPerOrder.toFixed(1)} points per order; ${((spent / allowed) * 100).toFixed(1)}% of its rate spent, ${(spent / Math.max(1, noisyActed)).toFixed(1)} points per order acted`);
  console.log(`  THROTTLED answers ${throttledCalls} (nine others: ${quietThrottled}); dead jobs ${dead}; app CPU ${appCpu.toFixed(1)} s`);
}

if (!existsSync("build/server/index.js")) execFileSync("npx", ["remix", "vite:build"], { stdio: "ignore" });
if (!scenario || scenario === "e2e") await e2e();
if (!scenario || scenario === "throttled") await throttled();
if (!scenario || scenario === "fairness") await fairness();
