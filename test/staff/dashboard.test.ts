// The dashboard (/app): its figures are what the pipeline recorded for the shop (orders placed
// through the real webhook, screened by the worker), never another shop's; the page renders on the
// server (charts are drawn in the browser only), with an empty state before the first order.
import Decimal from "decimal.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachDb } from "../support/db";
import { BROWSER_UA, mixedOrders, startAdminApp, type AdminApp } from "../support/admin-app";
import { calendarDays, dashboardData, type DashboardData } from "../../app/staff/dashboard.server";
import { monthDay } from "../../app/components/day-label";
import { ledgerReport } from "../../app/guarantee/ledger-report.server";
import { TOTAL_COLUMNS } from "../../app/guarantee/ledger-totals";

const ROUTE = "routes/app._index";

describe("calendar days in the shop's timezone", () => {
  it("starts each day at the shop's midnight, across a DST change", () => {
    // 2026-03-08 is the first day of daylight saving time in New York (23 hours long).
    const { days, bounds } = calendarDays(Date.parse("2026-03-09T15:00:00Z"), 3, "America/New_York");
    expect(days).toEqual(["2026-03-07", "2026-03-08", "2026-03-09"]);
    expect(bounds.map((b) => b.toISOString())).toEqual([
      "2026-03-07T05:00:00.000Z", "2026-03-08T05:00:00.000Z", "2026-03-09T04:00:00.000Z", "2026-03-10T04:00:00.000Z",
    ]);
    // Tokyo: the day starts at 15:00 UTC the day before.
    expect(calendarDays(Date.parse("2026-03-09T16:00:00Z"), 1, "Asia/Tokyo").days).toEqual(["2026-03-10"]);
    expect(calendarDays(Date.parse("2026-03-09T16:00:00Z"), 1, undefined).days).toEqual(["2026-03-09"]);
  });
});

describe("the per-day chart's day labels", () => {
  it("are numeric month/day in every locale (never cut like '11月…')", () => {
    expect(monthDay("2026-11-30")).toBe("11/30");
    expect(monthDay("2026-01-05")).toBe("1/5");
  });
});

