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
  orders: number[];
  lastSweep: number;
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
      s = { byKey: new Map(), orders: [], lastSweep: -Infinity };
      this.shops.set(shop, s);
      if (this.shops.size > this.maxShops) this.shops.delete(this.shops.keys().next().value!);
    }
    return s;
  }

  lookup(shop: string, keys: IdentityKeys, at: number, orderId: string): HistoryCounts {
    const s = this.state(shop, false);
    const velocity: HistoryCounts["velocity"] = {};
    if (!s) return { velocity, shopOrders: 0 };
    for (const kind of IDENTITY_KINDS) {
      const v = keys[kind];
      if (v !== undefined) velocity[kind] = countWindows(s.byKey.get(`${kind}\u0000${v}`), at, orderId);
    }
    const distinct = (kind: IdentityKind, field: "customer" | "name", self: string | undefined): number | undefined => {
      const v = keys[kind];
      if (v === undefined) return undefined;
      const seen = new Set<string>();
      for (const e of s.byKey.get(`${kind}\u0000${v}`) ?? []) {
        const val = e[field];
        if (e.orderId !== orderId && at - e.at >= 0 && at - e.at < WINDOWS.d7 && val !== undefined && val !== self) seen.add(val);
      }
      return seen.size;
    };
    // Orders in the 7-day window before `at` (binary search: s.orders is append-only in time order for replays).
    let lo = 0;
    let hi = s.orders.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (s.orders[mid]! <= at - WINDOWS.d7) lo = mid + 1;
      else hi = mid;
    }
    const shopOrders = s.orders.length - lo;
    return {
      velocity, deviceOtherCustomers7d: distinct("device", "customer", keys.customer), addressOtherNames7d: distinct("address", "name", keys.shippingName),
      shopOrders, shopTypicalValue: s.typicalLog === undefined ? undefined : Math.exp(s.typicalLog),
    };
  }

  record(shop: string, keys: IdentityKeys, at: number, orderId: string, totalPrice?: number): void {
    const s = this.state(shop, true)!;
    const entry: Entry = { at, orderId, customer: keys.customer, name: keys.shippingName };
    for (const kind of IDENTITY_KINDS) {
      const v = keys[kind];
      if (v === undefined) continue;
      const k = `${kind}\u0000${v}`;
      let list = s.byKey.get(k);
      if (!list) s.byKey.set(k, (list = []));
      // Keep the list sorted by time (replays are in order; late webhooks are not).
      let i = list.length;
      while (i > 0 && list[i - 1]!.at > at) i--;
      list.splice(i, 0, entry);
      if (list.length > this.maxPerKey) list.shift();
    }
    s.orders.push(at);
    if (typeof totalPrice === "number" && totalPrice > 0 && Number.isFinite(totalPrice)) {
      const l = Math.log(totalPrice);
      s.typicalLog = s.typicalLog === undefined ? l : s.typicalLog + 0.02 * (l - s.typicalLog);
    }
    if (at - s.lastSweep > HOUR) this.sweep(s, at);
  }

  /** Drop entries older than the retention window (called at most hourly per shop). */
  private sweep(s: ShopState, at: number): void {
    s.lastSweep = at;
    const cutoff = at - HISTORY_RETENTION_MS;
    for (const [k, list] of s.byKey) {
      let i = 0;
      while (i < list.length && list[i]!.at < cutoff) i++;
      if (i === list.length) s.byKey.delete(k);
      else if (i > 0) list.splice(0, i);
    }
    let j = 0;
    while (j < s.orders.length && s.orders[j]! < cutoff) j++;
    if (j > 0) s.orders.splice(0, j);
  }

  /** Number of stored identity entries (for tests and memory checks). */
  size(): number {
    let n = 0;
    for (const s of this.shops.values()) for (const l of s.byKey.values()) n += l.length;
    return n;
  }
}
