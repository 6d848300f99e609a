// `npm run demo`: Holdfast's main job on the embedded default (SQLite, one process) against the
// local store emulator. It starts the emulator and the production build of Holdfast (whose
// in-process job worker screens orders), installs Holdfast on a demo shop through token exchange,
// streams a few hundred realistic orders through the real webhook endpoint, waits until every
// order is screened and its store actions (tags, risk assessment, fulfillment holds) are applied
// in the emulator, opens a handful of disputes, and summarises what Holdfast did.
//
//   npm run demo                  # runs, then keeps both servers up until Ctrl-C
//   npm run demo -- --once        # exits when the stream is done (used by the test suite)
//   npm run demo -- --orders 50   # fewer orders
//
// The demo shop's rows from an earlier run are cleared first (job dedupe keys and order IDs would
// collide with the fresh emulator's); nothing of any other shop is touched.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { OrderFactory, ShopifyEmulator, WebhookSender, draftFromRestOrder, startEmulatorServer, type DisputeDraft, type OrderDraft } from "../emulator/index";
import { startApp, TEST_API_KEY, TEST_API_SECRET } from "./lib/app-process";
import { createPrismaClient } from "../app/db-client.server";
import { redactShop } from "../app/compliance/compliance.server";
import { convertFraudEcommerce } from "./convert-datasets";
import { isMessageKey, translate } from "../app/i18n";
import { roundTo, sum } from "../app/guarantee/money";
import { payClaim } from "../app/guarantee/claims.server";

const { values: args } = parseArgs({
  options: { once: { type: "boolean", default: false }, orders: { type: "string", default: "300" }, port: { type: "string" } },
});
const ORDERS = Math.max(1, Number(args.orders));
const SHOP = "holdfast-demo.myshopify.com";
// The embedded default database; DEMO_DATABASE_URL (and DEMO_REPORT) let the test suite use throwaway files.
const DATABASE_URL = process.env.DEMO_DATABASE_URL ?? "file:./prisma/holdfast.sqlite";
const startedAt = new Date();
const DATASET = path.resolve("../shared/datasets/fraud-ecommerce/orders.csv");
const REPORT = path.resolve(process.env.DEMO_REPORT ?? ".cache/demo/report.json");
/**
 * How long to wait for the worker to screen and act on every delivered order: at least 120 s. The
 * worker paces itself on the shop's Admin API budget (about 3 orders/s on the emulator's Standard plan).
 */
const SETTLE_TIMEOUT_MS = Math.max(120_000, ORDERS * 600);

const step = (msg: string) => console.log(`\n▸ ${msg}`);

step("Preparing: database migrated, production build");
execFileSync(process.execPath, ["scripts/db-migrate.mjs"], { stdio: "ignore", env: { ...process.env, DATABASE_URL } });
if (!existsSync("build/server/index.js")) execFileSync("npx", ["remix", "vite:build"], { stdio: "ignore" });
const db = createPrismaClient(DATABASE_URL);
// A fresh emulator reuses the same order IDs: erase the demo shop's rows of an earlier run, as shop/redact does.
const cleared = await redactShop(db, SHOP);
if (cleared > 0) console.log(`  cleared ${cleared} rows of an earlier demo run (shop ${SHOP} only)`);

step("Starting the local Shopify store emulator");
const emulator = new ShopifyEmulator({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET });
emulator.createShop(SHOP);
const store = await startEmulatorServer(emulator);
console.log(`  emulator at ${store.baseUrl} (shop ${SHOP})`);

step("Starting Holdfast (SQLite, one process, job worker in-process)");
// The pages load the emulator's App Bridge stand-in, so the dashboard opens in a plain browser.
const app = await startApp({
  DATABASE_URL, SHOPIFY_API_ORIGIN_OVERRIDE: store.baseUrl, HOLDFAST_WORKER: "on", HOLDFAST_APP_BRIDGE_URL: `${store.baseUrl}/app-bridge.js`,
  ...(args.port ? { PORT: args.port } : {}),
});
console.log(`  Holdfast at ${app.baseUrl}`);

