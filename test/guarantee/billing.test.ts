// The guarantee's fee through Shopify usage billing, against the emulator, on both databases: the
// subscription (created, approved, declined), one usage record per fee under retries, redeliveries,
// a lost answer and concurrent runs, credits netted in full and in part, a pause on "exceeds balance
// remaining" and its resumption, and exchange rates (a missing one leaves the fee owed).
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDb } from "../support/db";
import { installOffline } from "../support/pipeline";
import { ShopifyEmulator } from "../../emulator/index";
import { TEST_API_KEY, TEST_API_SECRET } from "../../scripts/lib/app-process";
import { AdminGateway, AmbiguousMutationError } from "../../app/shopify/gateway.server";
import { chargeFee, ensureSubscription, reconcileBilling, retryOwedFees, usageKey, type BillingOptions } from "../../app/guarantee/billing.server";
import { chargeFeeJob } from "../../app/guarantee/fee-job";
import { feeKey, feeOnApproval, feeOnVoid } from "../../app/guarantee/ledger.server";
import { feeOn } from "../../app/guarantee/money";
import { setRate } from "../../app/guarantee/rates.server";
import { enqueue } from "../../app/jobs/queue.server";
import { createWorker } from "../../app/background/runtime.server";
import type { Db } from "../../app/db-client.server";

const BILLING: BillingOptions = { test: true };

