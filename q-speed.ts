import { createPrismaClient } from "./app/db-client.server";
const db = createPrismaClient("file:/tmp/q/c.sqlite");
const shop = "count.myshopify.com";
async function time(label: string, n: number, per: number, f: (i: number) => Promise<unknown>) {
  for (let i = 0; i < 5; i++) await f(i);
  const c0 = process.cpuUsage(); const t0 = performance.now();
  for (let i = 0; i < n; i++) await f(i);
  const c = process.cpuUsage(c0);
  console.log(label.padEnd(40), ((performance.now() - t0) / (n * per) * 1000).toFixed(0), "us wall/row", ((c.user + c.system) / (n * per)).toFixed(0), "us cpu/row");
}
const body = "x".repeat(6000);
let k = 0;
const row = () => ({ shop, webhookId: `w${++k}-${Math.random()}`, topic: "orders/create", status: "received", rawBody: body });
const fields = Object.keys((await db.webhookDelivery.findFirst()) ?? {});
console.log(fields.join(","));
await time("tx[create delivery + create job] x1", 200, 1, () => db.$transaction([db.webhookDelivery.create({ data: row() as never }), db.auditEvent.create({ data: { shop, kind: "x", message: "m" } })]));
await time("createMany 50 deliveries", 20, 50, () => db.webhookDelivery.createMany({ data: Array.from({ length: 50 }, row) as never }));
await time("tx[createMany 50 + createMany 50 audit]", 20, 50, () => db.$transaction([db.webhookDelivery.createMany({ data: Array.from({ length: 50 }, row) as never }), db.auditEvent.createMany({ data: Array.from({ length: 50 }, () => ({ shop, kind: "x", message: "m" })) })]));