step("Installing Holdfast on the demo shop (token exchange, as when a merchant opens the app)");
const host = Buffer.from(`admin.shopify.com/store/${SHOP.split(".")[0]}`).toString("base64url");
const dashboardUrl = () => `${app.baseUrl}/app?embedded=1&shop=${SHOP}&host=${host}&id_token=${emulator.sessionToken(SHOP, { ttlSeconds: 86_400 })}`;
const opened = await fetch(dashboardUrl(), { headers: { "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0 Safari/537.36" } });
if (opened.status !== 200) throw new Error(`installing failed: the app answered ${opened.status}\n${app.output()}`);
console.log(`  installed: offline token stored (${emulator.log.all({ kind: "oauth", shop: SHOP }).length} token exchange(s))`);

step(`Streaming ${ORDERS} orders through POST /webhooks/orders/create`);
const drafts = demoOrders(ORDERS);
// One of them a test order (approved, never guaranteed: the exclusion is shown below).
// A good order of the factory (a dataset row may be fraud and held, and a held order is not
// guaranteed whether or not it is a test).
const testIndex = drafts.findIndex((d) => d.source === "factory" && !d.fraud);
if (testIndex >= 0) drafts[testIndex] = { ...drafts[testIndex]!, draft: { ...drafts[testIndex]!.draft, test: true } };
// Shopify routes each order's fulfillment orders a moment after orders/create (the emulator's default
// 2 s) and announces them (fulfillment_orders/order_routing_complete): held orders are held then.
const webhooks = new WebhookSender(emulator, { targetBaseUrl: app.baseUrl, retrySchedule: [50, 100, 200], autoFulfillmentOrderEvents: true });
const placed: number[] = [];
const delivered: string[] = [];
/** What each order is known to be: a factory fraud pattern, a row labelled fraud in the dataset, or good. */
const kindOf = new Map<string, OrderKind>();
for (const { draft, fraud, source } of drafts) {
  const { order, result } = await webhooks.placeOrder(SHOP, draft);
  placed.push(order.id);
  kindOf.set(String(order.id), !fraud ? "good" : source === "factory" ? "fraudPattern" : "labelledFraud");
  if (result.ok) delivered.push(String(order.id));
  if (placed.length % 25 === 0 || placed.length === drafts.length) process.stdout.write(`\r  delivered ${delivered.length}/${drafts.length}`);
}
console.log("");

step("Screening: the worker reads each order (Admin API), scores it, tags it, and holds the risky ones");
const settle = await waitForWorker((s) => process.stdout.write(`\r  screened ${s.acted}/${delivered.length}  (jobs waiting ${s.pending})`));
console.log("");
if (!settle.settled) console.log(`  ! not settled after ${SETTLE_TIMEOUT_MS / 1000} s: ${settle.acted}/${delivered.length} acted on, ${settle.pending} job(s) queued or running`);
else if (settle.acted < delivered.length) console.log(`  ! the queue is empty but ${delivered.length - settle.acted} order(s) were not acted on (see dead jobs)`);
else console.log(`  all ${delivered.length} delivered orders screened and acted on in ${(settle.waitedMs / 1000).toFixed(1)} s`);

step("A customer cancels an approved order: orders/updated voids its guarantee (read back from the Admin API)");
const toCancel = await db.guarantee.findFirst({ where: { shop: SHOP, state: "active" }, orderBy: { orderId: "desc" }, select: { orderId: true } });
if (toCancel) {
  const order = emulator.shop(SHOP).requireOrder(Number(toCancel.orderId));
  emulator.shop(SHOP).cancel(order, "CUSTOMER");
  const result = await webhooks.deliver(webhooks.ordersUpdated(SHOP, order.id));
  console.log(`  order ${order.id} cancelled: orders/updated ${result.ok ? "delivered" : "NOT delivered"}`);
  await waitForWorker();
}

