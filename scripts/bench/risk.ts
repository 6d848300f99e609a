/**
 * Risk engine benchmark: `npx tsx scripts/bench/risk.ts`.
 * 1) evaluate throughput and per-order latency (facts + in-memory history lookup +
 *    evaluate + record) on 50,000 synthetic orders with emails, phones, addresses,
 *    devices, cards and line items, one shop, ~2 orders/minute;
 * 2) backtest of the fraud-ecommerce corpus (.cache/corpora/fraud-ecommerce.jsonl,
 *    made by scripts/convert-datasets.ts) if present: wall time and peak RSS.
 */
import { existsSync } from "node:fs";
import { InMemoryHistoryStore } from "../../app/risk/history";
import { screenWithHistory } from "../../app/risk/replay";
import { defaultRuleset } from "../../app/risk/ruleset";
import { buildReport, loadCorpus, replay } from "../backtest";

function payload(i: number): Record<string, unknown> {
  const t = Date.UTC(2026, 0, 1) + i * 30_000;
  const c = i % 9000;
  return {
    id: i + 1, created_at: new Date(t).toISOString(), total_price: String(20 + (i % 300)), currency: "USD",
    email: `customer${c}@${i % 3 ? "gmail.com" : "example.com"}`, phone: i % 2 ? `+1 415 555 ${String(1000 + (c % 9000)).padStart(4, "0")}` : undefined,
    browser_ip: `10.${(c >> 8) & 255}.${c & 255}.${i % 7}`, client_details: { user_agent: "Mozilla/5.0" },
    customer: { id: c, created_at: new Date(t - (i % 50) * 3_600_000).toISOString(), orders_count: 1 + (i % 4) },
    billing_address: { name: `Name ${c}`, address1: `${c} Main Street Apt ${i % 20}`, city: "Springfield", zip: "12345", country_code: "US" },
    shipping_address: { name: `Name ${c}`, address1: `${c} Main St #${i % 20}`, city: "Springfield", zip: "12345", country_code: "US" },
    note_attributes: [{ name: "_holdfast_device", value: `dev${c % 5000}` }],
    payment_details: { avs_result_code: "Y", cvv_result_code: "M", credit_card_bin: "424242", credit_card_number: `•••• ${String(c % 10000).padStart(4, "0")}`, failed_attempts: i % 10 === 0 ? 1 : 0 },
    line_items: [{ variant_id: i % 40, quantity: 1 + (i % 3), price: "20.00" }, { variant_id: 99, quantity: 1, price: "5.00" }],
  };
}

function benchEvaluate(n: number): void {
  const store = new InMemoryHistoryStore();
  const ruleset = defaultRuleset();
  const orders = Array.from({ length: n }, (_, i) => payload(i));
  for (let i = 0; i < 2000; i++) screenWithHistory(orders[i], undefined, { shop: "warmup" }, store, ruleset);
  const lat = new Float64Array(n);
  let holds = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    const { decision } = screenWithHistory(orders[i], undefined, { shop: "bench.myshopify.com" }, store, ruleset);
    lat[i] = performance.now() - s;
    if (decision.verdict === "hold") holds++;
  }
  const secs = (performance.now() - t0) / 1000;
  lat.sort();
  const q = (p: number): number => lat[Math.min(n - 1, Math.floor(p * n))]!;
  console.log(`evaluate (facts + history lookup + evaluate + record), ${n} orders: ${Math.round(n / secs)} orders/s; p50 ${(q(0.5) * 1000).toFixed(0)} µs, p99 ${(q(0.99) * 1000).toFixed(0)} µs, max ${(lat[n - 1]! * 1000).toFixed(0)} µs; ${holds} held; history entries ${store.size()}`);
}

async function benchBacktest(path: string): Promise<void> {
  const t0 = performance.now();
  const { rows, bad } = await loadCorpus(path);
  const { scored } = replay(rows, {});
  const r = buildReport(scored, bad.length);
  const secs = (performance.now() - t0) / 1000;
  console.log(`backtest ${path}: ${r.orders} orders in ${secs.toFixed(2)} s (load + replay + report), ROC-AUC ${r.roc_auc}; peak RSS so far ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}

const corpus = ".cache/corpora/fraud-ecommerce.jsonl";
benchEvaluate(50_000);
if (existsSync(corpus)) await benchBacktest(corpus);
else console.log(`(no ${corpus}: run npx tsx scripts/convert-datasets.ts for the backtest figure)`);
