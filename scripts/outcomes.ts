// `npm run outcomes -- <command>`: what became of a shop's screened orders, as the operator (or, for
// now, staff through the operator) confirms it (docs/risk-engine.md, "Learning from each shop's
// outcomes"). The staff pages will call the same recordOutcome.
//
//   npm run outcomes -- fraud <shop> <order> [--by NAME] [--note TEXT]   confirmed fraud
//   npm run outcomes -- good <shop> <order> [--by NAME] [--note TEXT]    confirmed good
//   npm run outcomes -- list <shop>                                      the shop's outcomes, newest first
import { listOutcomes, recordOutcome } from "../app/learning/outcomes.server";
import { UsageError, withOperatorDb } from "./lib/operator-db";

const USAGE = "usage: npm run outcomes -- fraud|good <shop> <order> [--by NAME] [--note TEXT] | list <shop>";

/** Positional arguments and the --by / --note options (each once, with a value); anything else is a usage error. */
function parseArgs(argv: string[]): { positional: string[]; by?: string; note?: string } {
  const positional: string[] = [];
  const opts: { by?: string; note?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--by" || a === "--note") {
      const key = a === "--by" ? "by" : "note";
      const v = argv[++i];
      if (v === undefined || v.startsWith("--") || opts[key] !== undefined) throw new UsageError(USAGE);
      opts[key] = v;
    } else if (a.startsWith("--")) throw new UsageError(USAGE);
    else positional.push(a);
  }
  return { positional, ...opts };
}

await withOperatorDb(async (db) => {
  const { positional, by, note } = parseArgs(process.argv.slice(2));
  const [command, shop, orderId, ...rest] = positional;
  switch (command) {
    case "fraud":
    case "good": {
      if (!shop || !orderId || rest.length) throw new UsageError(USAGE);
      const r = await recordOutcome(db, { shop, orderId, label: command, source: "staff", actor: by ?? "operator", note });
      const what = r.result === "unchanged" ? "already recorded" : r.result === "changed" ? "changed (audited)" : "recorded";
      console.log(`${shop}: order ${orderId} confirmed ${r.label}: ${what}${r.result === "unchanged" ? "" : "; the shop's model is refitted shortly"}`);
      break;
    }
    case "list": {
      if (!shop || orderId !== undefined || by !== undefined || note !== undefined) throw new UsageError(USAGE);
      const rows = await listOutcomes(db, shop);
      if (rows.length === 0) console.log(`${shop}: no outcomes recorded`);
      for (const r of rows) console.log(`${r.at.toISOString()}  order ${r.orderId}  ${r.label.padEnd(5)}  ${r.source.padEnd(10)}  by ${r.actor}${r.note ? `  ${r.note}` : ""}`);
      break;
    }
    default:
      throw new UsageError(USAGE);
  }
});
