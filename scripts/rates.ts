// `npm run rates -- <command>`: the operator's exchange-rate table, which billing converts a fee
// with when the order's currency is not the subscription's (docs/guarantee.md "Fees and billing").
// No rate, no charge: the fee stays owed until one is set.
//
//   npm run rates -- set <BASE> <QUOTE> <rate> --source <text> [--from <date>]   1 BASE = rate QUOTE, valid from the date (default now)
//   npm run rates -- list
import { parseArgs } from "node:util";
import { listRates, setRate } from "../app/guarantee/rates.server";
import { UsageError, withOperatorDb } from "./lib/operator-db";

const USAGE = "usage: npm run rates -- set <BASE> <QUOTE> <rate> --source <text> [--from <date>] | list";

await withOperatorDb(async (db) => {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { source: { type: "string" }, from: { type: "string" } } });
  const [command, base, quote, rate, ...rest] = positionals;
  if (command === "set") {
    if (!base || !quote || !rate || rest.length) throw new UsageError(USAGE);
    const row = await setRate(db, { base, quote, rate, source: values.source ?? "", from: values.from });
    console.log(`1 ${row.base} = ${row.rate} ${row.quote} from ${row.validFrom.toISOString()} (${row.source})`);
  } else if (command === "list" && !base) {
    const rows = await listRates(db);
    if (!rows.length) console.log("no exchange rates configured: fees in a currency other than the subscription's stay owed");
    for (const r of rows) console.log(`${r.base} ${r.quote} ${r.rate} from ${r.validFrom.toISOString()} (${r.source})`);
  } else {
    throw new UsageError(USAGE);
  }
});