step("Disputes: chargebacks and an inquiry on approved orders, and on a held one");
// Approved and guaranteed orders get fraud chargebacks (claims), an inquiry that the bank escalates,
// and reasons the guarantee does not cover; a held order's chargeback is not covered (it was held).
const guaranteed = (await db.guarantee.findMany({ where: { shop: SHOP, state: "active" }, orderBy: { orderId: "asc" }, select: { orderId: true } })).map((g) => Number(g.orderId));
const heldOrders = (await db.orderScreening.findMany({ where: { shop: SHOP, verdict: "hold" }, orderBy: { orderId: "asc" }, select: { orderId: true } })).map((g) => Number(g.orderId));
const plan: { label: string; orderId: number | undefined; draft: DisputeDraft; then?: "LOST" | "WON" | "ESCALATE" }[] = [
  { label: "fraudulent chargeback, then lost", orderId: guaranteed[0], draft: { reason: "FRAUDULENT" }, then: "LOST" },
  { label: "unrecognized chargeback, then won", orderId: guaranteed[1], draft: { reason: "UNRECOGNIZED" }, then: "WON" },
  { label: "fraudulent chargeback, open", orderId: guaranteed[2], draft: { reason: "FRAUDULENT" } },
  { label: "inquiry, then escalated to a chargeback", orderId: guaranteed[3], draft: { reason: "FRAUDULENT", type: "INQUIRY" }, then: "ESCALATE" },
  { label: "product not received (not covered by default)", orderId: guaranteed[4], draft: { reason: "PRODUCT_NOT_RECEIVED" } },
  { label: "general (not a fraud reason)", orderId: guaranteed[5], draft: { reason: "GENERAL" } },
  { label: "fraudulent chargeback on a held order", orderId: heldOrders[0], draft: { reason: "FRAUDULENT" } },
];
const disputesOpened: { label: string; disputeId: number; then?: string }[] = [];
for (const p of plan) {
  if (p.orderId === undefined) {
    console.log(`  (skipped: ${p.label}: no such order in this run)`);
    continue;
  }
  const { dispute, result } = await webhooks.openDispute(SHOP, p.orderId, p.draft);
  disputesOpened.push({ label: p.label, disputeId: dispute.id, then: p.then });
  console.log(`  dispute ${dispute.id} on order ${p.orderId}: ${p.label}: ${result.ok ? "delivered" : "NOT delivered"}`);
}
const afterDisputes = await waitForWorker();
if (!afterDisputes.settled) console.log(`  ! ${afterDisputes.pending} job(s) still queued or running after ${SETTLE_TIMEOUT_MS / 1000} s`);
for (const o of disputesOpened.filter((x) => x.then)) {
  if (o.then === "ESCALATE") await webhooks.turnIntoChargeback(SHOP, o.disputeId);
  else await webhooks.updateDispute(SHOP, o.disputeId, { status: o.then as "LOST" | "WON" });
}
const afterOutcomes = await waitForWorker();
if (!afterOutcomes.settled) console.log(`  ! ${afterOutcomes.pending} job(s) still queued or running after ${SETTLE_TIMEOUT_MS / 1000} s`);
// The operator pays what Holdfast owes (npm run claims -- pay <claim> --reference <ref>).
for (const claim of await db.claim.findMany({ where: { shop: SHOP, state: "approved" }, orderBy: { openedAt: "asc" } })) {
  await payClaim(db, claim.id, `DEMO-PAYOUT-${claim.disputeId}`, { shop: SHOP });
  console.log(`  operator paid claim ${claim.id} (dispute ${claim.disputeId}): ${claim.amount} ${claim.currency}`);
}

