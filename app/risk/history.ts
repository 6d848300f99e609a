/**
 * Per-shop order history for velocity signals. `HistorySource` is the interface the
 * screening loader uses; `InMemoryHistoryStore` is the bounded in-memory
 * implementation (backtest, bench, single process). A DB-backed source (Identity
 * rows) can implement the same interface. Time is always passed in: no clock.
 */
import { addressKey, normaliseName } from "./address";
import type { HistoryCounts, IdentityKind, RiskFacts, WindowCounts } from "./types";
import { IDENTITY_KINDS } from "./types";

export const HOUR = 3_600_000;
export const WINDOWS = { h1: HOUR, h24: 24 * HOUR, d7: 7 * 24 * HOUR } as const;
/** Entries older than the longest window are dropped. */
export const HISTORY_RETENTION_MS = WINDOWS.d7;

export type IdentityKeys = Partial<Record<IdentityKind, string>> & { customer?: string; shippingName?: string };

/** Normalised identity keys of an order (also the values shop lists match against). */
export function identityKeys(f: Pick<RiskFacts, "email" | "phone" | "ip" | "deviceId" | "payment" | "shipping" | "customer">): IdentityKeys {
  const k: IdentityKeys = {};
  if (typeof f.email === "string") k.email = f.email.toLowerCase();
  if (f.phone && typeof f.phone === "object") k.phone = f.phone.e164 ?? (typeof f.phone.raw === "string" ? f.phone.raw.replace(/\D/gu, "") || undefined : undefined);
  if (typeof f.ip === "string") k.ip = f.ip;
  if (typeof f.deviceId === "string") k.device = f.deviceId;
  if (f.payment && typeof f.payment.bin === "string" && typeof f.payment.last4 === "string") k.card = `${f.payment.bin}:${f.payment.last4}`;
  const a = addressKey(f.shipping);
  if (a) k.address = a;
  if (f.customer && typeof f.customer.id === "string") k.customer = f.customer.id;
  const name = normaliseName(f.shipping?.name);
  if (name) k.shippingName = name;
  return k;
}

export interface HistorySource {
  /** Counts of this shop's orders strictly before `at` (and not `orderId`) sharing each key. */
  lookup(shop: string, keys: IdentityKeys, at: number, orderId: string): HistoryCounts;
}

export interface HistorySink {
  record(shop: string, keys: IdentityKeys, at: number, orderId: string, totalPrice?: number): void;
}

interface Entry {
  at: number;
  orderId: string;
  customer?: string;
  name?: string;
}

interface ShopState {
  byKey: Map<string, Entry[]>;
  typicalLog?: number;
  /** Order times, oldest first; `ordersHead` is the first one still in the window. */
  orders: number[];
  ordersHead: number;
  /** Expiry queue (key, time) in insertion order; `queueHead` is the next to expire. */
  queue: { k: string; at: number }[];
  queueHead: number;
}

export interface InMemoryHistoryOptions {
  /** Cap on entries kept per identity key (oldest dropped first). */
  maxEntriesPerKey?: number;
  /** Cap on shops kept (least recently used dropped). */
  maxShops?: number;
}

function countWindows(entries: Entry[] | undefined, at: number, orderId: string): WindowCounts {
  const c = { h1: 0, h24: 0, d7: 0 };
  if (!entries) return c;
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]!;
    const age = at - e.at;
    if (age < 0 || e.orderId === orderId) continue;
    if (age >= WINDOWS.d7) break;
    c.d7++;
    if (age < WINDOWS.h24) c.h24++;
    if (age < WINDOWS.h1) c.h1++;
  }
  return c;
}

/** Distinct values of `field` among entries of the last 7 days, other than `self`. */
function distinct(entries: Entry[] | undefined, at: number, orderId: string, field: "customer" | "name", self: string | undefined): number {
  if (!entries) return 0;
  let first: string | undefined;
  let seen: Set<string> | undefined;
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]!;
    const age = at - e.at;
    if (age < 0 || e.orderId === orderId) continue;
    if (age >= WINDOWS.d7) break;
    const val = e[field];
    if (val === undefined || val === self || val === first) continue;
    if (first === undefined) first = val;
    else (seen ??= new Set([first])).add(val);
  }
  return seen ? seen.size : first === undefined ? 0 : 1;
}

/** Bounded in-memory history: entries expire after 7 days; per-key and per-shop caps. */
export class InMemoryHistoryStore implements HistorySource, HistorySink {
  private shops = new Map<string, ShopState>();
  private readonly maxPerKey: number;
  private readonly maxShops: number;

