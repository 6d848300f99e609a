// Velocity counts from the Identity rows, on both databases, for the keys that matter most: the
// bursty ones, with thousands of earlier orders in the 7-day window (and all-time counts beyond it).
import { expect, it } from "vitest";
import { describeEachDb } from "../support/db";
import { hashedKeys, loadHistory } from "../../app/screening/history.server";

const HOUR = 3_600_000;
const AT = Date.parse("2026-07-20T12:00:00Z");

describeEachDb("velocity history", (get) => {
  let n = 0;
  const rows = (shop: string, kind: string, valueHash: string, times: number[], customerIds: (string | null)[] = []) =>
    times.map((t, i) => ({ shop, orderId: `${kind}-${++n}`, kind, valueHash, customerId: customerIds[i] ?? null, at: new Date(t) }));

  it("counts the last hour and day right for an email with 6,000 orders in the window, and the other keys too", async () => {
    const { db } = get();
    const shop = "bursty.myshopify.com";
    const h = hashedKeys({ email: "burst@example.com", ip: "203.0.113.9", device: "dev-1", customer: "c-self" });
    // 6,000 earlier orders with this email: 40 in the last hour, 160 more in the last day, 5,800 over the days before.
    const times = [
      ...Array.from({ length: 40 }, (_, i) => AT - (i + 1) * 60_000 + 1),
      ...Array.from({ length: 160 }, (_, i) => AT - 2 * HOUR - i * 6 * 60_000),
      ...Array.from({ length: 5_800 }, (_, i) => AT - 25 * HOUR - i * 85_000),
    ];
    expect(Math.min(...times)).toBeGreaterThan(AT - 7 * 24 * HOUR);
    await db.identity.createMany({ data: rows(shop, "email", h.email!, times) });
    // Quieter keys of the same order: an IP seen three days ago, a device shared by three other customers.
    await db.identity.createMany({ data: rows(shop, "ip", h.ip!, [AT - 72 * HOUR, AT - 73 * HOUR, AT - 74 * HOUR]) });
    await db.identity.createMany({ data: rows(shop, "device", h.device!, [AT - 30 * 60_000, AT - 50 * HOUR, AT - 51 * HOUR, AT - 52 * HOUR], ["c-1", "c-2", "c-3", "c-1"]) });
    // Outside the window, and later than the order: not counted.
    await db.identity.createMany({ data: rows(shop, "email", h.email!, [AT - 8 * 24 * HOUR, AT + 60_000]) });

    const history = await loadHistory(db, shop, h, AT, "the-order", null);
    expect(history.velocity.email).toEqual({ h1: 40, h24: 200, d7: 6_000, all: 6_001 }); // all-time: the one 8 days ago too
    expect(history.velocity.ip).toEqual({ h1: 0, h24: 0, d7: 3, all: 3 });
    expect(history.velocity.device).toEqual({ h1: 1, h24: 1, d7: 4, all: 4 });
    expect(history.otherCustomers?.device).toBe(3);
    expect(history.deviceOtherCustomers7d).toBe(3);
  });

  it("counts a quiet key's few orders exactly", async () => {
    const { db } = get();
    const shop = "quiet.myshopify.com";
    const h = hashedKeys({ email: "quiet@example.com", phone: "+15550100", device: "dev-2", customer: "c-self" });
    await db.identity.createMany({ data: rows(shop, "email", h.email!, [AT - 10 * 60_000, AT - 5 * HOUR, AT - 3 * 24 * HOUR]) });
    await db.identity.createMany({ data: rows(shop, "device", h.device!, [AT - 10 * 60_000, AT - 5 * HOUR], ["c-self", "c-9"]) });
    const history = await loadHistory(db, shop, h, AT, "the-order", null);
    expect(history.velocity.email).toEqual({ h1: 1, h24: 2, d7: 3, all: 3 });
    expect(history.velocity.phone).toEqual({ h1: 0, h24: 0, d7: 0, all: 0 });
    expect(history.deviceOtherCustomers7d).toBe(1);
  });
});
