// The shop's order history in the database (Identity rows), behind the risk engine's
// HistorySource shape. Identity values are stored only as hashes: velocity needs "same email as
// before", never the email itself. One row per identity value of an order (kinds email, phone, ip,
// device, card, address and customer), with the order's hashed card and recipient name and its
// customer id, kept HISTORY_LONG_RETENTION_MS (400 days) for the all-time counts. Every count comes
// from one grouped, indexed query (shop, kind, valueHash, at); the shop's amount histogram
// (ShopAmountBucket) is a second, by primary key. A re-screen replaces the order's rows, so it never
// counts twice; customers/redact and shop/redact delete them (app/compliance).
import { createHash } from "node:crypto";
import type { PrismaPromise } from "@prisma/client";
import { sqlTarget, type Db } from "../db-client.server";
import {
  AMOUNT_BUCKETS, HISTORY_KINDS, HISTORY_LONG_RETENTION_MS, HISTORY_RETENTION_MS, IDENTITY_KINDS, WINDOWS, amountBucket,
  type CardsByKind, type CustomersByKind, type HistoryCounts, type HistoryKind, type IdentityKeys,
} from "../risk";

function hash(kind: string, value: string): string {
  return createHash("sha256").update(`${kind}\u0000${value}`).digest("hex").slice(0, 32);
}

/** The same keys with every identity value (and the recipient name) replaced by its hash; the customer id stays (it is the redaction key). */
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

/** The hash an Identity row of `kind` carries, from hashed keys (the customer id is hashed here). */
function rowHash(h: IdentityKeys, kind: HistoryKind): string | undefined {
  const v = h[kind];
  return v === undefined ? undefined : kind === "customer" ? hash("customer", v) : v;
}