describeEachDb("usage billing", (get) => {
  let n = 0;
  const emulators: ShopifyEmulator[] = [];
  let db: Db;
  beforeAll(() => {
    db = get().db;
  });
  afterAll(() => emulators.length = 0);

  /** A fresh shop in `currency`, installed; the subscription created unless `subscribe` is false. */
  async function fresh(opts: { currency?: string; autoApprove?: boolean; subscribe?: boolean; billing?: BillingOptions } = {}) {
    const shop = `billing-${++n}-${Date.now() % 100000}.myshopify.com`;
    const emulator = new ShopifyEmulator({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, autoApproveSubscriptions: opts.autoApprove ?? true });
    emulators.push(emulator);
    emulator.createShop(shop, { currency: opts.currency ?? "USD" });
    await installOffline(db, emulator, shop);
    const gateway = new AdminGateway({ db, apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, fetch: emulator.fetch, sleep: async () => {} });
    if (opts.subscribe !== false) await ensureSubscription(db, gateway, shop, opts.billing ?? BILLING);
    const store = emulator.shop(shop);
    return {
      shop, emulator, gateway, store,
      records: () => store.installation.usageRecords,
      fee: (orderId: string) => db.ledgerEntry.findUniqueOrThrow({ where: { shop_key: { shop, key: feeKey(orderId) } } }),
      charge: (orderId: string) => chargeFee(db, gateway, shop, orderId, Date.now()),
    };
  }

  /** A guaranteed order with its pending fee, as the screening records it. */
  async function guarantee(shop: string, orderId: string, amount: string, currency: string, opts: { rate?: string; name?: string; at?: Date } = {}) {
    const rate = opts.rate ?? "0.005";
    const fee = feeOn(amount, rate, currency);
    const at = opts.at ?? new Date();
    await db.guarantee.create({ data: { shop, orderId, revision: 0, state: "active", amount, currency, feeRate: rate, fee, approvedAt: at } });
    await db.orderScreening.create({
      data: {
        shop, orderId, orderName: opts.name ?? `#${orderId}`, status: "screened", verdict: "ship", score: 10, threshold: 500, riskLevel: "LOW",
        decidedBy: "engine", rulesetVersion: "t", modelVersion: "t", reasons: "{}", outcomes: "[]", riskFacts: "[]", facts: "{}", orderCreatedAt: at, guarantee: "active",
      },
    });
    await feeOnApproval(db, { shop, orderId, fee, currency, at });
    if (opts.at) await db.ledgerEntry.update({ where: { shop_key: { shop, key: feeKey(orderId) } }, data: { createdAt: opts.at } });
    return fee;
  }

  async function voidGuarantee(shop: string, orderId: string) {
    await db.guarantee.update({ where: { shop_orderId: { shop, orderId } }, data: { state: "void", voidedAt: new Date() } });
    await feeOnVoid(db, shop, orderId, new Date());
  }

  it("creates a usage subscription after install, in the shop's currency, test charges, approved by the emulator and re-read ACTIVE", async () => {
    const t = await fresh({ currency: "JPY" });
    const row = await db.shop.findUniqueOrThrow({ where: { shop: t.shop } });
    expect(row).toMatchObject({ subscriptionStatus: "ACTIVE", billingCurrency: "JPY", cappedAmount: "100000.00" });
    expect(row.subscriptionItemId).toMatch(/^gid:\/\/shopify\/AppSubscriptionLineItem\/\d+$/);
    const subs = t.store.installation.subscriptions;
    expect(subs).toHaveLength(1);
    expect(subs[0]).toMatchObject({ test: true, status: "ACTIVE" });
    expect(subs[0]!.lineItems[0]!.usage).toMatchObject({ cappedAmount: { currencyCode: "JPY" }, terms: expect.stringContaining("0.5%") });
    // Again (afterAuth twice, reconciliation): the active one is adopted, no second subscription.
    const again = await ensureSubscription(db, t.gateway, t.shop, BILLING, { recreate: true });
    expect(again).toMatchObject({ status: "ACTIVE", created: false });
    expect(t.store.installation.subscriptions).toHaveLength(1);
  });

  it("keeps a pending subscription until the merchant approves it, and records a declined one without asking again", async () => {
    const t = await fresh({ autoApprove: false });
    let row = await db.shop.findUniqueOrThrow({ where: { shop: t.shop } });
    expect(row.subscriptionStatus).toBe("PENDING");
    expect(row.confirmationUrl).toMatch(/\/admin\/charges\/\d+\/confirm$/);
    // Reconciliation re-reads it; still pending: nothing new is created.
    expect(await reconcileBilling(db, t.gateway, t.shop, Date.now(), BILLING)).toMatchObject({ status: "PENDING", retried: 0 });
    expect(t.store.installation.subscriptions).toHaveLength(1);
    // A fee meanwhile is owed, not charged.
    await guarantee(t.shop, "11", "100.00", "USD");
    expect(await t.charge("11")).toEqual({ outcome: "owed", reason: "billing.not_approved" });
    expect(t.emulator.log.count("appUsageRecordCreate")).toBe(0);
    // Approved: the next pass reads ACTIVE and queues the owed fee again.
    t.emulator.approveSubscription(t.shop, t.store.installation.subscriptions[0]!.id);
    expect(await reconcileBilling(db, t.gateway, t.shop, Date.now(), BILLING)).toMatchObject({ status: "ACTIVE", retried: 1 });
    row = await db.shop.findUniqueOrThrow({ where: { shop: t.shop } });
    expect(row).toMatchObject({ subscriptionStatus: "ACTIVE", confirmationUrl: null });
    expect(await db.job.count({ where: { shop: t.shop, kind: "charge_fee" } })).toBe(1);
    expect(await t.charge("11")).toMatchObject({ outcome: "charged", price: "0.50", currency: "USD" });

    const d = await fresh({ autoApprove: false });
    d.emulator.declineSubscription(d.shop, d.store.installation.subscriptions[0]!.id);
    expect(await reconcileBilling(db, d.gateway, d.shop, Date.now(), BILLING)).toMatchObject({ status: "DECLINED" });
    expect(d.store.installation.subscriptions).toHaveLength(1); // not asked again by reconciliation
    // A new install asks again.
    expect(await ensureSubscription(db, d.gateway, d.shop, BILLING, { recreate: true })).toMatchObject({ status: "PENDING", created: true });
    expect(d.store.installation.subscriptions).toHaveLength(2);
  });

  it("bills JPY 12,000,000 at 0.5% as exactly JPY 60,000, once, whatever the retries", async () => {
    const t = await fresh({ currency: "JPY", billing: { test: true, cappedAmount: "10000000" } });
    const fee = await guarantee(t.shop, "1001", "12000000", "JPY", { name: "#1001" });
    expect(fee).toBe("60000");
    const first = await t.charge("1001");
    expect(first).toMatchObject({ outcome: "charged", price: "60000", currency: "JPY" });
    expect(await t.charge("1001")).toEqual({ outcome: "already", state: "charged" });
    expect(t.records()).toHaveLength(1);
    expect(t.records()[0]).toMatchObject({ price: { amount: "60000.00", currencyCode: "JPY" }, idempotencyKey: usageKey(t.shop, "1001") });
    expect(t.records()[0]!.description).toBe("Holdfast guarantee fee for order #1001 (0.5% of JPY 12,000,000)");
    const entry = await t.fee("1001");
    expect(entry).toMatchObject({ state: "charged", amount: "60000", billedAmount: "60000", billedCurrency: "JPY", rate: "1", rateSource: "same currency" });
    expect(entry.usageRecordId).toBe(String(t.records()[0]!.id));
  });

  it("charges once when the answer is lost after Shopify recorded the charge (drop_after), on the job's retry", async () => {
    const t = await fresh();
    await guarantee(t.shop, "21", "250.00", "USD");
    t.emulator.faults.inject({ fault: { kind: "drop_after" }, operation: "appUsageRecordCreate", shop: t.shop, times: 1 });
    await expect(t.charge("21")).rejects.toBeInstanceOf(AmbiguousMutationError);
    expect(t.records()).toHaveLength(1); // Shopify has it
    // The price and key were written before the call: the retry sends the same, Shopify answers the same record.
    expect(await t.fee("21")).toMatchObject({ state: "pending", billedAmount: "1.25", idempotencyKey: usageKey(t.shop, "21") });
    expect(await t.charge("21")).toMatchObject({ outcome: "charged", price: "1.25" });
    expect(t.records()).toHaveLength(1);
    expect(t.emulator.log.count("appUsageRecordCreate")).toBe(2);
    expect((await t.fee("21")).usageRecordId).toBe(String(t.records()[0]!.id));
  });

  it("charges once under concurrent runs, and a redelivered job (same dedupe key) is one job", async () => {
    const t = await fresh();
    await guarantee(t.shop, "31", "80.00", "USD");
    const outcomes = await Promise.all([t.charge("31"), t.charge("31"), t.charge("31")]);
    expect(outcomes.filter((o) => o.outcome === "charged").length).toBeGreaterThanOrEqual(1);
    expect(outcomes.every((o) => o.outcome === "charged" || o.outcome === "already")).toBe(true);
    expect(t.records()).toHaveLength(1);

    await guarantee(t.shop, "32", "90.00", "USD");
    await enqueue(db, chargeFeeJob(t.shop, "32"));
    await enqueue(db, chargeFeeJob(t.shop, "32")); // a redelivery of the approval: the same job
    expect(await db.job.count({ where: { shop: t.shop, kind: "charge_fee" } })).toBe(1);
    const worker = createWorker({ db, apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, gateway: t.gateway }, { concurrency: 2, pollMs: 10, log: () => {} }).start();
    try {
      // A retry queued under another key runs too, and finds the fee charged.
      await enqueue(db, { ...chargeFeeJob(t.shop, "32"), dedupeKey: "fee:32:retry:1" });
      for (let i = 0; i < 300 && (await db.job.count({ where: { shop: t.shop, kind: "charge_fee", state: { not: "done" } } })) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    } finally {
      await worker.stop();
    }
    const jobs = await db.job.findMany({ where: { shop: t.shop, kind: "charge_fee" } });
    expect(jobs.map((j) => j.state)).toEqual(["done", "done"]);
    expect(t.records()).toHaveLength(2);
    expect(await t.fee("32")).toMatchObject({ state: "charged", billedAmount: "0.45" });
  });

  it("a guarantee voided before its fee is charged: void, nothing billed", async () => {
    const t = await fresh();
    await guarantee(t.shop, "41", "100.00", "USD");
    await voidGuarantee(t.shop, "41");
    expect(await t.charge("41")).toEqual({ outcome: "already", state: "void" });
    // Voided with the fee still pending when the job runs (the void lost a race): void too.
    await guarantee(t.shop, "42", "100.00", "USD");
    await db.guarantee.update({ where: { shop_orderId: { shop: t.shop, orderId: "42" } }, data: { state: "void" } });
    expect(await t.charge("42")).toEqual({ outcome: "void" });
    expect(t.emulator.log.count("appUsageRecordCreate")).toBe(0);
  });

  it("a guarantee voided after its fee was charged becomes a credit, netted in full and then in part against the next fees, which say so", async () => {
    const t = await fresh();
    await guarantee(t.shop, "51", "2000.00", "USD", { name: "#1051" }); // fee 10.00
    expect(await t.charge("51")).toMatchObject({ outcome: "charged", price: "10.00" });
    await voidGuarantee(t.shop, "51");
    const credit = await db.ledgerEntry.findUniqueOrThrow({ where: { shop_key: { shop: t.shop, key: "credit:51" } } });
    expect(credit).toMatchObject({ kind: "fee_credit", state: "open", amount: "10.00", currency: "USD" });

    // Fee 4.00: covered by the credit in full, no usage record; the credit splits 4.00 applied + 6.00 open.
    await guarantee(t.shop, "52", "800.00", "USD", { name: "#1052" });
    const netted = await t.charge("52");
    expect(netted).toMatchObject({ outcome: "netted" });
    expect(await t.fee("52")).toMatchObject({ state: "netted", billedAmount: "0.00" });
    expect(t.records()).toHaveLength(1);
    expect(await db.ledgerEntry.findUniqueOrThrow({ where: { shop_key: { shop: t.shop, key: "credit:51" } } })).toMatchObject({ state: "applied", amount: "4.00", detail: "applied to fee:52" });
    expect(await db.ledgerEntry.findUniqueOrThrow({ where: { shop_key: { shop: t.shop, key: "credit:51:rest:52" } } })).toMatchObject({ state: "open", amount: "6.00", orderId: "51" });

    // Fee 9.00: nets the 6.00 left, bills 3.00, and the usage record says what it nets.
    await guarantee(t.shop, "53", "1800.00", "USD", { name: "#1053" });
    expect(await t.charge("53")).toMatchObject({ outcome: "charged", price: "3.00" });
    expect(t.records()).toHaveLength(2);
    expect(t.records()[1]!.description).toBe("Holdfast guarantee fee for order #1053 (0.5% of USD 1,800.00); nets credit of USD 6.00: USD 6.00 (voided order #1051)");
    expect(await db.ledgerEntry.count({ where: { shop: t.shop, kind: "fee_credit", state: "open" } })).toBe(0);

    // A netted fee whose guarantee is voided gives back what it used.
    await voidGuarantee(t.shop, "52");
    expect(await db.ledgerEntry.findUniqueOrThrow({ where: { shop_key: { shop: t.shop, key: "credit:52" } } })).toMatchObject({ state: "open", amount: "4.00" });
  });

  it("nets credits oldest first, the same whichever fee runs when", async () => {
    const t = await fresh();
    for (const [id, amount] of [["61", "400.00"], ["62", "600.00"]] as const) {
      await guarantee(t.shop, id, amount, "USD");
      await t.charge(id);
    }
    await voidGuarantee(t.shop, "62"); // credit 3.00, issued first
    await voidGuarantee(t.shop, "61"); // credit 2.00, dated earlier below
    await db.ledgerEntry.update({ where: { shop_key: { shop: t.shop, key: "credit:61" } }, data: { createdAt: new Date(Date.now() - 60_000) } });
    await guarantee(t.shop, "63", "500.00", "USD"); // fee 2.50: all of 61's 2.00, 0.50 of 62's
    expect(await t.charge("63")).toMatchObject({ outcome: "netted" });
    const credits = await db.ledgerEntry.findMany({ where: { shop: t.shop, kind: "fee_credit" }, orderBy: { key: "asc" } });
    expect(credits.map((c) => [c.key, c.state, c.amount])).toEqual([
      ["credit:61", "applied", "2.00"],
      ["credit:62", "applied", "0.50"],
      ["credit:62:rest:63", "open", "2.50"],
    ]);
  });

  it("two fees charged at once never net the same credit twice", async () => {
    const t = await fresh();
    await guarantee(t.shop, "91", "2000.00", "USD"); // 10.00
    await t.charge("91");
    await voidGuarantee(t.shop, "91"); // credit 10.00
    const ids = ["92", "93", "94", "95"];
    for (const id of ids) await guarantee(t.shop, id, "1200.00", "USD"); // 6.00 each: 24.00, 10.00 of it netted
    await Promise.all(ids.map((id) => t.charge(id)));
    const fees = await Promise.all(ids.map((id) => t.fee(id)));
    const billed = fees.reduce((sum, f) => sum + Number(f.billedAmount), 0);
    expect(billed.toFixed(2)).toBe("14.00");
    const applied = await db.ledgerEntry.findMany({ where: { shop: t.shop, kind: "fee_credit", state: "applied" } });
    expect(applied.reduce((sum, c) => sum + Number(c.amount), 0).toFixed(2)).toBe("10.00");
    expect(await db.ledgerEntry.count({ where: { shop: t.shop, kind: "fee_credit", state: "open" } })).toBe(0);
    expect(t.records().slice(1).reduce((sum, r) => sum + Number(r.price.amount), 0).toFixed(2)).toBe("14.00");
  });

  it("pauses charging on 'exceeds balance remaining' (owed, coverage kept, merchant told), then resumes once the cap is raised and charges each owed fee once", async () => {
    const t = await fresh({ billing: { test: true, cappedAmount: "10.00" } });
    await guarantee(t.shop, "71", "1200.00", "USD"); // 6.00
    await guarantee(t.shop, "72", "1200.00", "USD"); // 6.00: over the cap
    await guarantee(t.shop, "73", "200.00", "USD"); // 1.00: fits, but charging is paused
    expect(await t.charge("71")).toMatchObject({ outcome: "charged" });
    expect(await t.charge("72")).toMatchObject({ outcome: "owed", reason: "billing.paused", message: "Total price exceeds balance remaining" });
    const shopRow = await db.shop.findUniqueOrThrow({ where: { shop: t.shop } });
    expect(shopRow.chargingPausedAt).not.toBeNull();
    expect(shopRow.chargingPausedReason).toBe("Total price exceeds balance remaining");
    const calls = t.emulator.log.count("appUsageRecordCreate");
    expect(await t.charge("73")).toEqual({ outcome: "owed", reason: "billing.paused" });
    expect(t.emulator.log.count("appUsageRecordCreate")).toBe(calls); // not sent while paused
    expect(await db.guarantee.count({ where: { shop: t.shop, state: "active" } })).toBe(3); // coverage continues
    const told = await db.auditEvent.findMany({ where: { shop: t.shop, kind: "billing" } });
    expect(told).toHaveLength(1);
    expect(JSON.parse(told[0]!.data!)).toMatchObject({ key: "billing.paused" });

    // No room yet: still paused.
    expect(await reconcileBilling(db, t.gateway, t.shop, Date.now(), BILLING)).toMatchObject({ status: "ACTIVE", retried: 0 });
    expect((await db.shop.findUniqueOrThrow({ where: { shop: t.shop } })).chargingPausedAt).not.toBeNull();

    // The merchant approves a higher cap: the next pass resumes and queues both owed fees.
    t.emulator.raiseCappedAmount(t.shop, t.store.installation.subscriptions[0]!.lineItems[0]!.id, "100.00");
    const sync = await reconcileBilling(db, t.gateway, t.shop, Date.now(), BILLING);
    expect(sync).toMatchObject({ status: "ACTIVE", resumed: true, retried: 2 });
    expect((await db.shop.findUniqueOrThrow({ where: { shop: t.shop } })).cappedAmount).toBe("100.00");
    expect(await retryOwedFees(db, t.shop)).toBe(2); // the same jobs (dedupe), not new ones
    expect(await db.job.count({ where: { shop: t.shop, kind: "charge_fee" } })).toBe(2);
    for (const id of ["72", "73", "72", "73"]) await t.charge(id);
    expect(t.records().map((r) => r.price.amount)).toEqual(["6.00", "6.00", "1.00"]);
    expect((await t.fee("72")).state).toBe("charged");
    expect((await t.fee("73")).state).toBe("charged");
  });

  it("a fee in another currency: owed without a configured rate (never guessed), then converted at the rate valid at the fee's time, rate and source recorded", async () => {
    const t = await fresh({ currency: "USD" });
    const at = new Date("2026-11-20T10:00:00Z");
    await guarantee(t.shop, "81", "12000000", "JPY", { at, name: "#1081" }); // fee JPY 60,000
    expect(await t.charge("81")).toEqual({ outcome: "owed", reason: "billing.no_rate" });
    expect(await t.fee("81")).toMatchObject({ state: "owed", detail: "billing.no_rate", billedAmount: null, rate: null });
    expect(t.emulator.log.count("appUsageRecordCreate")).toBe(0);
    expect(await retryOwedFees(db, t.shop)).toBe(0); // still no rate: nothing queued
    const told = await db.auditEvent.findFirstOrThrow({ where: { shop: t.shop, kind: "billing" } });
    expect(told.message).toBe("Fee recorded as owed: no exchange rate from JPY to USD is configured.");

    // A rate valid before the fee, and a newer one from after it (not used for this fee).
    await setRate(db, { base: "JPY", quote: "USD", rate: "0.0067", source: "operator table: test rate", from: "2026-11-01" });
    await setRate(db, { base: "JPY", quote: "USD", rate: "0.0070", source: "operator table: later rate", from: "2026-11-25" });
    expect(await retryOwedFees(db, t.shop)).toBe(1);
    expect(await t.charge("81")).toMatchObject({ outcome: "charged", price: "402.00", currency: "USD" });
    expect(await t.fee("81")).toMatchObject({ state: "charged", amount: "60000", currency: "JPY", billedAmount: "402.00", billedCurrency: "USD", rate: "0.0067", rateSource: "operator table: test rate" });
    expect(t.records()[0]!.description).toBe(
      "Holdfast guarantee fee for order #1081 (0.5% of JPY 12,000,000); JPY 60,000 at 0.0067 USD/JPY (operator table: test rate) = USD 402.00",
    );
  });
});
