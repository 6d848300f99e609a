// `npm run bench`: runs every benchmark in scripts/bench/ (each a standalone script that prints
// its figures), one after another in its own process so their memory figures do not mix.
// `npm run bench -- risk` runs only the ones whose file name contains "risk".
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";

const filter = process.argv[2];
const dir = path.resolve("scripts/bench");
const benches = readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && (!filter || f.includes(filter)))
  .sort();
if (benches.length === 0) {
  console.error(`No benchmarks${filter ? ` matching "${filter}"` : ""} in scripts/bench/.`);
  process.exit(1);
}
let failed = 0;
for (const file of benches) {
  console.log(`\n=== ${file}`);
  const run = spawnSync(process.execPath, ["--import", "tsx", path.join(dir, file)], { stdio: "inherit", env: { ...process.env, TZ: "UTC" } });
  if (run.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