step("Summary");
const summary = await summarise();
mkdirSync(path.dirname(REPORT), { recursive: true });
writeFileSync(REPORT, JSON.stringify(summary, null, 2));
const { screening: s, storeCallsByHoldfast: calls } = summary;
const row = (label: string, value: number | string, note = "") => console.log(`  ${label.padEnd(24)}${String(value).padStart(5)}${note ? `  ${note}` : ""}`);
row("orders sent", summary.ordersSent, `(${summary.fraudPatternOrders} with fraud patterns or labels)`);
row("orders delivered", summary.ordersDelivered);
for (const [topic, n] of Object.entries(summary.deliveriesRecorded)) row(`recorded ${topic}`, n);
row("screened", s.screened, `(${s.acted} with store actions done)`);
row("  ship", s.ship);
row("  hold", s.hold);
const share = (k: { screened: number; held: number }, what: string) => `of ${k.screened} ${what}${k.screened ? ` (${((100 * k.held) / k.screened).toFixed(1)}%)` : ""}`;
row("    fraud patterns held", summary.heldByKind.fraudPattern.held, share(summary.heldByKind.fraudPattern, "factory orders with a fraud pattern"));
row("    labelled fraud held", summary.heldByKind.labelledFraud.held, share(summary.heldByKind.labelledFraud, "dataset rows labelled fraud"));
row("    good orders held", summary.heldByKind.good.held, share(summary.heldByKind.good, "good orders"));
row("guaranteed", s.guaranteed, "(approved and covered by the guarantee)");
console.log("  store actions applied in the emulator:");
row("  tags added", calls.tagsAdd, "(tagsAdd: holdfast:ship / holdfast:hold)");
row("  risk assessments", calls.orderRiskAssessmentCreate, "(orderRiskAssessmentCreate)");
row("  fulfillment holds", calls.fulfillmentOrderHold, "(fulfillmentOrderHold, handle holdfast-review)");
row("  holds released", calls.fulfillmentOrderReleaseHold, "(fulfillmentOrderReleaseHold)");
const failed = Object.entries(summary.storeActionsRecorded).filter(([, o]) => (o.failed ?? 0) > 0);
if (failed.length) console.log(`  ! failed store actions: ${failed.map(([a, o]) => `${a} ${o.failed}`).join(", ")}`);
row("dead jobs", summary.jobs.dead);
const deadList = summary.jobs.deadJobs.map((j) => `${j.kind} ${j.order ? `order ${j.order}` : j.dedupeKey}: ${j.lastError ?? "(no error recorded)"}`);
console.log(`  dead-lettered: ${deadList.length ? deadList.join("\n                 ") : "none"}`);
row("disputes recorded", summary.disputesRecorded);
const { guarantee: gu, claims: cl, ledger } = summary;
console.log("\n  guarantee (full order total, no cap):");
row("  guaranteed", gu.active, `(${gu.coveredValue.join(", ") || "nothing"} covered)`);
for (const x of gu.notGuaranteed) row(`  not guaranteed`, x.orders, `${x.reason}: ${x.message}`);
for (const x of gu.voided) row(`  voided`, x.orders, `${x.reason}: ${x.message}`);
console.log("  claims (disputes on guaranteed orders):");
row("  claims opened", cl.opened);
row("  claims open", cl.byState.open ?? 0);
row("  claims approved", cl.byState.approved ?? 0, "(dispute lost: Holdfast owes the amount)");
row("  claims paid", cl.byState.paid ?? 0, "(payout recorded by the operator)");
row("  claims closed", cl.byState.closed ?? 0, "(dispute won: nothing owed)");
row("  evidence saved", cl.evidenceSaved, "(disputeEvidenceUpdate, not submitted)");
for (const d of cl.notCovered) console.log(`    no claim for dispute ${d.disputeId} (${d.reason}): ${d.message}`);
console.log("  ledger (per currency):");
for (const l of ledger) console.log(`    ${l.currency}: fees charged ${l.feesCharged}, fees owed ${l.feesOwed}, credits ${l.credits}, claims approved ${l.claimsApproved}, claims paid ${l.claimsPaid}`);
if (ledger.length === 0) console.log("    (no entries)");
if (summary.heldExamples.length) {
  console.log(`\n  held for review (${summary.heldExamples.length} of ${s.hold}, highest scores):`);
  for (const h of summary.heldExamples) {
    console.log(`    ${h.orderName ?? h.orderId} (order ${h.orderId})  score ${h.score}/1000, ${h.riskLevel} risk; ${h.actions.join(", ") || "no store actions"}`);
    for (const r of h.reasons) console.log(`      - ${r}`);
  }
} else console.log("\n  no order was held in this run");
console.log(`\n  report:    ${path.relative(process.cwd(), REPORT)}`);
console.log(`  dashboard: ${dashboardUrl()}`);
console.log("             opens in a plain browser, no Shopify needed: the emulator's App Bridge stand-in keeps minting");
console.log("             session tokens; add &locale=ja for Japanese (or use the language switch at the foot of each page)");
await db.$disconnect();

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

