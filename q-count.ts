import { PrismaClient } from "@prisma/client";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { execFileSync } from "node:child_process";
import { startPipeline } from "./test/support/pipeline";
import { OrderFactory } from "./test/emulator/index";
execFileSync(process.execPath, ["scripts/db-migrate.mjs"], { env: { ...process.env, DATABASE_URL: "file:/tmp/q/c.sqlite" }, stdio: "ignore" });
const db = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: "file:/tmp/q/c.sqlite" }), log: [{ emit: "event", level: "query" }] });
const counts = new Map<string, number>();
let on = false;
db.$on("query", (e) => { if (!on || /COUNT/.test(e.query)) return; const k = e.query.replace(/`main`\./g, "").replace(/^(\w+)\s.*?(FROM|INTO|UPDATE)\s+`?(\w+)`?.*$/s, "$1 $3").slice(0, 60); counts.set(k, (counts.get(k) ?? 0) + 1); });
const shop = "count.myshopify.com";
const p = await startPipeline(db as never, shop, { emulator: { throttle: { restoreRate: 1e9, bucketSize: 1e9, maxQueryCost: 1000 } } });
const f = new OrderFactory({ seed: 3, startAt: Date.now() - 3600_000 });
// warm up
for (const g of f.batch(5)) { const o = p.store.addOrder(g.draft); await p.deliver(p.sender.ordersCreate(shop, o.id)); }
await p.drain();
on = true;
const N = 100;
for (const g of f.batch(N)) { const o = p.store.addOrder(g.draft); await p.deliver(p.sender.ordersCreate(shop, o.id)); }
await p.drain(60000);
on = false;
await p.stop();
let total = 0;
for (const [k, v] of [...counts].sort((a, b) => b[1] - a[1])) { total += v; console.log(String((v / N).toFixed(2)).padStart(6), k); }
console.log("per order", total / N);
