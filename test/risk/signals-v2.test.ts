// Issue 14 part 2: the signals that generalise. Directions (a riskier input never gives a smaller
// feature, fast-check), the local hour in the shop's timezone, the amount histogram, and the
// in-memory history's new counts (earlier orders only).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SIGNALS } from "~/risk/signals/index";
import type { HistoryCounts, RiskFacts } from "~/risk/types";
import { AMOUNT_BUCKETS, InMemoryHistoryStore, amountBucket, amountPercentile } from "~/risk/history";
import { localHour } from "~/risk/local-time";

const T = Date.UTC(2026, 6, 20, 12, 0, 0);
const base: RiskFacts = { shop: "s", orderId: "1", now: T, createdAt: T };
const sig = (id: string) => SIGNALS.find((s) => s.id === id)!;
const feature = (id: string, f: Partial<RiskFacts>) => sig(id).compute({ ...base, ...f })?.feature;
const hist = (h: Partial<HistoryCounts>): HistoryCounts => ({ velocity: {}, ...h });

describe("directions: a riskier input never gives a smaller feature", () => {
  const pair = fc.tuple(fc.nat(1_000_000), fc.nat(1_000_000)).map(([a, b]): [number, number] => (a <= b ? [a, b] : [b, a]));
  const ages = fc.tuple(fc.double({ min: 0, max: 5e10, noNaN: true }), fc.double({ min: 0, max: 5e10, noNaN: true })).map(([a, b]): [number, number] => (a <= b ? [a, b] : [b, a]));

  it("account age: younger is riskier, over the whole range (no cliff at 7 days)", () => {
    fc.assert(fc.property(ages, ([young, old]) => feature("account_age_days", { customer: { createdAt: T - young } })! >= feature("account_age_days", { customer: { createdAt: T - old } })!));
    // Still separating at 30 and 180 days (the old signal was 0 from 7 days on).
    expect(feature("account_age_days", { customer: { createdAt: T - 30 * 86_400_000 } })!).toBeGreaterThan(feature("account_age_days", { customer: { createdAt: T - 180 * 86_400_000 } })!);
  });
  it("time since the customer's previous order: shorter is riskier", () => {
    fc.assert(fc.property(ages, ([short, long]) => feature("customer_order_gap", { history: hist({ customerLastOrderAt: T - short }) })! >= feature("customer_order_gap", { history: hist({ customerLastOrderAt: T - long }) })!));
  });
  it.each(["cards_per_customer", "cards_per_email", "cards_per_device"])("%s: more other cards is riskier", (id) => {
    const kind = id.slice("cards_per_".length);
    fc.assert(fc.property(pair, ([a, b]) => feature(id, { history: hist({ otherCards: { [kind]: b } }) })! >= feature(id, { history: hist({ otherCards: { [kind]: a } }) })!));
  });
  it.each(["customers_per_card", "customers_per_device", "customers_per_ip"])("%s: more other customers is riskier", (id) => {
    const kind = id.slice("customers_per_".length);
    fc.assert(fc.property(pair, ([a, b]) => feature(id, { history: hist({ otherCustomers: { [kind]: b } }) })! >= feature(id, { history: hist({ otherCustomers: { [kind]: a } }) })!));
  });
  it("velocity by customer: more earlier orders in a window is riskier", () => {
    fc.assert(fc.property(pair, pair, ([a1, b1], [a7, b7]) => {
      const lo = feature("velocity_customer", { history: hist({ velocity: { customer: { h1: a1, h24: a1, d7: a1 + a7, all: a1 + a7 } } }) })!;
      const hi = feature("velocity_customer", { history: hist({ velocity: { customer: { h1: b1, h24: b1, d7: b1 + b7, all: b1 + b7 } } }) })!;
      return hi >= lo;
    }));
  });
  it("amount against the shop: a larger order is never a smaller feature, in any histogram of 30+ orders", () => {
    const histogram = fc.array(fc.nat(50), { minLength: AMOUNT_BUCKETS, maxLength: AMOUNT_BUCKETS }).filter((h) => h.reduce((a, b) => a + b, 0) >= 30);
    const amounts = fc.tuple(fc.double({ min: 0.01, max: 1e7, noNaN: true }), fc.double({ min: 0.01, max: 1e7, noNaN: true })).map(([a, b]): [number, number] => (a <= b ? [a, b] : [b, a]));
    fc.assert(fc.property(histogram, amounts, (h, [small, large]) =>
      feature("order_value_percentile", { totalPrice: large, history: hist({ shopAmountHistogram: h }) })! >= feature("order_value_percentile", { totalPrice: small, history: hist({ shopAmountHistogram: h }) })!));
  });
  it("first use of a card: a card the returning customer never used is the riskier case", () => {
    const known = { velocity: { customer: { h1: 0, h24: 0, d7: 0, all: 3 } } };
    expect(feature("card_new_for_customer", { history: hist({ ...known, customerCardOrders: 0 }) })).toBe(1);
    expect(feature("card_new_for_customer", { history: hist({ ...known, customerCardOrders: 3 }) })).toBe(0);
  });
  it("every new signal documents a non-negative prior within its bound", () => {
    for (const id of ["velocity_customer", "cards_per_customer", "cards_per_email", "cards_per_device", "customers_per_card", "customers_per_device", "customers_per_ip",
      "card_new_for_customer", "customer_order_gap", "order_value_percentile", "order_hour_night", "account_age_days"]) {
      const m = sig(id).meta;
      expect([id, m.prior >= 0 && m.prior <= m.max && m.direction.length > 10 && m.shape.length > 10]).toEqual([id, true]);
    }
  });
});

