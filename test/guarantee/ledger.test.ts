// The ledger's monthly totals and CSV (pure, exact), and the operator's settings and rates on both
// databases; the three operator commands end to end as processes against a throwaway SQLite file.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { createTestDb, describeEachDb } from "../support/db";
import { monthlyTotals, type LedgerRow } from "../../app/guarantee/ledger-totals";
import { ledgerCsv, ledgerReport } from "../../app/guarantee/ledger-report.server";
import { parseFeeRate, setCoverNotReceived, setEvidenceSubmit, setFeeRate, setThinDataPolicy, showShop, SettingError } from "../../app/guarantee/settings.server";
import { listRates, rateAt, setRate, InvalidRateError } from "../../app/guarantee/rates.server";
import { appEnv } from "../../scripts/lib/app-process";

const row = (r: Partial<LedgerRow> & Pick<LedgerRow, "kind" | "state" | "amount" | "currency">): LedgerRow => ({ month: "2026-11", billedAmount: null, billedCurrency: null, ...r });

describe("monthly totals", () => {
  it("sums each column per month and currency, exactly, with no cap", () => {
    const totals = monthlyTotals([
      row({ kind: "fee", state: "charged", amount: "60000", currency: "JPY", billedAmount: "402.00", billedCurrency: "USD" }),
      row({ kind: "fee", state: "charged", amount: "0.10", currency: "USD", billedAmount: "0.10", billedCurrency: "USD" }),
      row({ kind: "fee", state: "charged", amount: "0.20", currency: "USD", billedAmount: "0.20", billedCurrency: "USD" }),
      row({ kind: "fee", state: "owed", amount: "60000", currency: "JPY" }), // no rate: owed in the order's currency
      row({ kind: "fee", state: "owed", amount: "6.00", currency: "USD", billedAmount: "6.00", billedCurrency: "USD" }),
      row({ kind: "fee", state: "pending", amount: "1.00", currency: "USD" }),
      row({ kind: "fee", state: "netted", amount: "4.00", currency: "USD", billedAmount: "0.00", billedCurrency: "USD" }),
      row({ kind: "fee", state: "void", amount: "9.00", currency: "USD" }),
      row({ kind: "fee_credit", state: "applied", amount: "4.00", currency: "USD" }),
      row({ kind: "fee_credit", state: "open", amount: "6.00", currency: "USD" }),
      row({ kind: "claim_approved", state: "approved", amount: "12000000", currency: "JPY" }),
      row({ kind: "claim_paid", state: "paid", amount: "99999999999999999999.99", currency: "USD", month: "2026-12" }),
    ]);
    expect(totals).toEqual([
      { month: "2026-11", currency: "JPY", feesCharged: "0", feesPending: "0", feesOwed: "60000", creditsIssued: "0", creditsApplied: "0", creditsOpen: "0", claimsApproved: "12000000", claimsPaid: "0" },
      { month: "2026-11", currency: "USD", feesCharged: "402.30", feesPending: "1.00", feesOwed: "6.00", creditsIssued: "10.00", creditsApplied: "4.00", creditsOpen: "6.00", claimsApproved: "0.00", claimsPaid: "0.00" },
      { month: "2026-12", currency: "USD", feesCharged: "0.00", feesPending: "0.00", feesOwed: "0.00", creditsIssued: "0.00", creditsApplied: "0.00", creditsOpen: "0.00", claimsApproved: "0.00", claimsPaid: "99999999999999999999.99" },
    ]);
  });
});