interface WorkerState {
  acted: number;
  pending: number;
  settled: boolean;
  waitedMs: number;
}

/**
 * Poll the database until every delivered order has been screened and acted on and no job of the
 * demo shop is queued or running (or the queue is empty and nothing more can happen), or time out.
 */
async function waitForWorker(progress?: (s: WorkerState) => void): Promise<WorkerState> {
  const t0 = Date.now();
  let last = "";
  let shownAt = 0;
  let idle = 0;
  for (;;) {
    const [acted, pending] = await Promise.all([
      db.orderScreening.count({ where: { shop: SHOP, orderId: { in: delivered }, status: "acted" } }),
      db.job.count({ where: { shop: SHOP, state: { in: ["queued", "running"] } } }),
    ]);
    const state = { acted, pending, settled: false, waitedMs: Date.now() - t0 };
    // An empty queue with orders not acted on: give an in-flight handoff two more polls, then stop.
    idle = pending === 0 ? idle + 1 : 0;
    const done = (pending === 0 && acted >= delivered.length) || idle >= 3;
    const timedOut = !done && state.waitedMs > SETTLE_TIMEOUT_MS;
    // Progress at most once a second (and at the end), only when it moved.
    if (progress && `${acted}/${pending}` !== last && (done || timedOut || Date.now() - shownAt >= 1000)) {
      progress(state);
      last = `${acted}/${pending}`;
      shownAt = Date.now();
    }
    if (done) return { ...state, settled: true };
    if (timedOut) return state;
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function summarise() {
  const mine = { shop: SHOP, orderId: { in: delivered } };
  const [byTopic, screenings, actions, jobs, disputes, held, dead] = await Promise.all([
    db.webhookDelivery.groupBy({ by: ["topic"], where: { shop: SHOP, receivedAt: { gte: startedAt } }, _count: { _all: true } }),
    db.orderScreening.findMany({ where: mine, select: { orderId: true, verdict: true, status: true, guarantee: true } }),
    db.storeAction.groupBy({ by: ["action", "outcome"], where: mine, _count: { _all: true } }),
    db.job.groupBy({ by: ["state"], where: { shop: SHOP }, _count: { _all: true } }),
    db.dispute.count({ where: { shop: SHOP } }),
    db.orderScreening.findMany({ where: { ...mine, verdict: "hold" }, orderBy: [{ score: "desc" }, { orderId: "asc" }], take: 3 }),
    db.job.findMany({ where: { shop: SHOP, state: "dead" }, orderBy: { updatedAt: "asc" }, select: { kind: true, dedupeKey: true, payload: true, lastError: true } }),
  ]);
  const heldActions = await db.storeAction.findMany({
    where: { shop: SHOP, orderId: { in: held.map((h) => h.orderId) }, outcome: { in: ["applied", "already"] } },
    select: { orderId: true, action: true, target: true },
    orderBy: { createdAt: "asc" },
  });
  const storeActionsRecorded: Record<string, Record<string, number>> = {};
  for (const a of actions) (storeActionsRecorded[a.action] ??= {})[a.outcome] = a._count._all;
  const jobsByState = Object.fromEntries(jobs.map((j) => [j.state, j._count._all])) as Record<string, number>;
  const describe = (a: { action: string; target: string }) =>
    a.action === "tag" ? `tagged ${a.target}` : a.action === "risk_assessment" ? "risk assessment" : a.action === "hold" ? "fulfillment held" : a.action;
  return {
    shop: SHOP,
    ordersSent: drafts.length,
    ordersDelivered: delivered.length,
    fraudPatternOrders: drafts.filter((d) => d.fraud).length,
    heldByKind: heldByKind(screenings),
    deliveriesRecorded: Object.fromEntries(byTopic.map((r) => [r.topic, r._count._all])),
    screening: {
      settled: settle.settled,
      waitedSeconds: Math.round(settle.waitedMs / 100) / 10,
      screened: screenings.length,
      acted: screenings.filter((r) => r.status === "acted").length,
      ship: screenings.filter((r) => r.verdict === "ship").length,
      hold: screenings.filter((r) => r.verdict === "hold").length,
      guaranteed: screenings.filter((r) => r.guarantee === "active").length,
    },
    storeCallsByHoldfast: {
      tagsAdd: emulator.log.count("tagsAdd", SHOP),
      orderRiskAssessmentCreate: emulator.log.count("orderRiskAssessmentCreate", SHOP),
      fulfillmentOrderHold: emulator.log.count("fulfillmentOrderHold", SHOP),
      fulfillmentOrderReleaseHold: emulator.log.count("fulfillmentOrderReleaseHold", SHOP),
    },
    storeActionsRecorded,
    jobs: {
      dead: jobsByState.dead ?? 0,
      byState: jobsByState,
      deadJobs: dead.map((j) => ({ kind: j.kind, order: orderOf(j.payload), dedupeKey: j.dedupeKey, lastError: j.lastError })),
    },
    disputesRecorded: disputes,
    ...(await guaranteeSummary()),
    heldExamples: held.map((h) => ({
      orderId: h.orderId,
      orderName: h.orderName,
      score: h.score,
      riskLevel: h.riskLevel,
      reasons: topReasons(h.reasons),
      actions: [...new Set(heldActions.filter((a) => a.orderId === h.orderId).map(describe))],
    })),
  };
}

/** Guarantees by state and reason, claims by state, disputes not covered and the ledger, for the summary and the report. */
async function guaranteeSummary() {
  const [guarantees, claims, disputes, entries] = await Promise.all([
    db.guarantee.findMany({ where: { shop: SHOP }, select: { state: true, reason: true, amount: true, currency: true } }),
    db.claim.findMany({ where: { shop: SHOP }, select: { state: true } }),
    db.dispute.findMany({ where: { shop: SHOP }, orderBy: { disputeId: "asc" }, select: { disputeId: true, reason: true, coverage: true, coverageReason: true, coverageNote: true, evidenceState: true } }),
    db.ledgerEntry.findMany({ where: { shop: SHOP }, select: { kind: true, state: true, amount: true, currency: true, billedAmount: true, billedCurrency: true } }),
  ]);
  const message = (reason: string | null) => (reason && isMessageKey(reason) ? translate("en", reason, { amount: "the order total", fields: "the facts", date: "that date", why: reason }) : (reason ?? "no reason recorded"));
  const byReason = (state: string) => {
    const counts = new Map<string, number>();
    for (const g of guarantees.filter((x) => x.state === state)) counts.set(g.reason ?? "", (counts.get(g.reason ?? "") ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1]).map(([reason, orders]) => ({ reason, orders, message: message(reason) }));
  };
  const covered = new Map<string, string[]>();
  for (const g of guarantees.filter((x) => x.state === "active")) (covered.get(g.currency) ?? covered.set(g.currency, []).get(g.currency)!).push(g.amount);
  const ledgerByCurrency = new Map<string, { feesCharged: string[]; feesOwed: string[]; credits: string[]; claimsApproved: string[]; claimsPaid: string[] }>();
  for (const e of entries) {
    const charged = e.kind === "fee" && e.state === "charged";
    const currency = charged ? (e.billedCurrency ?? e.currency) : e.currency;
    const t = ledgerByCurrency.get(currency) ?? { feesCharged: [], feesOwed: [], credits: [], claimsApproved: [], claimsPaid: [] };
    ledgerByCurrency.set(currency, t);
    if (charged) t.feesCharged.push(e.billedAmount ?? e.amount);
    else if (e.kind === "fee" && (e.state === "owed" || e.state === "pending")) t.feesOwed.push(e.amount);
    else if (e.kind === "fee_credit") t.credits.push(e.amount);
    else if (e.kind === "claim_approved") t.claimsApproved.push(e.amount);
    else if (e.kind === "claim_paid") t.claimsPaid.push(e.amount);
  }
  const total = (values: string[], currency: string) => roundTo(sum(values), currency);
  const claimsByState: Record<string, number> = {};
  for (const c of claims) claimsByState[c.state] = (claimsByState[c.state] ?? 0) + 1;
  return {
    guarantee: {
      active: guarantees.filter((g) => g.state === "active").length,
      coveredValue: [...covered].map(([currency, amounts]) => `${total(amounts, currency)} ${currency}`),
      notGuaranteed: byReason("none"),
      voided: byReason("void"),
    },
    claims: {
      opened: claims.length,
      byState: claimsByState,
      evidenceSaved: disputes.filter((d) => d.evidenceState === "saved" || d.evidenceState === "submitted").length,
      notCovered: disputes.filter((d) => d.coverage !== "claim").map((d) => ({ disputeId: d.disputeId, reason: d.reason, coverage: d.coverage, message: d.coverageNote ?? message(d.coverageReason) })),
    },
    ledger: [...ledgerByCurrency].map(([currency, t]) => ({
      currency, feesCharged: total(t.feesCharged, currency), feesOwed: total(t.feesOwed, currency), credits: total(t.credits, currency),
      claimsApproved: total(t.claimsApproved, currency), claimsPaid: total(t.claimsPaid, currency),
    })),
  };
}

/** The order a job's stored payload names, if any. */
function orderOf(payload: string): string | undefined {
  try {
    const orderId = (JSON.parse(payload) as { orderId?: unknown } | null)?.orderId;
    return typeof orderId === "string" ? orderId : undefined;
  } catch {
    return undefined;
  }
}

/** The first (largest) English reasons of a screening's reasons JSON ({en, ja}). */
function topReasons(json: string, n = 3): string[] {
  try {
    const en = (JSON.parse(json) as { en?: unknown }).en;
    return Array.isArray(en) ? en.filter((r): r is string => typeof r === "string").slice(0, n) : [];
  } catch {
    return [];
  }
}

type OrderKind = "fraudPattern" | "labelledFraud" | "good";

/** How many orders of each kind were screened and how many of them were held (issue 14: most fraud held, at most 2% of good orders). */
function heldByKind(screenings: { orderId: string; verdict: string }[]): Record<OrderKind, { screened: number; held: number }> {
  const out: Record<OrderKind, { screened: number; held: number }> = { fraudPattern: { screened: 0, held: 0 }, labelledFraud: { screened: 0, held: 0 }, good: { screened: 0, held: 0 } };
  for (const r of screenings) {
    const k = kindOf.get(r.orderId);
    if (!k) continue;
    out[k].screened++;
    if (r.verdict === "hold") out[k].held++;
  }
  return out;
}

/** Orders for the demo: rows of the fraud-ecommerce dataset when it is beside the repo, else the factory. */
function demoOrders(n: number): { draft: OrderDraft; fraud: boolean; source: "dataset" | "factory" }[] {
  const now = Date.now();
  const factory = new OrderFactory({ seed: 7, startAt: now - 2 * 3600_000 });
  const out: { draft: OrderDraft; fraud: boolean; source: "dataset" | "factory" }[] = [];
  if (existsSync(DATASET)) {
    const records = convertFraudEcommerce(readFileSync(DATASET, "utf8")).slice(0, Math.floor(n * 0.6));
    // Shift the 2015 timestamps to the last hours, keeping each sign-up-to-purchase gap.
    const shift = now - 60_000 - Math.max(...records.map((r) => Date.parse(String(r.order.created_at))));
    for (const r of records) {
      const order: Record<string, unknown> = { ...r.order, created_at: new Date(Date.parse(String(r.order.created_at)) + shift).toISOString() };
      const customer = r.order.customer as { created_at?: string } | undefined;
      if (customer?.created_at) order.customer = { ...customer, created_at: new Date(Date.parse(customer.created_at) + shift).toISOString() };
      out.push({ draft: draftFromRestOrder(order), fraud: r.label.fraud, source: "dataset" });
    }
  }
  for (const g of factory.batch(n - out.length, 0.12)) out.push({ draft: g.draft, fraud: g.fraud, source: "factory" });
  return out;
}