describeEachDb("dashboard", (get) => {
  let t: AdminApp;
  beforeAll(async () => {
    t = await startAdminApp(get().db, get().url);
  }, 120_000);
  afterAll(() => t?.stop());

  const load = async (shop?: string) => {
    const r = await t.data<{ data: DashboardData; notices: { key: string; action?: string }[] }>("/app", ROUTE, { shop });
    expect(r.status).toBe(200);
    return r.body;
  };

  it("shows the empty state before the first order, rendered on the server", async () => {
    // Usage charges waiting for the merchant's approval: the notice with its confirmation link is kept.
    await get().db.shop.update({ where: { shop: t.shop }, data: { subscriptionStatus: "PENDING", confirmationUrl: `${t.store.baseUrl}/confirm` } });
    const { data, notices } = await load();
    expect(data.screened).toBe(0);
    expect(data.approvalRate).toBeNull();
    expect(notices).toContainEqual(expect.objectContaining({ key: "guarantee.subscription_not_approved", action: `${t.store.baseUrl}/confirm` }));
    const html = await (await fetch(t.documentUrl("/app"), { headers: { "User-Agent": BROWSER_UA } })).text();
    expect(html).toContain("Holdfast is watching for your first order");
    const ja = await (await fetch(t.documentUrl("/app", { locale: "ja" }), { headers: { "User-Agent": BROWSER_UA } })).text();
    expect(ja).toContain("Holdfast は最初の注文を待っています");
  });

  it("counts what the pipeline recorded for this shop only", async () => {
    const { db } = get();
    // The merchant approved the usage charges: approved orders are guaranteed and fees recorded.
    const sub = t.emulator.shop(t.shop).installation.subscriptions.find((s) => s.status === "PENDING");
    if (sub) t.emulator.approveSubscription(t.shop, sub.id);
    await db.shop.update({ where: { shop: t.shop }, data: { subscriptionStatus: "ACTIVE" } });
    await t.placeOrders(mixedOrders(20, 5, 0.4).map((o) => o.draft));
    await t.placeOrders(mixedOrders(6, 9, 0.5).map((o) => o.draft), t.other);
    await t.settle();
    await t.settle(t.other);

    // Rows the pipeline does not make here: disputes, a claim and a dead job, for both shops.
    for (const shop of [t.shop, t.other]) {
      await db.dispute.createMany({ data: [
        { shop, disputeId: `${shop}-1`, type: "chargeback", reason: "fraudulent", status: "needs_response", amount: "10.00", currency: "USD" },
        { shop, disputeId: `${shop}-2`, type: "chargeback", reason: "unrecognized", status: "needs_response", amount: "10.00", currency: "USD" },
        { shop, disputeId: `${shop}-3`, type: "chargeback", reason: "duplicate", status: "needs_response", amount: "10.00", currency: "USD" },
        { shop, disputeId: `${shop}-4`, type: "inquiry", reason: "fraudulent", status: "needs_response", amount: "10.00", currency: "USD" },
      ] });
      await db.claim.create({ data: { shop, disputeId: `${shop}-1`, orderId: "1", guaranteeId: "g", revision: 0, state: "open", amount: "10.00", currency: "USD", guaranteeAmount: "10.00", guaranteeCurrency: "USD" } });
      await db.job.create({ data: { shop, kind: "charge_fee", dedupeKey: `dead:${shop}`, payload: JSON.stringify({ orderId: "1" }), state: "dead", attempts: 8, lastError: "Error: boom" } });
    }

    const { data, notices } = await load();
    expect(notices.map((n) => n.key)).not.toContain("guarantee.subscription_not_approved");
    const rows = await db.orderScreening.findMany({ where: { shop: t.shop }, select: { verdict: true, score: true, orderId: true } });
    expect(rows).toHaveLength(20);
    const approved = rows.filter((r) => r.verdict === "ship").length;
    expect(approved).toBeGreaterThan(0);
    expect(approved).toBeLessThan(20);
    expect(data.screened).toBe(20);
    expect(data.approved).toBe(approved);
    expect(data.held).toBe(20 - approved);
    expect(data.approvalRate).toBeCloseTo(approved / 20, 10);
    expect(data.heldNow).toBe(20 - approved);
    // Score bands and days: every order once, in its band, and all of them today (screened just now).
    expect(data.scoreBands.map((b) => b.count)).toEqual(
      Array.from({ length: 10 }, (_, i) => rows.filter((r) => Math.min(9, Math.floor(r.score / 100)) === i).length),
    );
    expect(data.perDay).toHaveLength(30);
    expect(data.perDay.at(-1)).toMatchObject({ approved, held: 20 - approved });
    expect(data.perDay.slice(0, -1).every((d) => d.approved === 0 && d.held === 0)).toBe(true);
    // Guaranteed value: the exact sum of the active guarantees, per currency.
    const active = await db.guarantee.findMany({ where: { shop: t.shop, state: "active" } });
    expect(active.length).toBeGreaterThan(0);
    const sums = new Map<string, Decimal>();
    for (const g of active) sums.set(g.currency, (sums.get(g.currency) ?? new Decimal(0)).plus(g.amount));
    expect(data.guaranteed.count).toBe(active.length);
    expect(data.guaranteed.sums.map((s) => [s.currency, new Decimal(s.amount).toFixed()])).toEqual([...sums].map(([c, v]) => [c, v.toFixed()]));
    // Fees: the ledger's own totals (every month) per currency.
    const report = await ledgerReport(db, t.shop);
    expect(report.entries.some((e) => e.kind === "fee")).toBe(true);
    const ledger = new Map<string, { charged: Decimal; owed: Decimal; pending: Decimal }>();
    for (const m of report.totals) {
      if (TOTAL_COLUMNS.every((c) => c.startsWith("fees") ? new Decimal(m[c]).isZero() : true)) continue;
      const x = ledger.get(m.currency) ?? { charged: new Decimal(0), owed: new Decimal(0), pending: new Decimal(0) };
      ledger.set(m.currency, { charged: x.charged.plus(m.feesCharged), owed: x.owed.plus(m.feesOwed), pending: x.pending.plus(m.feesPending) });
    }
    expect(data.fees.map((f) => [f.currency, new Decimal(f.charged).toFixed(), new Decimal(f.owed).toFixed(), new Decimal(f.pending).toFixed()]))
      .toEqual([...ledger].map(([c, v]) => [c, v.charged.toFixed(), v.owed.toFixed(), v.pending.toFixed()]));
    expect(data.fraudChargebacks).toBe(2);
    expect(data.claims).toEqual({ open: 1, approved: 0, paid: 0, closed: 0 });
    expect(data.deadJobs).toBe(1);
    expect(data.failedActions).toBe(0);

    // The other shop sees its own orders only.
    const other = (await load(t.other)).data;
    expect(other.screened).toBe(6);
    expect(other.deadJobs).toBe(1);

    // The page renders on the server with its figures (charts are drawn after mount).
    const html = await (await fetch(t.documentUrl("/app"), { headers: { "User-Agent": BROWSER_UA } })).text();
    expect(html).toContain("Orders screened");
    expect(html).toContain("Verdicts per day");
    expect(html).toContain("/app/failed");
    expect(html).not.toContain("Holdfast is watching for your first order");
  }, 180_000);

  it("'held now' is the review queue's total: an order a person declined (still held) is not in it", async () => {
    const { db } = get();
    const held = await db.orderScreening.findFirstOrThrow({ where: { shop: t.shop, verdict: "hold", decidedBy: { not: "staff" } } });
    const queue = async () => (await t.data<{ total: number }>("/app/review", "routes/app.review")).body.total;
    const before = (await load()).data.heldNow;
    expect(before).toBe(await queue());
    // A staff decline keeps the verdict "hold", decided by a person.
    await db.orderScreening.update({ where: { id: held.id }, data: { decidedBy: "staff" } });
    const after = (await load()).data.heldNow;
    expect(after).toBe(before - 1);
    expect(after).toBe(await queue());
  });

  it("counts closed claims beside open, approved and paid ones, as the claims page lists them", async () => {
    const { db } = get();
    await db.claim.create({ data: { shop: t.shop, disputeId: `${t.shop}-closed`, orderId: "2", guaranteeId: "g2", revision: 0, state: "closed", amount: "10.00", currency: "USD", guaranteeAmount: "10.00", guaranteeCurrency: "USD" } });
    expect((await load()).data.claims).toEqual({ open: 1, approved: 0, paid: 0, closed: 1 });
    const html = await (await fetch(t.documentUrl("/app"), { headers: { "User-Agent": BROWSER_UA } })).text();
    expect(html.split("window.__remixContext")[0]).toContain("1 open · 0 approved · 0 paid · 1 closed");
  });

  it("sums amounts beyond what SQL integers hold, exactly", async () => {
    const { db } = get();
    await db.guarantee.createMany({ data: [
      { shop: "big.myshopify.com", orderId: "1", revision: 0, state: "active", amount: "123456789012345678901234567890", currency: "JPY", feeRate: "0.005", fee: "0" },
      { shop: "big.myshopify.com", orderId: "2", revision: 0, state: "active", amount: "1", currency: "JPY", feeRate: "0.005", fee: "0" },
      { shop: "big.myshopify.com", orderId: "3", revision: 0, state: "active", amount: "0.10", currency: "USD", feeRate: "0.005", fee: "0" },
      { shop: "big.myshopify.com", orderId: "4", revision: 0, state: "active", amount: "0.20", currency: "USD", feeRate: "0.005", fee: "0" },
      { shop: "big.myshopify.com", orderId: "5", revision: 0, state: "void", amount: "99.00", currency: "USD", feeRate: "0.005", fee: "0" },
    ] });
    const data = await dashboardData(db, "big.myshopify.com");
    expect(data.guaranteed).toEqual({ count: 4, sums: [{ currency: "JPY", amount: "123456789012345678901234567891" }, { currency: "USD", amount: "0.3" }] });
  });
});
