// Webhook intake benchmark: signed app/uninstalled-style deliveries through the production
// build's real HTTP endpoint on SQLite; reports throughput, latency percentiles and peak RSS.
// (The full orders/create intake benchmark with its targets arrives with the order pipeline.)
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { signedWebhook, startApp } from "../../test/support/server";

const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 3000);
const CONCURRENCY = 32;

const dir = mkdtempSync(path.join(tmpdir(), "holdfast-bench-"));
const file = path.join(dir, "bench.sqlite");
execFileSync(process.execPath, ["scripts/db-migrate.mjs"], { env: { ...process.env, DATABASE_URL: `file:${file}` }, stdio: "ignore" });
execFileSync("npx", ["remix", "vite:build"], { stdio: "ignore" });
const app = await startApp({ DATABASE_URL: `file:${file}` });

let peakRss = 0;
const pid = app.child.pid!;
const sampler = setInterval(() => {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    peakRss = Math.max(peakRss, kb * 1024);
  } catch {
    /* process gone */
  }
}, 100);

const latencies: number[] = [];
let next = 0;
const started = performance.now();
async function worker() {
  while (next < DELIVERIES) {
    const i = next++;
    const body = JSON.stringify({ id: i, domain: `bench-${i % 50}.myshopify.com` });
    const headers = signedWebhook("orders/create", `bench-${i % 50}.myshopify.com`, body);
    const t0 = performance.now();
    const res = await fetch(`${app.baseUrl}/webhooks/orders/create`, { method: "POST", headers, body });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`delivery ${i} answered ${res.status}`);
    latencies.push(performance.now() - t0);
  }
}
await Promise.all(Array.from({ length: CONCURRENCY }, worker));
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
await app.stop();

latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(1);
console.log(`webhook intake (SQLite, ${CONCURRENCY} concurrent, ${DELIVERIES} signed deliveries)`);
console.log(`  throughput   ${(DELIVERIES / seconds).toFixed(0)} deliveries/s`);
console.log(`  latency ms   p50 ${pct(0.5)}  p95 ${pct(0.95)}  p99 ${pct(0.99)}`);
console.log(`  app peak RSS ${(peakRss / 1024 / 1024).toFixed(0)} MB`);
