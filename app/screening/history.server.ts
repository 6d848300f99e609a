// The shop's order history in the database (Identity rows), behind the risk engine's
// HistorySource shape. Identity values are stored only as hashes: velocity needs "same email as
// before", never the email itself. Rows older than the 7-day window are pruned.
import { createHash } from "node:crypto";
import type { Db } from "../db-client.server";
import { HISTORY_RETENTION_MS, IDENTITY_KINDS, InMemoryHistoryStore, type HistoryCounts, type IdentityKeys } from "../risk";

function hash(kind: string, value: string): string {
  return createHash("sha256").update(`${kind}\u0000${value}`).digest("hex").slice(0, 32);
}

/** The same keys with every identity value (and the recipient name) replaced by its hash. */
export function hashedKeys(keys: IdentityKeys): IdentityKeys {
  const out: IdentityKeys = {};
  for (const kind of IDENTITY_KINDS) {
    const v = keys[kind];
    if (v !== undefined) out[kind] = hash(kind, v);
  }
  if (keys.customer !== undefined) out.customer = keys.customer;
  if (keys.shippingName) out.shippingName = hash("name", keys.shippingName);
  return out;
}

/** The Identity rows of an order, from its hashed keys (`hashedKeys`). */
export function identityRows(shop: string, orderId: string, h: IdentityKeys, at: Date) {
  return IDENTITY_KINDS.filter((k) => h[k] !== undefined).map((kind) => ({
    shop, orderId, kind, valueHash: h[kind]!, nameHash: h.shippingName ?? null, customerId: h.customer ?? null, at,
  }));
}

// The shop's order count over the 7-day window changes slowly and is only a baseline for the
// engine: one count per shop and minute of order time serves every order in that minute.
const COUNT_TTL_MS = 60_000;
const orderCounts = new Map<string, { count: number; at: number }>();

async function shopOrderCount(db: Db, shop: string, at: number): Promise<number> {
  const key = `${shop}|${Math.floor(at / COUNT_TTL_MS)}`;
  const hit = orderCounts.get(key);
  if (hit && Date.now() - hit.at < COUNT_TTL_MS) return hit.count;
  const count = await db.orderScreening.count({ where: { shop, orderCreatedAt: { gte: new Date(at - HISTORY_RETENTION_MS), lt: new Date(at) } } });
  if (orderCounts.size >= 10_000) orderCounts.clear();
  orderCounts.set(key, { count, at: Date.now() });
  return count;
}

/** Velocity counts for an order created at `at` (ms) with hashed keys `h`, from this shop's earlier orders. */
export async function loadHistory(db: Db, shop: string, h: IdentityKeys, at: number, orderId: string, typicalValueLog: number | null): Promise<HistoryCounts> {
  const pairs = IDENTITY_KINDS.filter((k) => h[k] !== undefined).map((kind) => ({ kind, valueHash: h[kind]! }));
  const since = new Date(at - HISTORY_RETENTION_MS);
  const [rows, shopOrders] = await Promise.all([
    pairs.length === 0
      ? Promise.resolve([])
      : db.identity.findMany({
          // Each hash covers its kind too (hash(kind, value)), so matching the hashes is matching the
          // pairs; IN lists keep the index (shop, kind, valueHash, at) and cost Prisma far less than an OR of pairs.
          where: { shop, kind: { in: pairs.map((p) => p.kind) }, valueHash: { in: pairs.map((p) => p.valueHash) }, at: { gte: since, lte: new Date(at) }, NOT: { orderId } },
          orderBy: { at: "asc" },
          take: 5000,
        }),
    shopOrderCount(db, shop, at),
  ]);
  const store = new InMemoryHistoryStore({ maxEntriesPerKey: 5000 });
  const byOrder = new Map<string, { at: number; keys: IdentityKeys }>();
  for (const r of rows) {
    let o = byOrder.get(r.orderId);
    if (!o) byOrder.set(r.orderId, (o = { at: r.at.getTime(), keys: { customer: r.customerId ?? undefined, shippingName: r.nameHash ?? undefined } }));
    (o.keys as Record<string, string>)[r.kind] = r.valueHash;
  }
  for (const [id, o] of byOrder) store.record(shop, o.keys, o.at, id);
  const counts = store.lookup(shop, h, at, orderId);
  return { ...counts, shopOrders, shopTypicalValue: typicalValueLog === null ? undefined : Math.exp(typicalValueLog) };
}

/** The shop's typical order value, as the in-memory store keeps it (geometric moving average). */
export function nextTypicalValueLog(previous: number | null, totalPrice: number | undefined): number | null {
  if (typeof totalPrice !== "number" || !(totalPrice > 0) || !Number.isFinite(totalPrice)) return previous;
  const l = Math.log(totalPrice);
  return previous === null ? l : previous + 0.02 * (l - previous);
}

export async function pruneIdentities(db: Db, now: number): Promise<number> {
  const r = await db.identity.deleteMany({ where: { at: { lt: new Date(now - HISTORY_RETENTION_MS) } } });
  return r.count;
}
