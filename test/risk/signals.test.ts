import { describe, expect, it } from "vitest";
import { SIGNALS } from "~/risk/signals/index";
import type { RiskFacts } from "~/risk/types";
import { parsePhone } from "~/risk/facts";
import { AMOUNT_BUCKETS, amountBucket } from "~/risk/history";

const T = Date.UTC(2026, 0, 10, 12, 0, 0);
const base: RiskFacts = { shop: "s.myshopify.com", orderId: "1", now: T, createdAt: T };
const sig = (id: string) => {
  const s = SIGNALS.find((x) => x.id === id);
  if (!s) throw new Error(id);
  return s;
};
/** A shop amount histogram with `n` earlier orders at each amount. */
function histogram(at: [number, number][]): number[] {
  const h = new Array<number>(AMOUNT_BUCKETS).fill(0);
  for (const [amount, n] of at) h[amountBucket(amount)]! += n;
  return h;
}
const v3 = (h1: number, h24: number, d7: number, all = d7) => ({ h1, h24, d7, all });

// [signal, facts patch, expected feature (null = skipped), expected value?]
const cases: [string, Partial<RiskFacts>, number | null, unknown?][] = [
  ["account_instant_purchase", { customer: { createdAt: T - 40_000 } }, 1, 40],
  ["account_instant_purchase", { customer: { createdAt: T - 61_000 } }, 0, 61],
  ["account_instant_purchase", { customer: {} }, null],
  // Continuous in log-seconds from 0 s (1) to two years (0): monotone, no cliff at 7 days.
  ["account_age_days", { customer: { createdAt: T - 3_600_000 } }, 0.7035, 0.04],
  ["account_age_days", { customer: { createdAt: T - 30 * 86_400_000 } }, 0.2302, 30],
  ["account_age_days", { customer: { createdAt: T - 30_000 } }, 0.9708],
  ["account_age_days", { customer: { createdAt: T - 800 * 86_400_000 } }, 0, 800],
  ["account_age_days", { customer: {} }, null],
  ["new_customer", {}, 1, "guest"],
  ["new_customer", { customer: { previousOrders: 0 } }, 1, 0],
  ["new_customer", { customer: { previousOrders: 3 } }, -2, 3],
  ["new_customer", { customer: {} }, null],
  ["order_value", { totalPrice: 50 }, 0],
  ["order_value", { totalPrice: 800 }, 3],
  ["order_value", { totalPrice: 1e12 }, 5],
  ["order_value", {}, null],
  ["order_value_vs_shop", { totalPrice: 400, history: { velocity: {}, shopTypicalValue: 50, shopOrders: 100 } }, 2, 8],
  ["order_value_vs_shop", { totalPrice: 40, history: { velocity: {}, shopTypicalValue: 50, shopOrders: 100 } }, 0],
  ["order_value_vs_shop", { totalPrice: 400, history: { velocity: {}, shopTypicalValue: 50, shopOrders: 5 } }, null],
  ["email_disposable", { email: "a@mailinator.com" }, 1, "mailinator.com"],
  ["email_disposable", { email: "a@sub.mailinator.com" }, 1],
  ["email_disposable", { email: "a@example-shop.co.jp" }, 0],
  ["email_disposable", {}, null],
  ["email_freemail", { email: "a@gmail.com" }, 1],
  ["email_freemail", { email: "a@yahoo.co.jp" }, 1],
  ["email_freemail", { email: "a@holdfast.example" }, 0],
  ["email_random_local_part", { email: "xk7qz9wp3v@gmail.com" }, 1],
  ["email_random_local_part", { email: "john.smith84@gmail.com" }, 0],
  ["email_random_local_part", { email: "bob@x.com" }, 0],
  ["email_name_mismatch", { email: "john.smith@x.com", customer: { firstName: "John", lastName: "Smith" } }, 0],
  ["email_name_mismatch", { email: "jsmith@x.com", customer: { firstName: "John", lastName: "Smith" } }, 0],
  ["email_name_mismatch", { email: "darkstar@x.com", customer: { firstName: "John", lastName: "Smith" } }, 1],
  ["email_name_mismatch", { email: "darkstar@x.com", billing: { name: "山田 太郎" } }, null],
  ["phone_invalid", { phone: parsePhone("+1 415 555 2671") }, 0],
  ["phone_invalid", { phone: parsePhone("+81 3-1234-5678") }, 0],
  ["phone_invalid", { phone: parsePhone("123") }, 1],
  ["phone_invalid", { phone: parsePhone("03-1234-5678", "JP") }, 0],
  ["phone_invalid", {}, null],
  ["phone_country_mismatch", { phone: parsePhone("+81 3-1234-5678"), billing: { countryCode: "JP" } }, 0],
  ["phone_country_mismatch", { phone: parsePhone("+44 20 7946 0958"), billing: { countryCode: "US" } }, 1, "GB/US"],
  ["phone_country_mismatch", { phone: parsePhone("+44 20 7946 0958") }, null],
  ["billing_shipping_country", { billing: { countryCode: "US" }, shipping: { countryCode: "us" } }, 0],
  ["billing_shipping_country", { billing: { countryCode: "US" }, shipping: { countryCode: "NG" } }, 1],
  ["billing_shipping_country", { billing: { countryCode: "US" } }, null],
  ["billing_shipping_zip", { billing: { zip: "100-0001" }, shipping: { zip: "１０００００１" } }, 0],
  ["billing_shipping_zip", { billing: { zip: "94103" }, shipping: { zip: "10001" } }, 1],
  ["billing_shipping_zip", { billing: { zip: "94103" } }, null],
  ["billing_shipping_name", { billing: { name: "John Smith" }, shipping: { name: "smith JOHN" } }, 0],
  ["billing_shipping_name", { billing: { name: "John Smith" }, shipping: { name: "Jane Doe" } }, 1],
  ["billing_shipping_distance", { billing: { latitude: 35.68, longitude: 139.76 }, shipping: { latitude: 35.68, longitude: 139.76 } }, 0, 0],
  ["billing_shipping_distance", { billing: { latitude: 35.68, longitude: 139.76 }, shipping: { latitude: 40.71, longitude: -74.0 } }, 6],
  ["billing_shipping_distance", { billing: {}, shipping: { latitude: 1, longitude: 1 } }, null],
  ["ip_country_mismatch", { ipCountry: "US", billing: { countryCode: "US" } }, 0],
  ["ip_country_mismatch", { ipCountry: "RU", billing: { countryCode: "US" }, shipping: { countryCode: "US" } }, 1],
  ["ip_country_mismatch", { ipCountry: "JP", billing: { countryCode: "US" }, shipping: { countryCode: "JP" } }, 0],
  ["ip_country_mismatch", { billing: { countryCode: "US" } }, null],
  ["avs_mismatch", { payment: { avsResultCode: "N" } }, 1],
  ["avs_mismatch", { payment: { avsResultCode: "Z" } }, 0.5],
  ["avs_mismatch", { payment: { avsResultCode: "Y" } }, -0.5],
  ["avs_mismatch", { payment: { avsResultCode: "U" } }, 0],
  ["avs_mismatch", { payment: {} }, null],
  ["cvv_mismatch", { payment: { cvvResultCode: "N" } }, 1],
  ["cvv_mismatch", { payment: { cvvResultCode: "M" } }, -0.5],
  ["cvv_mismatch", { payment: { cvvResultCode: "P" } }, 0],
  ["failed_payment_attempts", { payment: { failedAttempts: 0 } }, 0],
  ["failed_payment_attempts", { payment: { failedAttempts: 3 } }, 2],
  ["failed_payment_attempts", { payment: { failedAttempts: 1e9 } }, 4],
  ...(["email", "phone", "ip", "device", "card", "address", "customer"] as const).flatMap((k): [string, Partial<RiskFacts>, number | null, unknown?][] => [
    [`velocity_${k}`, { history: { velocity: { [k]: v3(0, 0, 0) } } }, 0, "0/0/0/0"],
    // The all-time count is shown (value, reason) but not scored.
    [`velocity_${k}`, { history: { velocity: { [k]: v3(1, 3, 7, 40) } } }, 6, "1/3/7/40"],
    [`velocity_${k}`, { history: { velocity: {} } }, null],
  ]),
  ["device_shared_identities", { history: { velocity: {}, deviceOtherCustomers7d: 3 } }, 2, 3],
  ["device_shared_identities", { history: { velocity: {}, deviceOtherCustomers7d: 0 } }, 0],
  ["device_shared_identities", {}, null],
  ["resale_quantity", { lineItems: [{ key: "a", quantity: 1 }] }, 0, 1],
  ["resale_quantity", { lineItems: [{ key: "a", quantity: 8 }] }, 1, 8],
  ["resale_quantity", { lineItems: [{ key: "a", quantity: 4 }, { key: "a", quantity: 4 }] }, 1, 8],
  ["resale_quantity", { lineItems: [] }, null],
  ["address_varied_names", { history: { velocity: {}, addressOtherNames7d: 3 } }, 2, 3],
  ["address_varied_names", { history: { velocity: {}, addressOtherNames7d: 0 } }, 0],
  ["shopify_recommendation", { shopifyRecommendation: "CANCEL" }, 1],
  ["shopify_recommendation", { shopifyRecommendation: "INVESTIGATE" }, 0.5],
  ["shopify_recommendation", { shopifyRecommendation: "ACCEPT" }, -0.5],
  ["shopify_recommendation", {}, null],
  // Issue 14 part 2.
  ...(["customer", "email", "device"] as const).flatMap((k): [string, Partial<RiskFacts>, number | null, unknown?][] => [
    [`cards_per_${k}`, { history: { velocity: {}, otherCards: { [k]: 3 } } }, 2, 3],
    [`cards_per_${k}`, { history: { velocity: {}, otherCards: { [k]: 0 } } }, 0, 0],
    [`cards_per_${k}`, { history: { velocity: {}, otherCards: { [k]: 1e6 } } }, 5],
    [`cards_per_${k}`, { history: { velocity: {} } }, null],
  ]),
  ...(["card", "device", "ip"] as const).flatMap((k): [string, Partial<RiskFacts>, number | null, unknown?][] => [
    [`customers_per_${k}`, { history: { velocity: {}, otherCustomers: { [k]: 7 } } }, 3, 7],
    [`customers_per_${k}`, { history: { velocity: {}, otherCustomers: { [k]: 0 } } }, 0, 0],
    [`customers_per_${k}`, {}, null],
  ]),
  ["card_new_for_customer", { history: { velocity: { customer: v3(0, 0, 1, 4) }, customerCardOrders: 0 } }, 1, 0],
  ["card_new_for_customer", { history: { velocity: { customer: v3(0, 0, 1, 4) }, customerCardOrders: 2 } }, 0, 2],
  ["card_new_for_customer", { history: { velocity: { customer: v3(0, 0, 0, 0) }, customerCardOrders: 0 } }, null], // no earlier order: nothing to compare
  ["card_new_for_customer", { history: { velocity: { customer: v3(0, 0, 1, 4) } } }, null], // no card
  ["customer_order_gap", { history: { velocity: {}, customerLastOrderAt: T } }, 1, 0],
  ["customer_order_gap", { history: { velocity: {}, customerLastOrderAt: T - 9_000_000 } }, 0.5299, 9000],
  ["customer_order_gap", { history: { velocity: {}, customerLastOrderAt: T - 40 * 86_400_000 } }, 0],
  ["customer_order_gap", { history: { velocity: {} } }, null],
  ["order_value_percentile", { totalPrice: 1000, history: { velocity: {}, shopAmountHistogram: histogram([[20, 40]]) } }, 1, 100],
  ["order_value_percentile", { totalPrice: 20, history: { velocity: {}, shopAmountHistogram: histogram([[20, 40]]) } }, 0, 50],
  ["order_value_percentile", { totalPrice: 5, history: { velocity: {}, shopAmountHistogram: histogram([[20, 40]]) } }, 0, 0],
  ["order_value_percentile", { totalPrice: 1000, history: { velocity: {}, shopAmountHistogram: histogram([[20, 29]]) } }, null], // fewer than 30 earlier orders
  ["order_value_percentile", { history: { velocity: {}, shopAmountHistogram: histogram([[20, 40]]) } }, null],
  ["order_hour_night", { createdAt: Date.UTC(2026, 0, 10, 3, 30) }, 1, 3],
  ["order_hour_night", { createdAt: Date.UTC(2026, 0, 10, 12, 0) }, 0, 12],
  // 18:30 UTC is 03:30 in Tokyo: night in the shop's timezone.
  ["order_hour_night", { createdAt: Date.UTC(2026, 0, 10, 18, 30), timezone: "Asia/Tokyo" }, 1, 3],
  ["order_hour_night", { createdAt: Date.UTC(2026, 0, 10, 18, 30), timezone: "Not/AZone" }, 0, 18], // unknown: UTC
];

