/**
 * The emulator's order factory as a labelled corpus (../shared/docs/corpus-format.md), for
 * leave-one-source-out evaluation of the risk engine (issue 14, part 6).
 *
 *   npx tsx scripts/factory-corpus.ts [--orders 6000] [--fraud-rate 0.05] [--seed 21] [--out .cache/corpora/factory.jsonl]
 *
 * Each order is placed in an in-process emulated shop and written as the exact `orders/create`
 * payload the emulator would send, with the Admin API's payment facts (AVS, CVV, BIN, failed
 * attempts) under `payment_details`, as the corpus format allows. Deterministic for a seed.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ManualClock, OrderFactory, ShopifyEmulator } from "../emulator/index";
import { orderPayload } from "../emulator/rest-payloads";
import type { OrderDraft } from "../emulator/store";

/** The payment facts the Admin API's transactions would give (the webhook body has none). */
export function paymentDetails(draft: OrderDraft): Record<string, unknown> | undefined {
  const txs = draft.transactions ?? [];
  const ok = txs.find((t) => t.status === "SUCCESS") ?? txs[txs.length - 1];
  const card = ok?.card;
  if (!card) return undefined;
  return {
    avs_result_code: card.avsResultCode ?? null, cvv_result_code: card.cvvResultCode ?? null, credit_card_bin: card.bin ?? null,
    credit_card_number: card.number ?? null, credit_card_company: card.company ?? null,
    failed_attempts: txs.filter((t) => t.status === "FAILURE").length,
  };
}

export function factoryCorpus(opts: { orders: number; fraudRate: number; seed: number }): { lines: string[]; fraud: number } {
  const start = Date.parse("2026-01-05T09:00:00Z");
  const clock = new ManualClock(start);
  const emulator = new ShopifyEmulator({ clock });
  const shop = emulator.createShop("factory-corpus.myshopify.com");
  const factory = new OrderFactory({ seed: opts.seed, startAt: start });
  const lines: string[] = [];
  let fraud = 0;
  for (const g of factory.batch(opts.orders, opts.fraudRate)) {
    clock.set(Date.parse(g.draft.createdAt));
    const order = shop.addOrder(g.draft);
    const payload = orderPayload(shop, order) as Record<string, unknown>;
    const pd = paymentDetails(g.draft);
    if (pd) payload.payment_details = pd;
    if (g.fraud) fraud++;
    const label = g.fraud ? { fraud: true, chargeback: { amount: String(payload.total_price), currency: String(payload.currency), reason: "fraudulent" } } : { fraud: false };
    lines.push(JSON.stringify({ order: payload, label }));
  }
  return { lines, fraud };
}

function main(): void {
  const args = process.argv.slice(2);
  const opt = (name: string, def: string): string => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] ? args[i + 1]! : def;
  };
  const orders = Number(opt("--orders", "6000"));
  const fraudRate = Number(opt("--fraud-rate", "0.05"));
  const seed = Number(opt("--seed", "21"));
  if (!Number.isInteger(orders) || orders < 1 || !(fraudRate >= 0 && fraudRate <= 1) || !Number.isInteger(seed)) {
    console.error("usage: npx tsx scripts/factory-corpus.ts [--orders N] [--fraud-rate 0..1] [--seed N] [--out FILE]");
    process.exit(2);
  }
  const out = resolve(opt("--out", ".cache/corpora/factory.jsonl"));
  const { lines, fraud } = factoryCorpus({ orders, fraudRate, seed });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, lines.join("\n") + "\n");
  console.log(`${out}: ${lines.length} orders, ${fraud} fraud`);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) main();