describeEachDb("ledger report and operator settings", (get) => {
  const shop = "operator.myshopify.com";

  it("lists a shop's entries (not another shop's) with totals, and writes them as CSV with formulas escaped", async () => {
    const { db } = get();
    const base = { kind: "fee", amount: "60000", currency: "JPY", month: "2026-11" };
    await db.ledgerEntry.createMany({
      data: [
        { ...base, shop, key: "fee:1", state: "charged", orderId: "1", billedAmount: "60000", billedCurrency: "JPY", rate: "1", rateSource: "same currency", usageRecordId: "77", detail: "=HYPERLINK(\"x\")" },
        { ...base, shop: "other.myshopify.com", key: "fee:1", state: "charged", orderId: "1" },
      ],
    });
    const report = await ledgerReport(db, shop);
    expect(report.entries.map((e) => e.key)).toEqual(["fee:1"]);
    expect(report.totals).toEqual([expect.objectContaining({ month: "2026-11", currency: "JPY", feesCharged: "60000" })]);
    const records: Record<string, string>[] = parse(ledgerCsv(report.entries), { columns: true });
    expect(records).toEqual([expect.objectContaining({ key: "fee:1", state: "charged", amount: "60000", billed_amount: "60000", usage_record_id: "77", detail: "'=HYPERLINK(\"x\")" })]);
  });

  it("sets the fee rate (0 <= rate < 1), evidence submission and product_not_received cover, only for a known shop", async () => {
    const { db } = get();
    await db.shop.upsert({ where: { shop }, create: { shop }, update: {} });
    expect(parseFeeRate("0.0050")).toBe("0.005");
    expect(parseFeeRate("0")).toBe("0");
    for (const bad of ["1", "1.5", "-0.1", "abc", "", "5e-3"]) expect(() => parseFeeRate(bad), bad).toThrow(SettingError);
    expect(await setFeeRate(db, shop, "0.004")).toBe("0.004");
    expect(await setEvidenceSubmit(db, shop, "3")).toBe(3);
    expect(await setCoverNotReceived(db, shop, "on")).toBe(true);
    expect(await setThinDataPolicy(db, shop, "ship")).toBe("ship_unguaranteed");
    expect((await db.shop.findUniqueOrThrow({ where: { shop } })).thinDataPolicy).toBe("ship_unguaranteed");
    await expect(setThinDataPolicy(db, shop, "approve")).rejects.toThrow(SettingError);
    await expect(setEvidenceSubmit(db, shop, "soon")).rejects.toThrow(SettingError);
    await expect(setFeeRate(db, "unknown.myshopify.com", "0.004")).rejects.toThrow(/does not know/);
    expect(await showShop(db, shop)).toMatchObject({ feeRate: "0.004", feeRateIsDefault: false, evidenceSubmitDays: 3, coverNotReceived: true, chargingPaused: null, fees: { charged: 1 } });
    expect(await setEvidenceSubmit(db, shop, "off")).toBeNull();
    expect(await db.auditEvent.count({ where: { shop, kind: "settings", actor: "operator" } })).toBe(5);
  });

  it("keeps exchange rates by validity: the newest one valid at a time, never one from after it", async () => {
    const { db } = get();
    await setRate(db, { base: "eur", quote: "USD", rate: "1.08", source: "ECB 2026-11-02", from: "2026-11-02" });
    await setRate(db, { base: "EUR", quote: "USD", rate: "1.10", source: "ECB 2026-11-20", from: "2026-11-20" });
    expect(await rateAt(db, "EUR", "USD", new Date("2026-11-01"))).toBeUndefined();
    expect(await rateAt(db, "EUR", "USD", new Date("2026-11-10"))).toMatchObject({ rate: "1.08", source: "ECB 2026-11-02" });
    expect(await rateAt(db, "EUR", "USD", new Date("2026-11-21"))).toMatchObject({ rate: "1.1", source: "ECB 2026-11-20" });
    expect(await rateAt(db, "USD", "EUR", new Date("2026-11-21"))).toBeUndefined(); // not inverted by guess
    expect(await rateAt(db, "JPY", "JPY", new Date())).toMatchObject({ rate: "1", source: "same currency" });
    await expect(setRate(db, { base: "EUR", quote: "USD", rate: "0", source: "x" })).rejects.toThrow(InvalidRateError);
    await expect(setRate(db, { base: "EUR", quote: "USD", rate: "1.1", source: " " })).rejects.toThrow(/--source/);
    expect((await listRates(db)).map((r) => r.rate)).toEqual(["1.1", "1.08"]);
  });
});

function run(script: string, args: string[], url: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, ...args], { env: appEnv({ DATABASE_URL: url }), stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += String(d)));
    child.stderr.on("data", (d) => (err += String(d)));
    child.once("exit", (code) => resolve({ code, out, err }));
  });
}

it("the operator commands work end to end: shops set-fee/show, rates set/list, ledger --csv", async () => {
  const t = await createTestDb("sqlite");
  const dir = mkdtempSync(path.join(tmpdir(), "holdfast-ledger-"));
  try {
    const shop = "cli.myshopify.com";
    await t.db.shop.create({ data: { shop } });
    await t.db.ledgerEntry.create({ data: { shop, key: "fee:5", kind: "fee", state: "owed", orderId: "5", amount: "60000", currency: "JPY", month: "2026-11", detail: "billing.no_rate" } });

    expect(await run("scripts/shops.ts", ["set-fee", shop, "1.2"], t.url)).toMatchObject({ code: 1, err: expect.stringContaining("below 1") });
    expect(await run("scripts/shops.ts", ["set-fee", shop, "0.0045"], t.url)).toMatchObject({ code: 0, out: expect.stringContaining("fee rate 0.0045") });
    const shown = await run("scripts/shops.ts", ["show", shop], t.url);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.out)).toMatchObject({ shop, feeRate: "0.0045", fees: { owed: 1 } });

    expect(await run("scripts/rates.ts", ["set", "JPY", "USD", "0.0067", "--source", "operator table", "--from", "2026-11-01"], t.url)).toMatchObject({ code: 0 });
    expect((await run("scripts/rates.ts", ["list"], t.url)).out).toContain("JPY USD 0.0067 from 2026-11-01T00:00:00.000Z (operator table)");

    const file = path.join(dir, "ledger.csv");
    const ledger = await run("scripts/ledger.ts", [shop, "--csv", file], t.url);
    expect(ledger.code).toBe(0);
    expect(ledger.out).toContain("2026-11 JPY: fees charged 0, pending 0, owed 60000");
    const records: Record<string, string>[] = parse(readFileSync(file, "utf8"), { columns: true });
    expect(records).toEqual([expect.objectContaining({ key: "fee:5", state: "owed", amount: "60000", currency: "JPY", detail: "billing.no_rate" })]);
    expect(readFileSync(path.join(dir, "ledger.totals.csv"), "utf8")).toContain("2026-11,JPY,0,0,60000");
  } finally {
    await t.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
