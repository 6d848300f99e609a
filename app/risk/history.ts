/**
 * Per-shop order history for velocity signals. `HistorySource` is the interface the
 * screening loader uses; `InMemoryHistoryStore` is the bounded in-memory
 * implementation (backtest, bench, single process). A DB-backed source (Identity
 * rows) can implement the same interface. Time is always passed in: no clock.
 */
import { addressKey, normaliseName } from "./address";
import type { CardsByKind, CustomersByKind, HistoryCounts, HistoryKind, IdentityKind, RiskFacts, WindowCounts } from "./types";
import { HISTORY_KINDS } from "./types";

export const HOUR = 3_600_000;
export const WINDOWS = { h1: HOUR, h24: 24 * HOUR, d7: 7 * 24 * HOUR } as const;
/** Entries older than the longest window are dropped (the all-time aggregates are kept). */
export const HISTORY_RETENTION_MS = WINDOWS.d7;
/** How long the database keeps identity rows for the all-time counts (the in-memory store keeps its aggregates for as long as it lives). */
export const HISTORY_LONG_RETENTION_MS = 400 * 24 * HOUR;

/**
 * The shop's order amounts as a histogram of log2(amount), three buckets per octave, from 0.25 (and
 * below) to 4,194,304 (and above) in the shop's currency: wide enough for JPY as for USD.
 */
export const AMOUNT_BUCKETS = 72;
export function amountBucket(amount: number): number {
  const b = Math.floor(3 * Math.log2(amount)) + 6;
  return b < 0 ? 0 : b >= AMOUNT_BUCKETS ? AMOUNT_BUCKETS - 1 : b;
}
/** The share of the histogram's orders below `amount` (half of its own bucket counted), 0..1; NaN when empty. */
export function amountPercentile(histogram: readonly number[], amount: number): number {
  const own = amountBucket(amount);
  let below = 0;
  let n = 0;
  for (let i = 0; i < histogram.length; i++) {
    const c = histogram[i]!;
    n += c;
    if (i < own) below += c;
    else if (i === own) below += c / 2;
  }
  return n > 0 ? below / n : NaN;
}
/** Kinds whose all-time distinct other cards / customers the store counts. */
const CARDS_BY: ReadonlySet<HistoryKind> = new Set<CardsByKind>(["customer", "email", "device"]);
const CUSTOMERS_BY: ReadonlySet<HistoryKind> = new Set<CustomersByKind>(["card", "device", "ip"]);

/** `customer` is both a history key (velocity_customer) and what distinct-customer counts compare. */
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
  card?: string;
}

/** All-time aggregate of one identity key: order count, latest time, and (for some kinds) the distinct customers / cards seen with it. */
interface Total {
  n: number;
  last: number;
  customers?: Map<string, number>;
  cards?: Map<string, number>;
  /** Every entry of the key, in time order: read only when a lookup is out of order (see `totalAt`). */
  list: Entry[];
}

const others = (m: Map<string, number> | undefined, self: string | undefined): number => (m ? m.size - (self !== undefined && m.has(self) ? 1 : 0) : 0);

interface TotalView {
  n: number;
  last: number | undefined;
  otherCustomers: number;
  otherCards: number;
  selfCard: number;
}

/**
 * The key's all-time figures as seen by an order at `at` (other orders at or before it). In time
 * order (replays) the running aggregates are exact; a lookup earlier than the key's latest order,
 * or for an order already recorded (a re-screen), counts the key's entries instead.
 */
function totalAt(t: Total | undefined, at: number, orderId: string, recorded: boolean, customer: string | undefined, card: string | undefined): TotalView {
  const v = VIEW;
  v.n = 0;
  v.last = undefined;
  v.otherCustomers = 0;
  v.otherCards = 0;
  v.selfCard = 0;
  if (!t) return v;
  if (t.last <= at && !recorded) {
    v.n = t.n;
    v.last = t.last;
    v.otherCustomers = others(t.customers, customer);
    v.otherCards = others(t.cards, card);
    v.selfCard = card === undefined ? 0 : (t.cards?.get(card) ?? 0);
    return v;
  }
  let customers: Set<string> | undefined;
  let cards: Set<string> | undefined;
  for (const e of t.list) {
    if (e.at > at) break;
    if (e.orderId === orderId) continue;
    v.n++;
    v.last = e.at;
    if (t.customers && e.customer !== undefined && e.customer !== customer) (customers ??= new Set()).add(e.customer);
    if (t.cards && e.card !== undefined) {
      if (e.card === card) v.selfCard++;
      else (cards ??= new Set()).add(e.card);
    }
  }
  v.otherCustomers = customers ? customers.size : 0;
  v.otherCards = cards ? cards.size : 0;
  return v;
}
/** The one TotalView `totalAt` fills (read at once by the caller: no allocation per key). */
const VIEW: TotalView = { n: 0, last: undefined, otherCustomers: 0, otherCards: 0, selfCard: 0 };

