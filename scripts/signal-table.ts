/**
 * The signal table of docs/risk-engine.md, generated from each signal's documented `meta` and the
 * shipped model's weights, so the docs cannot drift from the code (test/risk/signal-table.test.ts).
 *
 *   npx tsx scripts/signal-table.ts            # print the table
 *   npx tsx scripts/signal-table.ts --write    # and put it into docs/risk-engine.md between its markers
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { DEFAULT_MODEL } from "../app/risk/ruleset";
import { SIGNALS } from "../app/risk/signals/index";

export function signalTable(): string {
  const priors = new Set(DEFAULT_MODEL.priors ?? []);
  const rows = SIGNALS.map((s) => {
    const w = DEFAULT_MODEL.weights[s.id];
    const used = w === undefined ? s.meta.prior : Math.min(s.meta.max, Math.max(0, w));
    const how = w === undefined || priors.has(s.id) ? "prior" : "fitted";
    return `| \`${s.id}\` | ${s.meta.direction} | ${s.meta.shape} | ${s.meta.prior} | ${s.meta.min ?? 0} – ${s.meta.max} | ${used.toFixed(3)} (${how}) |`;
  });
  return ["| signal | direction (domain knowledge) | shape of the feature | prior | bounds | weight in " + DEFAULT_MODEL.version + " |", "|---|---|---|---|---|---|", ...rows].join("\n");
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const table = signalTable();
  console.log(table);
  if (process.argv.includes("--write")) {
    const doc = "docs/risk-engine.md";
    const text = readFileSync(doc, "utf8").replace(/(<!-- signal-table -->\n)[\s\S]*?(\n<!-- \/signal-table -->)/u, (_, a: string, b: string) => a + table + b);
    writeFileSync(doc, text);
  }
}