  constructor(opts: InMemoryHistoryOptions = {}) {
    this.maxPerKey = opts.maxEntriesPerKey ?? 500;
    this.maxShops = opts.maxShops ?? 10_000;
  }

  private state(shop: string, create: boolean): ShopState | undefined {
    let s = this.shops.get(shop);
    if (s) {
      this.shops.delete(shop);
      this.shops.set(shop, s);
    } else if (create) {
      s = { byKey: new Map(), orders: [], ordersHead: 0, queue: [], queueHead: 0 };
      this.shops.set(shop, s);
      if (this.shops.size > this.maxShops) this.shops.delete(this.shops.keys().next().value!);
    }
    return s;
  }

  lookup(shop: string, keys: IdentityKeys, at: number, orderId: string): HistoryCounts {
    const s = this.state(shop, false);
    const velocity: HistoryCounts["velocity"] = {};
    if (!s) return { velocity, shopOrders: 0 };
    let deviceOthers: number | undefined;
    let addressOthers: number | undefined;
    for (const kind of IDENTITY_KINDS) {
      const v = keys[kind];
      if (v === undefined) continue;
      const list = s.byKey.get(kind + "\u0000" + v);
      velocity[kind] = countWindows(list, at, orderId);
      if (kind === "device") deviceOthers = distinct(list, at, orderId, "customer", keys.customer);
      else if (kind === "address") addressOthers = distinct(list, at, orderId, "name", keys.shippingName);
    }
    // Orders in the 7-day window before `at` (binary search over the time-ordered order log).
    let lo = s.ordersHead;
    let hi = s.orders.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (s.orders[mid]! <= at - WINDOWS.d7) lo = mid + 1;
      else hi = mid;
    }
    const shopOrders = s.orders.length - lo;
    return {
      velocity, deviceOtherCustomers7d: deviceOthers, addressOtherNames7d: addressOthers,
      shopOrders, shopTypicalValue: s.typicalLog === undefined ? undefined : Math.exp(s.typicalLog),
    };
  }

  record(shop: string, keys: IdentityKeys, at: number, orderId: string, totalPrice?: number): void {
    const s = this.state(shop, true)!;
    const entry: Entry = { at, orderId, customer: keys.customer, name: keys.shippingName };
    for (const kind of IDENTITY_KINDS) {
      const v = keys[kind];
      if (v === undefined) continue;
      const k = kind + "\u0000" + v;
      let list = s.byKey.get(k);
      if (!list) s.byKey.set(k, (list = []));
      // Keep the list sorted by time (replays are in order; late webhooks are not).
      if (list.length === 0 || list[list.length - 1]!.at <= at) list.push(entry);
      else {
        let i = list.length;
        while (i > 0 && list[i - 1]!.at > at) i--;
        list.splice(i, 0, entry);
      }
      if (list.length > this.maxPerKey) list.shift();
      s.queue.push({ k, at });
    }
    s.orders.push(at);
    if (typeof totalPrice === "number" && totalPrice > 0 && Number.isFinite(totalPrice)) {
      const l = Math.log(totalPrice);
      s.typicalLog = s.typicalLog === undefined ? l : s.typicalLog + 0.02 * (l - s.typicalLog);
    }
    this.expire(s, at);
  }

  /** Drop entries older than the retention window: amortised O(1) per recorded entry. */
  private expire(s: ShopState, at: number): void {
    const cutoff = at - HISTORY_RETENTION_MS;
    while (s.queueHead < s.queue.length && s.queue[s.queueHead]!.at < cutoff) {
      const { k } = s.queue[s.queueHead++]!;
      const list = s.byKey.get(k);
      if (!list) continue;
      let i = 0;
      while (i < list.length && list[i]!.at < cutoff) i++;
      if (i === list.length) s.byKey.delete(k);
      else if (i > 0) list.splice(0, i);
    }
    if (s.queueHead > 4096 && s.queueHead * 2 > s.queue.length) {
      s.queue = s.queue.slice(s.queueHead);
      s.queueHead = 0;
    }
    while (s.ordersHead < s.orders.length && s.orders[s.ordersHead]! < cutoff) s.ordersHead++;
    if (s.ordersHead > 4096 && s.ordersHead * 2 > s.orders.length) {
      s.orders = s.orders.slice(s.ordersHead);
      s.ordersHead = 0;
    }
  }

  /** Number of stored identity entries (for tests and memory checks). */
  size(): number {
    let n = 0;
    for (const s of this.shops.values()) for (const l of s.byKey.values()) n += l.length;
    return n;
  }
}
