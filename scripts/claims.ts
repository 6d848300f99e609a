// `npm run claims -- <subcommand>`: the operator's claims command (docs/guarantee.md, "Claims").
//   list [--shop S] [--state open|approved|paid|closed]   one line per claim
//   pay <claimId> --reference <ref> [--shop S]             approved -> paid, the payout recorded once
//   export <shop> [--out file.csv]                          the shop's claims as CSV (stdout without --out)
// The database is DATABASE_URL (the embedded SQLite file by default). Refusals (paying twice, paying
// a claim that is not approved, an unknown claim or state) print the reason and exit 1.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { createPrismaClient, type Db } from "../app/db-client.server";
import { defaultSqliteUrl } from "../app/database-url.mjs";
import { ClaimCommandError, claimsCsv, listClaims, payClaim } from "../app/guarantee/claims.server";

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

const USAGE = "usage: npm run claims -- list [--shop S] [--state S] | pay <claimId> --reference <ref> | export <shop> [--out file.csv]";

/** Runs one subcommand; returns the exit code. */
export async function runClaims(db: Db, argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true, strict: true,
    options: { shop: { type: "string" }, state: { type: "string" }, reference: { type: "string" }, out: { type: "string" } },
  });
  const [command, arg] = positionals;
  try {
    switch (command) {
      case "list": {
        const claims = await listClaims(db, { shop: values.shop, state: values.state });
        for (const c of claims) io.out([c.id, c.shop, `order ${c.orderId}`, `dispute ${c.disputeId}`, c.state, `${c.amount} ${c.currency}`, c.payoutReference ?? ""].join("\t").trimEnd());
        io.out(`${claims.length} claim(s)`);
        return 0;
      }
      case "pay": {
        if (!arg) throw new ClaimCommandError(USAGE);
        const claim = await payClaim(db, arg, values.reference ?? "", { shop: values.shop });
        io.out(`paid claim ${claim.id} of ${claim.shop}: ${claim.amount} ${claim.currency} (reference ${values.reference?.trim()})`);
        return 0;
      }
      case "export": {
        if (!arg) throw new ClaimCommandError(USAGE);
        const csv = await claimsCsv(db, arg);
        if (values.out) {
          writeFileSync(values.out, csv);
          io.out(`wrote ${values.out}`);
        } else io.out(csv.trimEnd());
        return 0;
      }
      default:
        throw new ClaimCommandError(USAGE);
    }
  } catch (error) {
    if (!(error instanceof ClaimCommandError)) throw error;
    io.err(`claims: ${error.message}`);
    return 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const db = createPrismaClient(process.env.DATABASE_URL || defaultSqliteUrl);
  let code = 1;
  try {
    code = await runClaims(db, process.argv.slice(2), { out: (l) => console.log(l), err: (l) => console.error(l) });
  } catch (error) {
    console.error(`claims: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await db.$disconnect();
  }
  process.exit(code);
}
