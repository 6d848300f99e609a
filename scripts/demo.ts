// `npm run demo`: Holdfast's main job on the embedded default (SQLite, one process) against the
// local store emulator. It starts the emulator and the production build of Holdfast, installs
// Holdfast on a demo shop through token exchange, streams a few hundred realistic orders through
// the real webhook endpoint, then a handful of disputes, and summarises what Holdfast did.
//
//   npm run demo                  # runs, then keeps both servers up until Ctrl-C
//   npm run demo -- --once        # exits when the stream is done (used by the test suite)
//   npm run demo -- --orders 50   # fewer orders
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { OrderFactory, ShopifyEmulator, WebhookSender, draftFromRestOrder, startEmulatorServer, type OrderDraft } from "../test/emulator/index";
import { startApp, TEST_API_KEY, TEST_API_SECRET } from "../test/support/server";
import { createPrismaClient } from "../app/db-client.server";
import { convertFraudEcommerce } from "./convert-datasets";

const { values: args } = parseArgs({
  options: { once: { type: "boolean", default: false }, orders: { type: "string", default: "300" }, port: { type: "string" } },
});
const ORDERS = Math.max(1, Number(args.orders));
const SHOP = "holdfast-demo.myshopify.com";
// The embedded default database; DEMO_DATABASE_URL lets the test suite use a throwaway file.
const DATABASE_URL = process.env.DEMO_DATABASE_URL ?? "file:./prisma/holdfast.sqlite";
const startedAt = new Date();
const DATASET = path.resolve("../shared/datasets/fraud-ecommerce/orders.csv");
const REPORT = path.resolve(".cache/demo/report.json");

const step = (msg: string) => console.log(`\n▸ ${msg}`);

step("Preparing: database migrated, production build");
execFileSync(process.execPath, ["scripts/db-migrate.mjs"], { stdio: "ignore", env: { ...process.env, DATABASE_URL } });
if (!existsSync("build/server/index.js")) execFileSync("npx", ["remix", "vite:build"], { stdio: "ignore" });

step("Starting the local Shopify store emulator");
const emulator = new ShopifyEmulator({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET });
emulator.createShop(SHOP);
const store = await startEmulatorServer(emulator);
console.log(`  emulator at ${store.baseUrl} (shop ${SHOP})`);

step("Starting Holdfast (SQLite, one process)");
const app = await startApp({ DATABASE_URL, SHOPIFY_API_ORIGIN_OVERRIDE: store.baseUrl, ...(args.port ? { PORT: args.port } : {}) });
console.log(`  Holdfast at ${app.baseUrl}`);

step("Installing Holdfast on the demo shop (token exchange, as when a merchant opens the app)");
const host = Buffer.from(`admin.shopify.com/store/${SHOP.split(".")[0]}`).toString("base64url");
const dashboardUrl = () => `${app.baseUrl}/app?embedded=1&shop=${SHOP}&host=${host}&id_token=${emulator.sessionToken(SHOP, { ttlSeconds: 86_400 })}`;
const opened = await fetch(dashboardUrl(), { headers: { "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0 Safari/537.36" } });
if (opened.status !== 200) throw new Error(`installing failed: the app answered ${opened.status}\n${app.output()}`);
console.log(`  installed: offline token stored (${emulator.log.all({ kind: "oauth", shop: SHOP }).length} token exchange(s))`);

step(`Streaming ${ORDERS} orders through POST /webhooks/orders/create`);
const drafts = demoOrders(ORDERS);
const webhooks = new WebhookSender(emulator, { targetBaseUrl: app.baseUrl, retrySchedule: [50, 100, 200] });
let sent = 0;
const placed: number[] = [];
for (const { draft } of drafts) {
  const { order, result } = await webhooks.placeOrder(SHOP, draft);
  placed.push(order.id);
  if (result.ok) sent++;
  if (sent % 25 === 0 || sent === drafts.length) process.stdout.write(`\r  delivered ${sent}/${drafts.length}`);
}
console.log("");

