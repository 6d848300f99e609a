import { createPrismaClient } from "./app/db-client.server";
import { jobRow } from "./app/jobs/queue.server";
const db = createPrismaClient("file:/tmp/q/c.sqlite");
const shop = "count.myshopify.com";
const sample = await db.orderScreening.findFirstOrThrow({ where: { shop } });
const delivery = await db.webhookDelivery.findFirstOrThrow({ where: { shop } });
const idents = await db.identity.findMany({ where: { shop, orderId: sample.orderId } });
const payload = JSON.stringify({ orderId: "1", revision: 0, reason: "orders/create", webhook: { pad: "x".repeat(2600) } });
const T = new Map<string, number>();
async function t<R>(label: string, f: () => Promise<R>): Promise<R> {
  const c = process.cpuUsage(); const r = await f(); const d = process.cpuUsage(c);
  T.set(label, (T.get(label) ?? 0) + d.user + d.system); return r;
}
let n = 0;
async function one() {
  const id = `x${++n}-${Math.random()}`;
  const { id: _d, ...drow } = delivery;
  await t("intake tx", () => db.$transaction([db.webhookDelivery.create({ data: { ...drow, webhookId: id } }), db.job.upsert({ where: { shop_dedupeKey: { shop, dedupeKey: id } }, create: { ...jobRow({ shop, kind: "screen_order", dedupeKey: id, payload: null }), payload, id }, update: {} })]));
  const [claimed] = await t("claim", () => db.job.updateManyAndReturn({ where: { id: { in: [id] }, state: "queued" }, data: { state: "running", leaseOwner: "o", attempts: { increment: 1 } } }));
  await t("shop", () => db.shop.findUnique({ where: { shop } }));
  await t("screening", () => db.orderScreening.findUnique({ where: { shop_orderId: { shop, orderId: id } } }));
  await t("lists", () => db.listEntry.findMany({ where: { shop } }));
  await t("identities", () => db.identity.findMany({ where: { shop, at: { gte: new Date(Date.now() - 7 * 86400e3), lte: new Date() }, kind: { in: idents.map((i) => i.kind) }, valueHash: { in: idents.map((i) => i.valueHash + id) }, NOT: { orderId: id } }, orderBy: { at: "asc" }, take: 5000 }));
  const { id: _s, orderId: _o, createdAt: _c, updatedAt: _u, ...srow } = sample;
  await t("d:screening create", () => db.orderScreening.create({ data: { ...srow, orderId: id } }));
  await t("d:identity createMany", () => db.identity.createMany({ data: idents.map(({ id: _i, ...r }) => ({ ...r, valueHash: r.valueHash + id, orderId: id })) }));
  await t("d:shop update", () => db.shop.update({ where: { shop }, data: { typicalValueLog: 3.2 } }));
  await t("d:audit", () => db.auditEvent.create({ data: { shop, orderId: id, kind: "screened", message: "Approved (score 12/500, score)" } }));
  await t("d:screening create select id", () => db.orderScreening.create({ data: { ...srow, orderId: id + "b" }, select: { id: true } }));
  await t("persist tx", () => db.$transaction([
    db.storeAction.createMany({ data: [{ shop, orderId: id, revision: 0, action: "tag", target: "holdfast:ship", outcome: "applied" }, { shop, orderId: id, revision: 0, action: "risk_assessment", target: "", outcome: "applied" }] }),
    db.orderScreening.updateMany({ where: { shop, orderId: id, revision: 0 }, data: { status: "acted", actedAt: new Date() } }),
    db.job.updateMany({ where: { id: claimed!.id, state: "running", leaseOwner: "o" }, data: { state: "done", finishedAt: new Date(), payload: "{}" } }),
  ]));
}
for (let i = 0; i < 50; i++) await one();
T.clear();
const c0 = process.cpuUsage(); const t0 = performance.now();
const N = 500;
for (let i = 0; i < N; i++) await one();
const c = process.cpuUsage(c0);
for (const [k, v] of T) console.log(k.padEnd(12), (v / N / 1000).toFixed(2), "ms cpu");
console.log(`db work per order: ${((performance.now() - t0) / N).toFixed(2)} ms wall, ${((c.user + c.system) / N / 1000).toFixed(2)} ms cpu`);
