// `npm run ledger -- <shop> [--month YYYY-MM] [--csv file] [--json]`: one shop's ledger: monthly totals
// per currency (fees charged, pending and owed; credits issued, applied and open; claims approved
// and paid) and its entries; --csv writes the entries as CSV (and the totals beside it, *.totals.csv).
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ledgerCsv, ledgerReport, totalsCsv } from "../app/guarantee/ledger-report.server";
import { UsageError, withOperatorDb } from "./lib/operator-db";

const USAGE = "usage: npm run ledger -- <shop> [--month YYYY-MM] [--csv file] [--json]";

await withOperatorDb(async (db) => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { csv: { type: "string" }, month: { type: "string" }, json: { type: "boolean", default: false } },
  });
  const [shop, ...rest] = positionals;
  if (!shop || rest.length || (values.month && !/^\d{4}-\d{2}$/.test(values.month))) throw new UsageError(USAGE);
  const report = await ledgerReport(db, shop, { month: values.month });
  if (values.csv) {
    writeFileSync(values.csv, ledgerCsv(report.entries));
    writeFileSync(values.csv.replace(/(\.csv)?$/i, ".totals.csv"), totalsCsv(report.totals));
  }
  if (values.json) {
    console.log(JSON.stringify(report, null, 2));
    return;
  }
  console.log(`ledger of ${shop}: ${report.entries.length} entries`);
  for (const t of report.totals) {
    console.log(
      `${t.month} ${t.currency}: fees charged ${t.feesCharged}, pending ${t.feesPending}, owed ${t.feesOwed}; ` +
        `credits issued ${t.creditsIssued}, applied ${t.creditsApplied}, open ${t.creditsOpen}; claims approved ${t.claimsApproved}, paid ${t.claimsPaid}`,
    );
  }
  for (const e of report.entries) {
    const billed = e.billedAmount !== null ? ` billed ${e.billedCurrency} ${e.billedAmount}${e.rate && e.rate !== "1" ? ` at ${e.rate} (${e.rateSource})` : ""}` : "";
    console.log(`  ${e.createdAt.toISOString()} ${e.key} ${e.kind} ${e.state} ${e.currency} ${e.amount}${billed}${e.detail ? ` - ${e.detail}` : ""}`);
  }
  if (values.csv) console.log(`CSV written to ${values.csv}`);
});
