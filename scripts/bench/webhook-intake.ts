// Webhook intake benchmark: signed orders/create deliveries (real REST payloads from the store
// emulator, a distinct order each) posted over loopback to the production build's real endpoint,
// SQLite in WAL mode, the in-process worker switched off so only intake is measured.
//
// Open-loop load at fixed rates (a delivery is sent on schedule whether or not earlier ones were
// answered, as Shopify does):
//   sustained  BENCH_INTAKE_RATE (default 1,000/s) for BENCH_INTAKE_SECONDS (default 60 s);
//   latency    300/s for 30 s: acknowledgement latency percentiles.
// Afterwards every delivery must be persisted exactly once, with one screening job each.
// Reports achieved rate, latency percentiles, the app's CPU per delivery (from /proc, which a loaded
// machine disturbs less than the rates) and its peak RSS (sampled every 100 ms).
import { execFileSync } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Agent, request } from "undici";
import { createPrismaClient } from "../../app/db-client.server";
import { OrderFactory, ShopifyEmulator, WebhookSender } from "../../emulator/index";
import { startApp, TEST_API_KEY, TEST_API_SECRET } from "../lib/app-process";
import { cpuSeconds, percentile, rssBytes, rssSampler } from "./lib/process-stats";

const SHOP = "bench-intake.myshopify.com";
const SUSTAINED_RATE = Number(process.env.BENCH_INTAKE_RATE ?? 1000);
const SUSTAINED_SECONDS = Number(process.env.BENCH_INTAKE_SECONDS ?? 60);
const LATENCY_RATE = 300;
const LATENCY_SECONDS = Number(process.env.BENCH_INTAKE_LATENCY_SECONDS ?? 30);

// Real payload shapes: the emulator's orders/create bodies, used as templates with fresh ids.
const emulator = new ShopifyEmulator({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET });
emulator.createShop(SHOP);
const sender = new WebhookSender(emulator, { targetBaseUrl: "http://unused.invalid" });
const templates = new OrderFactory({ seed: 5, startAt: Date.now() - 3600_000 })
  .batch(200, 0.1)
  .map((g) => JSON.parse(sender.ordersCreate(SHOP, emulator.shop(SHOP).addOrder(g.draft).id).body) as Record<string, unknown>);
let nextId = 9_000_000_000;
function delivery(): { body: string; headers: Record<string, string> } {
  const id = nextId++;
  const t = templates[id % templates.length]!;
  const body = JSON.stringify({ ...t, id, admin_graphql_api_id: `gid://shopify/Order/${id}`, name: `#B${id}` });
  return {
    body,
    headers: {
      "content-type": "application/json",
      "x-shopify-topic": "orders/create",
      "x-shopify-shop-domain": SHOP,
      "x-shopify-api-version": "2026-07",
      "x-shopify-webhook-id": randomUUID(),
      "x-shopify-event-id": randomUUID(),
      "x-shopify-triggered-at": new Date().toISOString(),
      "x-shopify-hmac-sha256": createHmac("sha256", TEST_API_SECRET).update(body, "utf8").digest("base64"),
    },
  };
}

const dir = mkdtempSync(path.join(tmpdir(), "holdfast-bench-"));
const url = `file:${path.join(dir, "bench.sqlite")}`;
execFileSync(process.execPath, ["scripts/db-migrate.mjs"], { env: { ...process.env, DATABASE_URL: url }, stdio: "ignore" });
if (!existsSync("build/server/index.js")) execFileSync("npx", ["remix", "vite:build"], { stdio: "ignore" });
const app = await startApp({ DATABASE_URL: url, HOLDFAST_WORKER: "off" });
const pid = app.child.pid!;
const startRss = rssBytes(pid);
const sampler = rssSampler(pid);

const agent = new Agent({ connections: 256, pipelining: 1 });
const endpoint = new URL("/webhooks/orders/create", app.baseUrl).toString();
let sent = 0;

async function run(rate: number, seconds: number) {
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  let failures = 0;
  const inflight = new Set<Promise<void>>();
  const cpuBefore = cpuSeconds(pid);
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const d = delivery();
    sent++;
    const t0 = performance.now();
    const p = request(endpoint, { method: "POST", headers: d.headers, body: d.body, dispatcher: agent })
      .then(async (res) => {
        await res.body.dump();
        if (res.statusCode !== 200) failures++;
        latencies.push(performance.now() - t0);
      })
      .catch(() => void failures++)
      .finally(() => inflight.delete(p));
    inflight.add(p);
  }
  const sendSeconds = (performance.now() - started) / 1000;
  await Promise.all(inflight);
  const seconds_ = (performance.now() - started) / 1000;
  const cpuMsPerDelivery = ((cpuSeconds(pid) - cpuBefore) * 1000) / total;
  latencies.sort((a, b) => a - b);
  const pct = (q: number) => percentile(latencies, q).toFixed(1);
  return { total, failures, sendSeconds, rate: latencies.length / seconds_, p50: pct(0.5), p95: pct(0.95), p99: pct(0.99), max: pct(1), cpuMsPerDelivery };
}

// Warm-up (JIT, connection pool), not reported.
await run(200, 2);
const sustained = await run(SUSTAINED_RATE, SUSTAINED_SECONDS);
const latency = await run(LATENCY_RATE, LATENCY_SECONDS);
const peakRss = sampler.stop();

const db = createPrismaClient(url);
const deliveries = await db.webhookDelivery.count({ where: { shop: SHOP, topic: "orders/create", status: "received" } });
const jobs = await db.job.count({ where: { shop: SHOP, kind: "screen_order" } });
await db.$disconnect();

console.log(`webhook intake (SQLite WAL, production build, worker off, orders/create with real payloads ~${(templates.reduce((n, t) => n + JSON.stringify(t).length, 0) / templates.length / 1024).toFixed(1)} KB)`);
for (const [label, r, rate] of [["sustained", sustained, SUSTAINED_RATE], ["latency", latency, LATENCY_RATE]] as const) {
  console.log(`  ${label.padEnd(10)} offered ${rate}/s for ${(r.total / rate).toFixed(0)} s: answered ${r.rate.toFixed(0)}/s, ${r.failures} not 200; ack ms p50 ${r.p50}  p95 ${r.p95}  p99 ${r.p99}  max ${r.max}; app CPU ${r.cpuMsPerDelivery.toFixed(2)} ms/delivery`);
}
console.log(`  persisted   ${deliveries} deliveries and ${jobs} screening jobs for ${sent} sent (each exactly once: ${deliveries === sent && jobs === sent ? "yes" : "NO"})`);
console.log(`  app peak RSS ${(peakRss / 1024 / 1024).toFixed(0)} MB (${(startRss / 1024 / 1024).toFixed(0)} MB after start-up)`);
// After the figures are out (stop is bounded: SIGKILL if the app does not exit).
await agent.close();
await app.stop();
