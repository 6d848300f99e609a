import { createPrismaClient } from "./app/db-client.server";
const db = createPrismaClient("file:/tmp/q/c.sqlite");
const shop = "count.myshopify.com";
async function time(label: string, n: number, f: (i: number) => Promise<unknown>) {
  for (let i = 0; i < 50; i++) await f(i);
  const c0 = process.cpuUsage(); const t0 = performance.now();
  for (let i = 0; i < n; i++) await f(i);
  const c = process.cpuUsage(c0);
  console.log(label.padEnd(40), ((performance.now() - t0) / n * 1000).toFixed(0), "us wall", ((c.user + c.system) / n).toFixed(0), "us cpu");
}
const job = await db.job.findFirst();
await time("job.findUnique", 2000, () => db.job.findUnique({ where: { id: job!.id } }));
await time("shop.findUnique", 2000, () => db.shop.findUnique({ where: { shop } }));
await time("identity.findMany OR", 1000, () => db.identity.findMany({ where: { shop, at: { gte: new Date(0) }, OR: [{ kind: "email", valueHash: "x" }, { kind: "phone", valueHash: "y" }], NOT: { orderId: "1" } }, take: 5000 }));
await time("auditEvent.create", 1000, () => db.auditEvent.create({ data: { shop, kind: "x", message: "m" } }));
await time("job.updateMany", 1000, () => db.job.updateMany({ where: { id: "nope", state: "running" }, data: { state: "done" } }));
await time("$transaction 2 creates", 500, () => db.$transaction([db.auditEvent.create({ data: { shop, kind: "x", message: "m" } }), db.auditEvent.create({ data: { shop, kind: "x", message: "m" } })]));
await time("$queryRaw select 1", 2000, () => db.$queryRaw`SELECT 1`);