step("Opening disputes on a few orders (fraudulent and other reasons)");
const reasons = ["FRAUDULENT", "UNRECOGNIZED", "PRODUCT_NOT_RECEIVED", "FRAUDULENT", "GENERAL"] as const;
for (const [i, reason] of reasons.entries()) {
  const orderId = placed[(i * 37) % placed.length]!;
  const { result } = await webhooks.openDispute(SHOP, orderId, { reason });
  console.log(`  dispute on order ${orderId} (${reason.toLowerCase()}): ${result.ok ? "delivered" : "NOT delivered"}`);
}

step("Summary");
const db = createPrismaClient(DATABASE_URL);
const byTopic = await db.webhookDelivery.groupBy({ by: ["topic"], where: { shop: SHOP, receivedAt: { gte: startedAt } }, _count: { _all: true } });
const summary = {
  shop: SHOP,
  ordersSent: drafts.length,
  fraudPatternOrders: drafts.filter((d) => d.fraud).length,
  deliveriesRecorded: Object.fromEntries(byTopic.map((r) => [r.topic, r._count._all])),
  storeCallsByHoldfast: {
    tagsAdd: emulator.log.count("tagsAdd", SHOP),
    orderRiskAssessmentCreate: emulator.log.count("orderRiskAssessmentCreate", SHOP),
    fulfillmentOrderHold: emulator.log.count("fulfillmentOrderHold", SHOP),
  },
  notBuiltYet: [
    "screening of orders (risk engine wired to webhooks): orders are received and recorded, not yet screened",
    "store actions (tags, risk assessment, fulfillment holds)",
    "guarantees and claims from disputes",
  ],
};
await db.$disconnect();
mkdirSync(path.dirname(REPORT), { recursive: true });
writeFileSync(REPORT, JSON.stringify(summary, null, 2));
console.log(`  orders sent           ${summary.ordersSent} (${summary.fraudPatternOrders} with fraud patterns or labels)`);
for (const [topic, n] of Object.entries(summary.deliveriesRecorded)) console.log(`  recorded ${topic.padEnd(16)} ${n}`);
console.log(`  store actions applied ${Object.values(summary.storeCallsByHoldfast).reduce((a, b) => a + b, 0)}`);
console.log("  not built yet:");
for (const line of summary.notBuiltYet) console.log(`    - ${line}`);
console.log(`\n  report:    ${path.relative(process.cwd(), REPORT)}`);
console.log(`  dashboard: ${dashboardUrl()}`);

if (args.once) {
  await app.stop();
  await store.stop();
} else {
  console.log("\nHoldfast and the emulator keep running; Ctrl-C to stop.");
  const stop = async () => {
    await app.stop();
    await store.stop();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

/** Orders for the demo: rows of the fraud-ecommerce dataset when it is beside the repo, else the factory. */
function demoOrders(n: number): { draft: OrderDraft; fraud: boolean }[] {
  const now = Date.now();
  const factory = new OrderFactory({ seed: 7, startAt: now - 2 * 3600_000 });
  const out: { draft: OrderDraft; fraud: boolean }[] = [];
  if (existsSync(DATASET)) {
    const records = convertFraudEcommerce(readFileSync(DATASET, "utf8")).slice(0, Math.floor(n * 0.6));
    // Shift the 2015 timestamps to the last hours, keeping each sign-up-to-purchase gap.
    const shift = now - 60_000 - Math.max(...records.map((r) => Date.parse(String(r.order.created_at))));
    for (const r of records) {
      const order: Record<string, unknown> = { ...r.order, created_at: new Date(Date.parse(String(r.order.created_at)) + shift).toISOString() };
      const customer = r.order.customer as { created_at?: string } | undefined;
      if (customer?.created_at) order.customer = { ...customer, created_at: new Date(Date.parse(customer.created_at) + shift).toISOString() };
      out.push({ draft: draftFromRestOrder(order), fraud: r.label.fraud });
    }
  }
  for (const g of factory.batch(n - out.length, 0.12)) out.push({ draft: g.draft, fraud: g.fraud });
  return out;
}