interface ShopState {
  byKey: Map<string, Entry[]>;
  totals: Map<string, Total>;
  /** Every order id recorded (a lookup for one of them is a re-screen: it must not count itself). */
  recorded: Set<string>;
  /** Order amounts per AMOUNT_BUCKETS bucket. */
  amounts: number[];
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

function countWindows(entries: Entry[] | undefined, at: number, orderId: string, all: number): WindowCounts {
  const c = { h1: 0, h24: 0, d7: 0, all };
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

/** Keep a list sorted by time (replays are in order; late webhooks are not). */
function insertSorted(list: Entry[], entry: Entry): void {
  if (list.length === 0 || list[list.length - 1]!.at <= entry.at) list.push(entry);
  else {
    let i = list.length;
    while (i > 0 && list[i - 1]!.at > entry.at) i--;
    list.splice(i, 0, entry);
  }
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

/** The state of a shop with no history yet (never written to). */
const EMPTY: ShopState = {
  byKey: new Map(), totals: new Map(), recorded: new Set(), amounts: new Array<number>(AMOUNT_BUCKETS).fill(0),
  orders: [], ordersHead: 0, queue: [], queueHead: 0,
};

/**
 * Bounded in-memory history: window entries expire after 7 days (per-key and per-shop caps); the
 * all-time aggregates (count, latest time, distinct customers / cards per key) live as long as the
 * shop's state: O(1) per key for lookups in time order, a scan of the key's entries otherwise.
 */
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
      s = { byKey: new Map(), totals: new Map(), recorded: new Set(), amounts: new Array<number>(AMOUNT_BUCKETS).fill(0), orders: [], ordersHead: 0, queue: [], queueHead: 0 };
      this.shops.set(shop, s);
      if (this.shops.size > this.maxShops) this.shops.delete(this.shops.keys().next().value!);
    }
    return s;
  }

  lookup(shop: string, keys: IdentityKeys, at: number, orderId: string): HistoryCounts {
    const s = this.state(shop, false) ?? EMPTY;
    const velocity: HistoryCounts["velocity"] = {};
    const recorded = s.recorded.has(orderId);
    let deviceOthers: number | undefined;
    let addressOthers: number | undefined;
    let otherCards: HistoryCounts["otherCards"];
    let otherCustomers: HistoryCounts["otherCustomers"];
    let customerCardOrders: number | undefined;
    let customerLastOrderAt: number | undefined;
    for (const kind of HISTORY_KINDS) {
      const v = keys[kind];
      if (v === undefined) continue;
      const k = kind + "\u0000" + v;
      const list = s.byKey.get(k);
      const t = totalAt(s.totals.get(k), at, orderId, recorded, keys.customer, keys.card);
      velocity[kind] = countWindows(list, at, orderId, t.n);
      if (kind === "device") deviceOthers = distinct(list, at, orderId, "customer", keys.customer);
      else if (kind === "address") addressOthers = distinct(list, at, orderId, "name", keys.shippingName);
      if (CARDS_BY.has(kind)) (otherCards ??= {})[kind as CardsByKind] = t.otherCards;
      if (CUSTOMERS_BY.has(kind)) (otherCustomers ??= {})[kind as CustomersByKind] = t.otherCustomers;
      if (kind === "customer") {
        if (keys.card !== undefined) customerCardOrders = t.selfCard;
        customerLastOrderAt = t.last;
      }
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
      otherCards, otherCustomers, customerCardOrders, customerLastOrderAt, shopAmountHistogram: s.amounts.slice(),
    };
  }

  record(shop: string, keys: IdentityKeys, at: number, orderId: string, totalPrice?: number): void {
    const s = this.state(shop, true)!;
    const entry: Entry = { at, orderId, customer: keys.customer, name: keys.shippingName, card: keys.card };
    s.recorded.add(orderId);
    for (const kind of HISTORY_KINDS) {
      const v = keys[kind];
      if (v === undefined) continue;
      const k = kind + "\u0000" + v;
      let t = s.totals.get(k);
      if (!t) s.totals.set(k, (t = { n: 0, last: at, list: [] }));
      t.n++;
      if (at > t.last) t.last = at;
      insertSorted(t.list, entry);
      if (keys.customer !== undefined && CUSTOMERS_BY.has(kind)) (t.customers ??= new Map()).set(keys.customer, (t.customers.get(keys.customer) ?? 0) + 1);
      if (keys.card !== undefined && CARDS_BY.has(kind)) (t.cards ??= new Map()).set(keys.card, (t.cards.get(keys.card) ?? 0) + 1);
      let list = s.byKey.get(k);
      if (!list) s.byKey.set(k, (list = []));
      insertSorted(list, entry);
      if (list.length > this.maxPerKey) list.shift();
      s.queue.push({ k, at });
    }
    s.orders.push(at);
    if (typeof totalPrice === "number" && totalPrice > 0 && Number.isFinite(totalPrice)) {
      const l = Math.log(totalPrice);
      s.typicalLog = s.typicalLog === undefined ? l : s.typicalLog + 0.02 * (l - s.typicalLog);
      const b = amountBucket(totalPrice);
      s.amounts[b] = s.amounts[b]! + 1;
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
