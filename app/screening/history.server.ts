// The shop's order history in the database (Identity rows), behind the risk engine's
// HistorySource shape. Identity values are stored only as hashes: velocity needs "same email as
// before", never the email itself. Rows older than the 7-day window are pruned.
import { createHash } from "node:crypto";
import type { Db } from "../db-client.server";
import { HISTORY_RETENTION_MS, IDENTITY_KINDS, InMemoryHistoryStore, WINDOWS, type HistoryCounts, type IdentityKeys, type IdentityKind } from "../risk";

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

// One read of the matching rows, newest first, serves nearly every order. A read that comes back
// full means some key is bursty (thousands of orders in the week): then the newest rows would
// leave out other keys' older ones, so the windows are counted in SQL instead (exact for every
// key), and only the rows the distinct counts need (device, address) are read, per key.
const HISTORY_ROWS = 5000;

type IdentityRow = { orderId: string; kind: string; valueHash: string; nameHash: string | null; customerId: string | null; at: Date };

/** Velocity counts for an order created at `at` (ms) with hashed keys `h`, from this shop's earlier orders. */
export async function loadHistory(db: Db, shop: string, h: IdentityKeys, at: number, orderId: string, typicalValueLog: number | null): Promise<HistoryCounts> {
  const pairs = IDENTITY_KINDS.filter((k) => h[k] !== undefined).map((kind) => ({ kind, valueHash: h[kind]! }));
  // Each hash covers its kind too (hash(kind, value)), so matching the hashes is matching the
  // pairs; IN lists keep the index (shop, kind, valueHash, at) and cost Prisma far less than an OR of pairs.
  const match = { shop, kind: { in: pairs.map((p) => p.kind) }, valueHash: { in: pairs.map((p) => p.valueHash) }, NOT: { orderId } };
  const [rows, shopOrders] = await Promise.all([
    pairs.length === 0
      ? Promise.resolve([])
      : db.identity.findMany({ where: { ...match, at: { gt: new Date(at - HISTORY_RETENTION_MS), lte: new Date(at) } }, orderBy: { at: "desc" }, take: HISTORY_ROWS }),
    shopOrderCount(db, shop, at),
  ]);
  const counts = rows.length < HISTORY_ROWS ? countRows(shop, h, at, orderId, rows) : await countBursty(db, shop, h, at, orderId, pairs);
  return { ...counts, shopOrders, shopTypicalValue: typicalValueLog === null ? undefined : Math.exp(typicalValueLog) };
}

/** The counts from every matching row of the window (any order), through the engine's in-memory store. */
function countRows(shop: string, h: IdentityKeys, at: number, orderId: string, rows: IdentityRow[]): HistoryCounts {
  const byOrder = new Map<string, { at: number; keys: IdentityKeys }>();
  for (const r of rows) {
    let o = byOrder.get(r.orderId);
    if (!o) byOrder.set(r.orderId, (o = { at: r.at.getTime(), keys: { customer: r.customerId ?? undefined, shippingName: r.nameHash ?? undefined } }));
    (o.keys as Record<string, string>)[r.kind] = r.valueHash;
  }
  // Oldest first, as the store expects (it keeps its per-key lists in time order); no key can exceed its cap.
  const store = new InMemoryHistoryStore({ maxEntriesPerKey: HISTORY_ROWS });
  for (const [id, o] of [...byOrder].sort((a, b) => a[1].at - b[1].at)) store.record(shop, o.keys, o.at, id);
  return store.lookup(shop, h, at, orderId);
}

/** Counts for a bursty key: each window counted in SQL; distinct customers per device and names per address from each key's newest rows. */
async function countBursty(db: Db, shop: string, h: IdentityKeys, at: number, orderId: string, pairs: { kind: IdentityKind; valueHash: string }[]): Promise<HistoryCounts> {
  const until = new Date(at);
  const count = (windowMs: number) =>
    db.identity.groupBy({
      by: ["kind", "valueHash"],
      where: { shop, kind: { in: pairs.map((p) => p.kind) }, valueHash: { in: pairs.map((p) => p.valueHash) }, NOT: { orderId }, at: { gt: new Date(at - windowMs), lte: until } },
      _count: { _all: true },
    });
  const rowsOf = (p: { kind: IdentityKind; valueHash: string }) =>
    db.identity.findMany({
      where: { shop, kind: p.kind, valueHash: p.valueHash, NOT: { orderId }, at: { gt: new Date(at - WINDOWS.d7), lte: until } },
      orderBy: { at: "desc" },
      take: HISTORY_ROWS,
    });
  const [h1, h24, d7, ...distinctRows] = await Promise.all([
    count(WINDOWS.h1), count(WINDOWS.h24), count(WINDOWS.d7),
    ...pairs.filter((p) => p.kind === "device" || p.kind === "address").map(rowsOf),
  ]);
  const n = (groups: typeof h1, p: { kind: string; valueHash: string }) => groups.find((g) => g.kind === p.kind && g.valueHash === p.valueHash)?._count._all ?? 0;
  const velocity: HistoryCounts["velocity"] = {};
  for (const p of pairs) velocity[p.kind] = { h1: n(h1, p), h24: n(h24, p), d7: n(d7, p) };
  const distinct = countRows(shop, h, at, orderId, distinctRows.flat());
  return {
    velocity,
    deviceOtherCustomers7d: h.device === undefined ? undefined : (distinct.deviceOtherCustomers7d ?? 0),
    addressOtherNames7d: h.address === undefined ? undefined : (distinct.addressOtherNames7d ?? 0),
  };
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
