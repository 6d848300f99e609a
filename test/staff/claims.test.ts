// The claims pages: the list (filter, pagination, ledger totals), one claim with its history,
// dispute, evidence and guarantee, and the CSV export; every one scoped to the session's shop.
// Claims come through the real path: orders placed and approved by the pipeline, then disputes
// opened and lost through the emulator's disputes webhooks.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachDb } from "../support/db";
import { BROWSER_UA, mixedOrders, startAdminApp, type AdminApp } from "../support/admin-app";
import { firstLedgerMonth } from "../../app/staff/claims.server";

const LIST = "routes/app.claims._index";
const DETAIL = "routes/app.claims.$claimId";

interface ListData {
  claims: { id: string; orderId: string; disputeId: string; state: string; amount: string; currency: string }[];
  total: number;
  hasNext: boolean;
  byState: Record<string, number>;
  state: string | null;
  totals: { month: string; currency: string; claimsApproved: string; feesCharged: string }[];
}

describe("the claims page's ledger months", () => {
  it("start 11 calendar months (UTC) before this one", () => {
    expect(firstLedgerMonth(Date.parse("2026-11-30T23:00:00Z"))).toBe("2025-12");
    expect(firstLedgerMonth(Date.parse("2026-01-01T00:00:00Z"))).toBe("2025-02");
    expect(firstLedgerMonth(Date.parse("2026-12-31T23:59:59Z"))).toBe("2026-01");
  });
});

