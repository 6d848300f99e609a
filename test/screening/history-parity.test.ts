// Production parity (issue 14 part 2): the database-backed history (Identity rows, hashed values,
// one grouped query; ShopAmountBucket) gives the same counts as the engine's in-memory store for the
// same random sequence of orders, on both databases: windows, all-time counts, distinct cards and
// customers, first use of a card, the customer's previous order, the amount histogram. And a
// re-screen (the order's rows replaced) never counts the order twice.
import { expect, it } from "vitest";
import { describeEachDb } from "../support/db";
import { InMemoryHistoryStore, type HistoryCounts, type IdentityKeys } from "../../app/risk";
import { hashedKeys, identityRows, loadHistory, recordAmount } from "../../app/screening/history.server";

const MINUTE = 60_000;
const START = Date.parse("2026-05-01T00:00:00Z");

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Order { id: string; at: number; keys: IdentityKeys; amount?: number }

/** Orders over ~20 days from small pools, so identities repeat within and across the windows; some at the same instant. */
function sequence(seed: number, count: number): Order[] {
  const r = rng(seed);
  const pick = (prefix: string, pool: number, pMissing: number) => (r() < pMissing ? undefined : `${prefix}-${Math.floor(r() * pool)}`);
  const out: Order[] = [];
  let at = START;
  for (let i = 0; i < count; i++) {
    const gap = r();
    at += gap < 0.1 ? 0 : gap < 0.5 ? Math.floor(r() * 50 * MINUTE) : gap < 0.9 ? Math.floor(r() * 10 * 60 * MINUTE) : Math.floor(r() * 4 * 24 * 60 * MINUTE);
    const keys: IdentityKeys = {
      customer: pick("cust", 12, 0.2), card: pick("4242:00", 14, 0.15), device: pick("dev", 8, 0.3), ip: pick("10.0.0", 7, 0.1),
      email: pick("mail", 12, 0.2), phone: pick("+8190", 6, 0.5), address: pick("JP|tokyo|1-2", 6, 0.3), shippingName: pick("name", 5, 0.2),
    };
    for (const k of Object.keys(keys) as (keyof IdentityKeys)[]) if (keys[k] === undefined) delete keys[k];
    out.push({ id: String(1000 + i), at, keys, amount: r() < 0.1 ? undefined : Math.round(Math.exp(2 + r() * 6) * 100) / 100 });
  }
  return out;
}

/** What both sources must agree on (shopOrders comes from OrderScreening rows and the typical value from the Shop row: not part of the history store). */
function comparable(h: HistoryCounts) {
  const { shopOrders: _o, shopTypicalValue: _t, ...rest } = h;
  return JSON.parse(JSON.stringify(rest)) as unknown;
}

describeEachDb("history: database and in-memory store agree", (get) => {
  it("gives identical counts for a random sequence of 160 orders (checked for every order)", async () => {
    const { db } = get();
    const shop = "parity.myshopify.com";
    const memory = new InMemoryHistoryStore();
    let hits = 0;
    for (const o of sequence(14, 160)) {
      const fromMemory = memory.lookup(shop, o.keys, o.at, o.id);
      const h = hashedKeys(o.keys);
      const fromDb = await loadHistory(db, shop, h, o.at, o.id, null);
      expect({ order: o.id, counts: comparable(fromDb) }).toEqual({ order: o.id, counts: comparable(fromMemory) });
      if ((fromMemory.otherCustomers?.card ?? 0) > 0 && (fromMemory.otherCards?.customer ?? 0) > 0 && fromMemory.customerCardOrders === 0) hits++;
      memory.record(shop, o.keys, o.at, o.id, o.amount);
      await db.$transaction([db.identity.createMany({ data: identityRows(shop, o.id, h, new Date(o.at)) }), ...recordAmount(db, shop, o.amount)]);
    }
    // The sequence exercised the all-time sets (not just zeros on both sides).
    expect(hits).toBeGreaterThan(3);
  }, 120_000);

  it("a re-screen of an order (its rows replaced) counts it once, and never for itself", async () => {
    const { db } = get();
    const shop = "rescreen.myshopify.com";
    const keys = { customer: "c-1", card: "4111:1111", email: "a@example.com" };
    const h = hashedKeys(keys);
    const write = (orderId: string, at: number) =>
      db.$transaction([db.identity.deleteMany({ where: { shop, orderId } }), db.identity.createMany({ data: identityRows(shop, orderId, h, new Date(at)) })]);
    await write("1", START);
    await write("1", START); // the re-screen: the same order's rows replaced
    const later = await loadHistory(db, shop, h, START + MINUTE, "2", null);
    expect(later.velocity.customer).toEqual({ h1: 1, h24: 1, d7: 1, all: 1 });
    expect(later.velocity.card?.all).toBe(1);
    expect(later.customerCardOrders).toBe(1);
    const itself = await loadHistory(db, shop, h, START + MINUTE, "1", null);
    expect(itself.velocity.customer).toEqual({ h1: 0, h24: 0, d7: 0, all: 0 });
    expect(itself.customerLastOrderAt).toBeUndefined();
    // Shop scoping: another shop's rows are never counted.
    const other = await loadHistory(db, "other.myshopify.com", h, START + MINUTE, "2", null);
    expect(other.velocity.customer?.all).toBe(0);
  });
});
