// The intake writer's group commit: deliveries that arrive together are written by two multi-row
// INSERTs of our own (not Prisma's createMany), so the rows must be exactly what Prisma writes, on
// both databases, and a duplicate in a batch must still be recognised.
import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { claim, jobRow } from "../../app/jobs/queue.server";
import { insertDeliveriesWithJobs } from "../../app/webhooks/bulk-insert.server";
import { deliveryRow } from "../../app/webhooks/deliveries.server";
import { IntakeWriter } from "../../app/webhooks/intake-writer.server";
import { isUniqueViolation } from "../../app/db-client.server";
import { describeEachDb } from "../support/db";

const headers = (shop: string, webhookId: string = randomUUID()) => ({
  shop, webhookId, topic: "orders/create", apiVersion: "2026-07", eventId: randomUUID(), triggeredAt: "2026-11-29T10:00:00.123Z",
});
const job = (shop: string, key: string) => jobRow({ id: randomUUID(), shop, kind: "screen_order", dedupeKey: key, payload: { orderId: key, revision: 0 } });

describeEachDb("intake writer", (get) => {
  let n = 0;
  const shop = () => `intake-${++n}.myshopify.com`;

  it("writes the same rows as Prisma's own create, column by column", async () => {
    const { db } = get();
    const s = shop();
    const viaSql = deliveryRow(headers(s), { status: "received" });
    const viaPrisma = deliveryRow(headers(s), { status: "received" });
    const before = Date.now();
    await insertDeliveriesWithJobs(db, [viaSql], [job(s, "sql")]);
    await db.$transaction([db.webhookDelivery.create({ data: viaPrisma }), db.job.create({ data: { id: randomUUID(), shop: s, kind: "screen_order", dedupeKey: "prisma", payload: JSON.stringify({ orderId: "prisma", revision: 0 }) } })]);
    const [a, b] = await Promise.all([viaSql, viaPrisma].map((r) => db.webhookDelivery.findUniqueOrThrow({ where: { shop_webhookId: { shop: s, webhookId: r.webhookId } } })));
    const strip = ({ id: _i, webhookId: _w, eventId: _e, receivedAt, ...rest }: typeof a & object) => ({ ...rest, receivedAt: receivedAt instanceof Date });
    expect(strip(a!)).toEqual(strip(b!));
    expect(a!.triggeredAt?.toISOString()).toBe("2026-11-29T10:00:00.123Z");
    expect(a!.receivedAt.getTime()).toBeGreaterThanOrEqual(before - 1000);

    const [ja, jb] = await Promise.all(["sql", "prisma"].map((k) => db.job.findFirstOrThrow({ where: { shop: s, dedupeKey: k } })));
    const stripJob = ({ id: _i, dedupeKey: _d, payload, runAt, createdAt, updatedAt, ...rest }: typeof ja & object) => ({
      ...rest, payload: JSON.parse(payload).revision, dates: [runAt, createdAt, updatedAt].every((d) => d instanceof Date && Math.abs(d.getTime() - Date.now()) < 60_000),
    });
    expect(stripJob(ja!)).toEqual(stripJob(jb!));
    // Written by SQL, read by the queue: due now and claimable.
    const claimed = await claim(db, { owner: "w", limit: 10, leaseMs: 1000, kinds: ["screen_order"] });
    expect(claimed.filter((c) => c.shop === s).map((c) => c.dedupeKey).sort()).toEqual(["prisma", "sql"]);
  });

  it("a redelivered webhook id in a batch is a unique violation, rolled back whole", async () => {
    const { db } = get();
    const s = shop();
    const first = deliveryRow(headers(s), { status: "received" });
    await insertDeliveriesWithJobs(db, [first], [job(s, "a")]);
    const again = deliveryRow(headers(s, first.webhookId), { status: "received" });
    const fresh = deliveryRow(headers(s), { status: "received" });
    const error = await insertDeliveriesWithJobs(db, [fresh, again], [job(s, "b"), job(s, "a2")]).catch((e: unknown) => e);
    expect(isUniqueViolation(error)).toBe(true);
    expect(await db.webhookDelivery.count({ where: { shop: s } })).toBe(1);
    expect(await db.job.count({ where: { shop: s } })).toBe(1);
  });

  it("concurrent deliveries are committed together; a duplicate among them is answered as one and nothing is lost", async () => {
    const { db } = get();
    const s = shop();
    const writer = new IntakeWriter(db);
    const seen = deliveryRow(headers(s), { status: "received" });
    await writer.write(seen, [job(s, "seen")]);
    const rows = Array.from({ length: 40 }, () => deliveryRow(headers(s), { status: "received" }));
    const outcomes = await Promise.all([
      ...rows.map((r, i) => writer.write(r, [job(s, `k${i}`)])),
      writer.write(deliveryRow(headers(s, seen.webhookId), { status: "received" }), [job(s, "seen")]),
    ]);
    expect(outcomes.filter((o) => o === "recorded")).toHaveLength(40);
    expect(outcomes.at(-1)).toBe("duplicate");
    expect(await db.webhookDelivery.count({ where: { shop: s } })).toBe(41);
    expect(await db.job.count({ where: { shop: s } })).toBe(41);
  });

  it("a row that fails at insert fails alone: the batch falls back to one-by-one and its neighbours are recorded once", async () => {
    const { db } = get();
    const s = shop();
    const writer = new IntakeWriter(db);
    // Keep the writer busy so that the next writes are gathered into one batch.
    await writer.write(deliveryRow(headers(s), { status: "received" }), []);
    const rows = Array.from({ length: 12 }, () => deliveryRow(headers(s), { status: "received" }));
    // A row no database takes (an invalid date): it fails in the batch's INSERT and in Prisma's create.
    const poisoned = { ...deliveryRow(headers(s), { status: "received" }), triggeredAt: new Date(Number.NaN) };
    const results = await Promise.allSettled([
      ...rows.slice(0, 6).map((r, i) => writer.write(r, [job(s, `n${i}`)])),
      writer.write(poisoned, [job(s, "poisoned")]),
      ...rows.slice(6).map((r, i) => writer.write(r, [job(s, `n${i + 6}`)])),
    ]);
    expect(results.map((r) => r.status)).toEqual([...Array(6).fill("fulfilled"), "rejected", ...Array(6).fill("fulfilled")]);
    expect(results.filter((r) => r.status === "fulfilled").map((r) => r.value)).toEqual(Array(12).fill("recorded"));
    for (const r of rows) expect(await db.webhookDelivery.count({ where: { shop: s, webhookId: r.webhookId } })).toBe(1);
    expect(await db.webhookDelivery.count({ where: { shop: s, webhookId: poisoned.webhookId } })).toBe(0);
    expect(await db.job.count({ where: { shop: s } })).toBe(12);
    expect(await db.job.count({ where: { shop: s, dedupeKey: "poisoned" } })).toBe(0);
  });
});
