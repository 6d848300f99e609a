// `npm run demo`: Holdfast's main job on the embedded default (SQLite, one process) against a
// local store emulator. The emulator and the order pipeline are still being built; until they
// land this prints what exists and what does not, and checks the parts that do.
import { existsSync } from "node:fs";

const parts: [string, boolean, string][] = [
  ["App shell, webhook routes with HMAC verification, SQLite + PostgreSQL", existsSync("app/webhooks/accept.server.ts"), "built"],
  ["Local Shopify store emulator (test/emulator)", existsSync("test/emulator/server.ts"), "arrives with the emulator issue"],
  ["Risk engine (app/risk)", existsSync("app/risk/evaluate.ts"), "arrives with the risk engine issue"],
  ["Order pipeline: screening jobs and store actions", existsSync("app/screening"), "arrives with the order pipeline issue"],
];

console.log("Holdfast demo\n");
for (const [name, present, note] of parts) console.log(`  ${present ? "[x]" : "[ ]"} ${name}${present ? "" : ` — ${note}`}`);
console.log(
  "\nThe full demo (a local store streaming a few hundred realistic orders and disputes through the real\n" +
    "webhook endpoints, with a live summary) is not built yet. Today you can run the tests (`npm test`)\n" +
    "or the app against a development store (`npm run dev`, see README).",
);