describe("local hour in the shop's timezone", () => {
  it("Asia/Tokyo is UTC+9; an unknown or absent timezone reads as UTC", () => {
    const t = Date.UTC(2026, 0, 10, 18, 30);
    expect(localHour(t, "Asia/Tokyo")).toBe(3);
    expect(localHour(t, "UTC")).toBe(18);
    expect(localHour(t, undefined)).toBe(18);
    expect(localHour(t, "Mars/Olympus")).toBe(18);
    expect(localHour(Date.UTC(1969, 11, 31, 23, 0), undefined)).toBe(23); // before 1970
  });
  it("follows daylight saving time (America/New_York: UTC-4 in summer, UTC-5 in winter), across the change", () => {
    expect(localHour(Date.UTC(2026, 6, 20, 4, 30), "America/New_York")).toBe(0);
    expect(localHour(Date.UTC(2026, 0, 20, 4, 30), "America/New_York")).toBe(23);
    // 2026-03-08 07:00 UTC = 03:00 EDT (clocks jump from 02:00 EST); 06:59 UTC = 01:59 EST.
    expect(localHour(Date.UTC(2026, 2, 8, 6, 59), "America/New_York")).toBe(1);
    expect(localHour(Date.UTC(2026, 2, 8, 7, 0), "America/New_York")).toBe(3);
    expect(localHour(Date.UTC(2026, 2, 8, 6, 59), "America/New_York")).toBe(1); // the cached slot is per 15 minutes, not stale
  });
  it("agrees with Intl for random instants and zones (including half- and quarter-hour offsets)", () => {
    const zones = ["Asia/Kolkata", "Asia/Kathmandu", "Australia/Lord_Howe", "Europe/London", "America/St_Johns", "Pacific/Chatham", "Asia/Tokyo"];
    fc.assert(fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2035, 0, 1) }), fc.constantFrom(...zones), (t, tz) => {
      const h = Number(new Intl.DateTimeFormat("en-US", { timeZone: tz, hour: "numeric", hourCycle: "h23" }).format(t));
      return localHour(t, tz) === h;
    }), { numRuns: 500 });
  });
  it("order_hour_night: 00:00-05:59 local is night", () => {
    expect(feature("order_hour_night", { createdAt: Date.UTC(2026, 0, 10, 20, 59), timezone: "Asia/Tokyo" })).toBe(1); // 05:59
    expect(feature("order_hour_night", { createdAt: Date.UTC(2026, 0, 10, 21, 0), timezone: "Asia/Tokyo" })).toBe(0); // 06:00
    expect(feature("order_hour_night", { createdAt: Date.UTC(2026, 0, 10, 15, 0), timezone: "Asia/Tokyo" })).toBe(1); // 00:00
    expect(feature("order_hour_night", { createdAt: Date.UTC(2026, 0, 10, 14, 59), timezone: "Asia/Tokyo" })).toBe(0); // 23:59
  });
});

describe("amount histogram", () => {
  it("buckets are monotone in the amount, and the percentile counts half of the order's own bucket", () => {
    fc.assert(fc.property(fc.double({ min: 0, max: 1e9, noNaN: true }), fc.double({ min: 0, max: 1e9, noNaN: true }), (a, b) => (a <= b ? amountBucket(a) <= amountBucket(b) : amountBucket(a) >= amountBucket(b))));
    const h = new Array<number>(AMOUNT_BUCKETS).fill(0);
    h[amountBucket(10)] = 10;
    h[amountBucket(100)] = 10;
    expect(amountPercentile(h, 100)).toBe(0.75);
    expect(amountPercentile(h, 1000)).toBe(1);
    expect(amountPercentile(h, 1)).toBe(0);
    expect(amountBucket(0)).toBe(0);
    expect(amountBucket(1e12)).toBe(AMOUNT_BUCKETS - 1);
  });
});

describe("in-memory history: the new counts see earlier orders only", () => {
  it("counts distinct cards and customers all-time, the customer's last order and first use of a card, never the order itself or a later one", () => {
    const h = new InMemoryHistoryStore();
    const day = 86_400_000;
    h.record("s", { customer: "c1", card: "k1", device: "d1", ip: "i1", email: "e1" }, T - 30 * day, "o1", 50);
    h.record("s", { customer: "c1", card: "k2", device: "d1", ip: "i1", email: "e1" }, T - 10 * day, "o2", 60);
    h.record("s", { customer: "c2", card: "k2", device: "d1", ip: "i1" }, T - 2 * day, "o3", 70);
    h.record("s", { customer: "c1", card: "k9", device: "d1", ip: "i1", email: "e1" }, T + day, "later", 5000);
    const c = h.lookup("s", { customer: "c1", card: "k3", device: "d1", ip: "i1", email: "e1" }, T, "o4");
    expect(c.velocity.customer).toEqual({ h1: 0, h24: 0, d7: 0, all: 2 });
    expect(c.otherCards).toEqual({ customer: 2, email: 2, device: 2 }); // k1, k2 (k9 is later)
    expect(c.otherCustomers).toEqual({ card: 0, device: 1, ip: 1 }); // c2 on the device and IP; card k3 is new
    expect(c.customerCardOrders).toBe(0);
    expect(c.customerLastOrderAt).toBe(T - 10 * day);
    // The card k2 of c1, seen with c2 too: one other customer on the card; the customer used it once.
    const k2 = h.lookup("s", { customer: "c1", card: "k2" }, T, "o5");
    expect([k2.otherCustomers?.card, k2.customerCardOrders, k2.otherCards?.customer]).toEqual([1, 1, 1]);
    // A re-screen of o2 never counts o2 itself.
    const again = h.lookup("s", { customer: "c1", card: "k2" }, T - 10 * day, "o2");
    expect([again.velocity.customer?.all, again.customerCardOrders, again.customerLastOrderAt]).toEqual([1, 0, T - 30 * day]);
  });
});