describe("signals (table)", () => {
  it("every registered signal has table cases", () => {
    const covered = new Set(cases.map((c) => c[0]));
    expect(SIGNALS.map((s) => s.id).filter((id) => !covered.has(id))).toEqual([]);
  });
  it.each(cases)("%s %j -> %s", (id, patch, feature, value) => {
    const r = sig(id).compute({ ...base, ...patch });
    if (feature === null) {
      expect(r).toBeNull();
      return;
    }
    expect(r).not.toBeNull();
    expect(r!.feature).toBeCloseTo(feature, 3);
    if (value !== undefined) expect(r!.value).toBe(value);
    for (const lang of ["en", "ja"] as const) {
      const text = sig(id).reason(r!, lang);
      expect(text.length).toBeGreaterThan(3);
      expect(text.length).toBeLessThanOrEqual(256);
    }
  });
  it("reasons read well", () => {
    const r = sig("account_instant_purchase").compute({ ...base, customer: { createdAt: T - 40_000 } })!;
    expect(sig("account_instant_purchase").reason(r, "en")).toBe("Paid 40 seconds after creating the account");
    expect(sig("account_instant_purchase").reason(r, "ja")).toBe("アカウント作成から40秒後に支払い");
    const d = sig("device_shared_identities").compute({ ...base, history: { velocity: {}, deviceOtherCustomers7d: 4 } })!;
    expect(sig("device_shared_identities").reason(d, "en")).toBe("Same device used by 4 other customer(s) this week");
  });
});