/** The Identity rows of an order, from its hashed keys (`hashedKeys`). */
export function identityRows(shop: string, orderId: string, h: IdentityKeys, at: Date) {
  const rows = [];
  for (const kind of HISTORY_KINDS) {
    const valueHash = rowHash(h, kind);
    if (valueHash === undefined) continue;
    rows.push({ shop, orderId, kind, valueHash, nameHash: h.shippingName ?? null, customerId: h.customer ?? null, cardHash: h.card ?? null, at });
  }
  return rows;
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

type Num = number | bigint | string | null;
interface Grouped {
  kind: string;
  valueHash: string;
  n_all: Num; n_h1: Num; n_h24: Num; n_d7: Num;
  d7_customers: Num; d7_names: Num; customers: Num; cards: Num; self_card: Num;
  last: Date | string | number | null;
}
const n = (v: Num): number => (v === null ? 0 : Number(v));
const ms = (v: Grouped["last"]): number | undefined => (v === null ? undefined : v instanceof Date ? v.getTime() : typeof v === "number" ? v : Date.parse(v));
/** Never equal to a stored value: what "other than this order's" compares with when the order has none. */
const NONE = "";

/** One grouped read of this shop's earlier rows of the order's keys: every window count, distinct set and the customer's last order. */
async function groupedCounts(db: Db, shop: string, pairs: { kind: HistoryKind; valueHash: string }[], h: IdentityKeys, at: number, orderId: string): Promise<Grouped[]> {
  const target = sqlTarget(db);
  const pg = target?.dialect === "postgresql";
  const values: unknown[] = [];
  const p = (v: unknown): string => {
    values.push(v);
    return pg ? `$${values.length}` : "?";
  };
  const table = pg && target?.schema ? `"${target.schema.replace(/"/gu, "")}"."Identity"` : `"Identity"`;
  const selfCustomer = h.customer ?? NONE;
  const selfCard = h.card ?? NONE;
  const selfName = h.shippingName ?? NONE;
  const d7 = new Date(at - WINDOWS.d7);
  // Placeholders are numbered in the order p() is called, so the SQL is built left to right.
  const sql =
    `SELECT "kind", "valueHash", COUNT(*) AS n_all, ` +
    `SUM(CASE WHEN "at" > ${p(new Date(at - WINDOWS.h1))} THEN 1 ELSE 0 END) AS n_h1, ` +
    `SUM(CASE WHEN "at" > ${p(new Date(at - WINDOWS.h24))} THEN 1 ELSE 0 END) AS n_h24, ` +
    `SUM(CASE WHEN "at" > ${p(d7)} THEN 1 ELSE 0 END) AS n_d7, ` +
    `COUNT(DISTINCT CASE WHEN "at" > ${p(d7)} AND "customerId" <> ${p(selfCustomer)} THEN "customerId" END) AS d7_customers, ` +
    `COUNT(DISTINCT CASE WHEN "at" > ${p(d7)} AND "nameHash" <> ${p(selfName)} THEN "nameHash" END) AS d7_names, ` +
    `COUNT(DISTINCT CASE WHEN "customerId" <> ${p(selfCustomer)} THEN "customerId" END) AS customers, ` +
    `COUNT(DISTINCT CASE WHEN "cardHash" <> ${p(selfCard)} THEN "cardHash" END) AS cards, ` +
    `SUM(CASE WHEN "cardHash" = ${p(selfCard)} THEN 1 ELSE 0 END) AS self_card, ` +
    `MAX("at") AS last ` +
    `FROM ${table} WHERE "shop" = ${p(shop)} AND "kind" IN (${pairs.map((x) => p(x.kind)).join(", ")}) ` +
    `AND "valueHash" IN (${pairs.map((x) => p(x.valueHash)).join(", ")}) AND "at" <= ${p(new Date(at))} AND "orderId" <> ${p(orderId)} ` +
    `GROUP BY "kind", "valueHash"`;
  return db.$queryRawUnsafe<Grouped[]>(sql, ...values);
}

const CARDS_BY: readonly CardsByKind[] = ["customer", "email", "device"];
const CUSTOMERS_BY: readonly CustomersByKind[] = ["card", "device", "ip"];

/** The shop's amount histogram (AMOUNT_BUCKETS counts). */
async function amountHistogram(db: Db, shop: string): Promise<number[]> {
  const rows = await db.shopAmountBucket.findMany({ where: { shop }, select: { bucket: true, count: true } });
  const out = new Array<number>(AMOUNT_BUCKETS).fill(0);
  for (const r of rows) if (r.bucket >= 0 && r.bucket < AMOUNT_BUCKETS) out[r.bucket] = r.count;
  return out;
}

/**
 * History counts for an order created at `at` (ms) with hashed keys `h`, from this shop's earlier
 * orders (at or before `at`, never `orderId` itself): the same counts the in-memory store gives for
 * the same sequence of orders (test/screening/history-parity.test.ts).
 */
export async function loadHistory(db: Db, shop: string, h: IdentityKeys, at: number, orderId: string, typicalValueLog: number | null): Promise<HistoryCounts> {
  const pairs: { kind: HistoryKind; valueHash: string }[] = [];
  for (const kind of HISTORY_KINDS) {
    const valueHash = rowHash(h, kind);
    if (valueHash !== undefined) pairs.push({ kind, valueHash });
  }
  // Each hash covers its kind too (hash(kind, value)), so matching the hashes is matching the pairs;
  // IN lists keep the index (shop, kind, valueHash, at).
  const [groups, shopOrders, histogram] = await Promise.all([
    pairs.length === 0 ? Promise.resolve([]) : groupedCounts(db, shop, pairs, h, at, orderId),
    shopOrderCount(db, shop, at),
    amountHistogram(db, shop),
  ]);
  const velocity: HistoryCounts["velocity"] = {};
  const out: HistoryCounts = { velocity, shopOrders, shopTypicalValue: typicalValueLog === null ? undefined : Math.exp(typicalValueLog), shopAmountHistogram: histogram };
  for (const { kind, valueHash } of pairs) {
    const g = groups.find((r) => r.kind === kind && r.valueHash === valueHash);
    velocity[kind] = { h1: g ? n(g.n_h1) : 0, h24: g ? n(g.n_h24) : 0, d7: g ? n(g.n_d7) : 0, all: g ? n(g.n_all) : 0 };
    if (kind === "device") out.deviceOtherCustomers7d = g ? n(g.d7_customers) : 0;
    if (kind === "address") out.addressOtherNames7d = g ? n(g.d7_names) : 0;
    if ((CARDS_BY as readonly string[]).includes(kind)) (out.otherCards ??= {})[kind as CardsByKind] = g ? n(g.cards) : 0;
    if ((CUSTOMERS_BY as readonly string[]).includes(kind)) (out.otherCustomers ??= {})[kind as CustomersByKind] = g ? n(g.customers) : 0;
    if (kind === "customer") {
      if (h.card !== undefined) out.customerCardOrders = g ? n(g.self_card) : 0;
      const last = g ? ms(g.last) : undefined;
      if (last !== undefined && Number.isFinite(last)) out.customerLastOrderAt = last;
    }
  }
  return out;
}

/** The shop's typical order value, as the in-memory store keeps it (geometric moving average). */
export function nextTypicalValueLog(previous: number | null, totalPrice: number | undefined): number | null {
  if (typeof totalPrice !== "number" || !(totalPrice > 0) || !Number.isFinite(totalPrice)) return previous;
  const l = Math.log(totalPrice);
  return previous === null ? l : previous + 0.02 * (l - previous);
}

/** The order's amount into the shop's histogram (first decisions only, in the screening transaction), as the in-memory store counts it. */
export function recordAmount(db: Db, shop: string, totalPrice: number | undefined): PrismaPromise<unknown>[] {
  if (typeof totalPrice !== "number" || !(totalPrice > 0) || !Number.isFinite(totalPrice)) return [];
  const bucket = amountBucket(totalPrice);
  return [db.shopAmountBucket.upsert({ where: { shop_bucket: { shop, bucket } }, create: { shop, bucket, count: 1 }, update: { count: { increment: 1 } } })];
}

/** Identity rows older than the long retention (400 days) go: the all-time counts reach that far back. */
export async function pruneIdentities(db: Db, now: number): Promise<number> {
  const r = await db.identity.deleteMany({ where: { at: { lt: new Date(now - HISTORY_LONG_RETENTION_MS) } } });
  return r.count;
}
