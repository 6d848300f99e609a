// The guarantee end to end: the production build of Holdfast (its in-process worker), its Shopify
// traffic sent to the local store emulator, every event through the real webhook endpoints.
//   approved order -> `fraudulent` chargeback -> claim opened and evidence saved in one pipeline run;
//   dispute won -> claim closed; dispute lost -> claim approved, then paid by `npm run claims -- pay`.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { OrderFactory, ShopifyEmulator, WebhookSender, startEmulatorServer, type RunningEmulator } from "../../emulator/index";
import { TEST_API_KEY, TEST_API_SECRET, startApp, type RunningApp } from "../../scripts/lib/app-process";
import { describeEachDb } from "../support/db";

const SHOP = "guarantee-e2e.myshopify.com";
const BROWSER = { "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36" };

describeEachDb("the guarantee end to end (built app, real webhook endpoints)", (get) => {
  let emulator: ShopifyEmulator;
  let server: RunningEmulator;
  let app: RunningApp;
  let sender: WebhookSender;

  beforeAll(async () => {
    emulator = new ShopifyEmulator({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, fulfillmentOrderDelayMs: 0 });
    emulator.createShop(SHOP);
    server = await startEmulatorServer(emulator);
    app = await startApp({ DATABASE_URL: get().url, SHOPIFY_API_ORIGIN_OVERRIDE: server.baseUrl, HOLDFAST_WORKER: "on", HOLDFAST_WORKER_POLL_MS: "20" });
    sender = new WebhookSender(emulator, { targetBaseUrl: app.baseUrl, retrySchedule: [50, 100, 200] });
    // The merchant opens the app: token exchange, shop id, usage subscription (the emulator approves it).
    const host = Buffer.from(`admin.shopify.com/store/${SHOP.split(".")[0]}`).toString("base64url");
    const opened = await fetch(`${app.baseUrl}/app?embedded=1&shop=${SHOP}&host=${host}&id_token=${emulator.sessionToken(SHOP)}`, { headers: BROWSER });
    expect(opened.status, app.output()).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await app?.stop();
    await server?.stop();
  });

  /** Until the shop has no job queued (due) or running. */
  async function settled(timeoutMs = 30_000): Promise<void> {
    const { db } = get();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const busy = await db.job.count({ where: { shop: SHOP, OR: [{ state: "running" }, { state: "queued", runAt: { lte: new Date() } }] } });
      if (busy === 0) return;
      if (Date.now() > deadline) throw new Error(`jobs still busy after ${timeoutMs} ms\n${app.output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Place legitimate orders until `n` are approved and guaranteed; their ids. */
  async function guaranteedOrders(n: number): Promise<string[]> {
    const { db } = get();
    const factory = new OrderFactory({ seed: 11, startAt: Date.now() - 3_600_000 });
    for (const g of factory.batch(n * 2, 0)) {
      const { result } = await sender.placeOrder(SHOP, g.draft);
      expect(result.ok).toBe(true);
    }
    await settled();
    const active = await db.guarantee.findMany({ where: { shop: SHOP, state: "active" }, orderBy: { orderId: "asc" }, take: n });
    expect(active.length, "approved and guaranteed orders").toBe(n);
    return active.map((g) => g.orderId);
  }

  it("opens a claim with evidence, closes it when won, approves it when lost, and the operator pays it", async () => {
    const { db } = get();
    const sub = await db.shop.findUniqueOrThrow({ where: { shop: SHOP } });
    expect(sub.subscriptionStatus).toBe("ACTIVE");
    const [lostOrder, wonOrder] = await guaranteedOrders(2);

    // A fraud chargeback on an approved order: one pipeline run opens the claim and saves evidence.
    const lost = await sender.openDispute(SHOP, Number(lostOrder), { reason: "FRAUDULENT" });
    const won = await sender.openDispute(SHOP, Number(wonOrder), { reason: "UNRECOGNIZED" });
    expect(lost.result.ok && won.result.ok).toBe(true);
    await settled();
    const guarantee = await db.guarantee.findUniqueOrThrow({ where: { shop_orderId: { shop: SHOP, orderId: lostOrder! } } });
    const claim = await db.claim.findUniqueOrThrow({ where: { shop_disputeId: { shop: SHOP, disputeId: String(lost.dispute.id) } } });
    expect(claim).toMatchObject({ state: "open", orderId: lostOrder, guaranteeId: guarantee.id, amount: lost.dispute.amount, currency: lost.dispute.currency });
    const dispute = await db.dispute.findUniqueOrThrow({ where: { shop_disputeId: { shop: SHOP, disputeId: String(lost.dispute.id) } } });
    expect(dispute.coverage).toBe("claim");
    expect(dispute.evidenceState).toBe("saved");
    // Saved in the store, not submitted: the merchant can still add their own.
    const evidence = emulator.shop(SHOP).disputes.get(lost.dispute.id)!.evidence;
    expect(evidence.submitted).toBe(false);
    expect(evidence.text.uncategorizedText).toMatch(/Holdfast/);
    expect(evidence.text.accessActivityLog).toBeTruthy();

    // Won: the merchant keeps the money, nothing is owed. Lost: Holdfast owes the disputed amount.
    await sender.updateDispute(SHOP, won.dispute.id, { status: "WON" });
    await sender.updateDispute(SHOP, lost.dispute.id, { status: "LOST" });
    await settled();
    const closed = await db.claim.findUniqueOrThrow({ where: { shop_disputeId: { shop: SHOP, disputeId: String(won.dispute.id) } } });
    expect(closed.state).toBe("closed");
    const approved = await db.claim.findUniqueOrThrow({ where: { id: claim.id } });
    expect(approved.state).toBe("approved");

    // The operator records the payout.
    await promisify(execFile)("npx", ["tsx", "scripts/claims.ts", "pay", claim.id, "--reference", "PAYOUT-1"], {
      env: { ...process.env, DATABASE_URL: get().url }, timeout: 60_000,
    });
    const paid = await db.claim.findUniqueOrThrow({ where: { id: claim.id } });
    expect(paid).toMatchObject({ state: "paid", payoutReference: "PAYOUT-1" });
    const history = await db.claimEvent.findMany({ where: { shop: SHOP, claimId: claim.id }, orderBy: { at: "asc" } });
    expect(history.map((e) => e.toState)).toEqual(["open", "approved", "paid"]);
    const ledger = await db.ledgerEntry.findMany({ where: { shop: SHOP, claimId: claim.id } });
    expect(ledger.map((e) => e.kind).sort()).toEqual(["claim_approved", "claim_paid"]);
    // The approved orders' fees were charged through usage billing, once each.
    const usage = emulator.log.count("appUsageRecordCreate", SHOP);
    expect(usage).toBeGreaterThanOrEqual(2);
    expect(await db.ledgerEntry.count({ where: { shop: SHOP, kind: "fee", state: "charged" } })).toBe(emulator.shop(SHOP).installation.usageRecords.length);
  }, 180_000);
});