describeEachDb("claims pages", (get) => {
  let t: AdminApp;
  const disputes: { shop: string; disputeId: number; orderId: string }[] = [];

  beforeAll(async () => {
    t = await startAdminApp(get().db, get().url);
    const good = mixedOrders(8, 21, 0).map((o) => o.draft);
    const mine = await t.placeOrders(good.slice(0, 4));
    const theirs = await t.placeOrders(good.slice(4, 6), t.other);
    await Promise.all([t.settle(), t.settle(t.other)]);
    const guaranteed = async (shop: string, ids: string[]) =>
      (await get().db.guarantee.findMany({ where: { shop, orderId: { in: ids }, state: "active" }, select: { orderId: true } })).map((g) => g.orderId);
    const mineOk = await guaranteed(t.shop, mine);
    const theirsOk = await guaranteed(t.other, theirs);
    expect(mineOk.length).toBeGreaterThanOrEqual(3);
    expect(theirsOk.length).toBeGreaterThanOrEqual(1);
    for (const [shop, ids] of [[t.shop, mineOk.slice(0, 3)], [t.other, theirsOk.slice(0, 1)]] as const) {
      for (const orderId of ids) {
        const { dispute } = await t.sender.openDispute(shop, Number(orderId), { reason: "FRAUDULENT" });
        disputes.push({ shop, disputeId: dispute.id, orderId });
      }
    }
    await Promise.all([t.settle(), t.settle(t.other)]);
    // One of this shop's disputes is lost: its claim is approved (Holdfast owes the amount).
    const lost = disputes.find((d) => d.shop === t.shop)!;
    await t.sender.updateDispute(t.shop, lost.disputeId, { status: "LOST" });
    await t.settle();
  }, 180_000);
  afterAll(() => t?.stop());

  it("lists only this shop's claims, filtered by state, with the ledger's monthly totals", async () => {
    const all = await t.data<ListData>("/app/claims", LIST);
    expect(all.status).toBe(200);
    const mine = disputes.filter((d) => d.shop === t.shop).map((d) => String(d.disputeId)).sort();
    expect(all.body.claims.map((c) => c.disputeId).sort()).toEqual(mine);
    expect(all.body.total).toBe(3);
    expect(all.body.byState).toEqual({ open: 2, approved: 1 });
    const approved = await t.data<ListData>("/app/claims?state=approved", LIST);
    expect(approved.body.claims).toHaveLength(1);
    expect(approved.body.claims[0]!.state).toBe("approved");
    expect(approved.body.claims[0]!.disputeId).toBe(String(disputes[0]!.disputeId));
    expect(all.body.totals.some((r) => Number(r.claimsApproved) > 0)).toBe(true);
    // The other shop sees its own claim only.
    const other = await t.data<ListData>("/app/claims", LIST, { shop: t.other });
    expect(other.body.claims.map((c) => c.disputeId)).toEqual(disputes.filter((d) => d.shop === t.other).map((d) => String(d.disputeId)));
  });

  it("refuses a bad filter or page with a 400 naming the problem", async () => {
    for (const q of ["?state=lost", "?page=0", "?page=abc"]) {
      const res = await t.data<{ error: string }>(`/app/claims${q}`, LIST);
      expect(res.status, q).toBe(400);
      expect(res.body.error).toBe("claims.error.bad_query");
    }
  });

  it("shows one claim with its history, dispute, evidence and guarantee", async () => {
    const claim = await get().db.claim.findFirstOrThrow({ where: { shop: t.shop, state: "approved" } });
    const res = await t.data<{
      claim: { id: string; state: string; orderId: string };
      events: { fromState: string | null; toState: string; source: string }[];
      dispute: { reason: string; rawReason: string; status: string; type: string; evidenceState: string | null };
      evidence: { text: string; decision: { verdict: string } } | null;
      guarantee: { state: string; amount: string };
    }>(`/app/claims/${claim.id}`, DETAIL);
    expect(res.status).toBe(200);
    expect(res.body.claim).toMatchObject({ id: claim.id, state: "approved", orderId: claim.orderId });
    expect(res.body.events.map((e) => `${e.fromState ?? "-"}>${e.toState}`)).toEqual(["->open", "open>approved"]);
    expect(res.body.events.every((e) => e.source === "webhook")).toBe(true);
    expect(res.body.dispute).toMatchObject({ reason: "fraudulent", rawReason: "FRAUDULENT", status: "lost", type: "chargeback" });
    expect(res.body.guarantee.state).toBe("active");
    // Evidence was saved to the dispute while it needed a response; the decision text is shown.
    expect(res.body.dispute.evidenceState).toBe("saved");
    expect(res.body.evidence?.decision.verdict).toBe("ship");
    expect(res.body.evidence?.text).toContain("screened for fraud by Holdfast");
  });

  it("answers 404 for another shop's claim, an unknown id and a malformed one", async () => {
    const theirs = await get().db.claim.findFirstOrThrow({ where: { shop: t.other } });
    expect((await t.data(`/app/claims/${theirs.id}`, DETAIL)).status).toBe(404);
    expect((await t.data(`/app/claims/${theirs.id}`, DETAIL, { shop: t.other })).status).toBe(200);
    expect((await t.data("/app/claims/cl0000000000000000000000", DETAIL)).status).toBe(404);
    expect((await t.data("/app/claims/..%2F..%2Fetc", DETAIL)).status).toBe(404);
  });

  it("exports this shop's claims as a CSV attachment, never another shop's", async () => {
    const res = await t.get("/app/claims.csv");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="holdfast-claims-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = (await res.text()).trim().split("\n");
    expect(lines[0]).toBe("claim_id,dispute_id,order_id,order_name,state,amount,currency,guarantee_amount,guarantee_currency,opened_at,paid_at,payout_reference");
    expect(lines).toHaveLength(4);
    const ids = lines.slice(1).map((l) => l.split(",")[1]);
    expect(ids.sort()).toEqual(disputes.filter((d) => d.shop === t.shop).map((d) => String(d.disputeId)).sort());
    for (const d of disputes.filter((x) => x.shop === t.other)) expect(lines.join("\n")).not.toContain(`,${d.disputeId},`);
    const approved = await t.get("/app/claims.csv?state=approved");
    expect((await approved.text()).trim().split("\n")).toHaveLength(2);
    expect((await t.get("/app/claims.csv?state=nope")).status).toBe(400);
    // Without a session token: no file.
    const anonymous = await fetch(new URL("/app/claims.csv", t.app.baseUrl), { redirect: "manual" });
    expect(anonymous.status).not.toBe(200);
  });

  it("shows the ledger's totals of the last 12 months only, and says so", async () => {
    const month = (back: number) => {
      const d = new Date();
      const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1));
      return `${m.getUTCFullYear()}-${String(m.getUTCMonth() + 1).padStart(2, "0")}`;
    };
    await get().db.ledgerEntry.createMany({ data: [
      { shop: t.shop, key: "test:old-claim", kind: "claim_approved", state: "approved", amount: "5.00", currency: "USD", month: month(12) },
      { shop: t.shop, key: "test:edge-claim", kind: "claim_approved", state: "approved", amount: "7.00", currency: "USD", month: month(11) },
    ] });
    const months = (await t.data<ListData>("/app/claims", LIST)).body.totals.map((r) => r.month);
    expect(months).toContain(month(11));
    expect(months).toContain(month(0));
    expect(months).not.toContain(month(12));
    const html = await (await fetch(t.documentUrl("/app/claims"), { headers: { "User-Agent": BROWSER_UA } })).text();
    expect(html.split("window.__remixContext")[0]).toContain("Showing the last 12 months (this month included).");
    const ja = await (await fetch(t.documentUrl("/app/claims", { locale: "ja" }), { headers: { "User-Agent": BROWSER_UA } })).text();
    expect(ja.split("window.__remixContext")[0]).toContain("直近 12 か月（今月を含む）を表示しています。");
  });

  it("renders the list and a claim as a page in Japanese without English claim words", async () => {
    const claim = await get().db.claim.findFirstOrThrow({ where: { shop: t.shop, state: "approved" } });
    const list = await (await fetch(t.documentUrl("/app/claims", { locale: "ja" }), { headers: { "User-Agent": "Mozilla/5.0 Chrome/140.0" } })).text();
    expect(list).toContain("月別の台帳");
    expect(list).toContain("CSVをエクスポート");
    const html = await (await fetch(t.documentUrl(`/app/claims/${claim.id}`, { locale: "ja" }), { headers: { "User-Agent": "Mozilla/5.0 Chrome/140.0" } })).text();
    // What is shown (the loader's data for hydration aside).
    const page = html.replace(/<script[\s\S]*?<\/script>/g, "");
    expect(page).toContain("不正利用");
    expect(page).toContain("履歴");
    expect(page).not.toContain("screened for fraud by Holdfast");
  });

  it("paginates on the server, newest first (rows inserted directly: 30 more claims)", async () => {
    const base = Date.parse("2026-01-01T00:00:00Z");
    await get().db.claim.createMany({
      data: Array.from({ length: 30 }, (_, i) => ({
        shop: t.shop, disputeId: `9${String(i).padStart(5, "0")}`, orderId: `8${i}`, guaranteeId: `g${i}`, revision: 0, state: "closed",
        amount: "10.00", currency: "USD", guaranteeAmount: "1500", guaranteeCurrency: "JPY", openedAt: new Date(base + i * 60_000),
      })),
    });
    const first = await t.data<ListData>("/app/claims?state=closed", LIST);
    expect(first.body.total).toBe(30);
    expect(first.body.claims).toHaveLength(25);
    expect(first.body.hasNext).toBe(true);
    expect(first.body.claims[0]!.disputeId).toBe("900029");
    const second = await t.data<ListData>("/app/claims?state=closed&page=2", LIST);
    expect(second.body.claims.map((c) => c.disputeId)).toEqual(["900004", "900003", "900002", "900001", "900000"]);
    expect(second.body.hasNext).toBe(false);
    expect((await t.data<ListData>("/app/claims?page=99", LIST)).body.claims).toEqual([]);
    // The other shop's list is unchanged.
    expect((await t.data<ListData>("/app/claims", LIST, { shop: t.other })).body.total).toBe(1);
  });
});
