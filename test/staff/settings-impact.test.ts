// The settings page's pure parts: what a threshold implies on stored decisions, and list values
// normalised the way the engine compares them (so what staff type matches what it sees).
import { describe, expect, it } from "vitest";
import { evaluate, identityKeys, defaultRuleset, type RiskFacts } from "../../app/risk";
import { thresholdImpact, verdictAt, type ImpactRow } from "../../app/staff/threshold-impact";
import { normaliseListValue } from "../../app/staff/settings.server";

const row = (score: number, probability: number | null, total: string | null, currency: string | null = "USD", decidedBy = "score"): ImpactRow =>
  ({ score, probability, total, currency, decidedBy });

describe("thresholdImpact", () => {
  const rows = [
    row(10, 0.01, "100.00"),
    row(50, 0.05, "200.00"),
    row(95, 0.095, "1000.00"),
    row(96, 0.096, "50.00"),
    row(400, 0.4, "10.00"),
    row(20, null, "30.00"), // no probability: left out of the cost
    row(30, 0.03, "5000", "JPY"),
    row(900, 0.9, "70.00", "USD", "allow_list"), // approved whatever the threshold
    row(5, 0.005, "70.00", "USD", "block_list"), // held whatever the threshold
    row(5, 0.005, "70.00", "USD", "thin_data"),
  ];

  it("approves below the threshold (hold at or above, as the engine), keeping list and thin-data verdicts", () => {
    const at96 = thresholdImpact(rows, 96);
    expect(at96.orders).toBe(10);
    expect(at96.approved).toBe(6); // 10, 50, 95, 20, 30 and the allow-listed one
    expect(at96.held).toBe(4);
    expect(at96.approvalRate).toBeCloseTo(0.6);
    expect(at96.fixed).toBe(3);
    expect(at96.leftOut).toBe(1);
    // USD: 0.01*100 + 0.05*200 + 0.095*1000 + 0.9*70 = 1 + 10 + 95 + 63 = 169
    expect(at96.cost).toEqual([
      { currency: "JPY", amount: "150", orders: 1 },
      { currency: "USD", amount: "169.00", orders: 4 },
    ]);
    const at97 = thresholdImpact(rows, 97);
    expect(at97.approved).toBe(7);
    expect(at97.cost.find((c) => c.currency === "USD")!.amount).toBe("173.80");
    const at1 = thresholdImpact(rows, 1);
    expect(at1.approved).toBe(1); // only the allow-listed order
  });

  it("agrees with the engine's verdict on the score (score >= threshold holds)", () => {
    const ruleset = defaultRuleset({ threshold: 300 });
    const facts = { shop: "s", orderId: "1", now: 0, createdAt: 0, email: "a@example.com", totalPrice: 10, currency: "USD" } as RiskFacts;
    const d = evaluate(facts, ruleset);
    for (const threshold of [d.score, d.score + 1, Math.max(1, d.score - 1)]) {
      const engine = evaluate(facts, { ...defaultRuleset({ threshold }), thinDataPolicy: "ship_unguaranteed" });
      expect(verdictAt({ score: engine.score, decidedBy: "score" }, threshold)).toBe(engine.verdict);
    }
  });

  it("keeps a person's decision: staff ship is approved and staff hold is held at any threshold, counted as fixed", () => {
    const staff = (verdict: string, score: number): ImpactRow => ({ ...row(score, 0.5, "10.00"), decidedBy: "staff", verdict });
    for (const threshold of [1, 500, 1000]) {
      expect(verdictAt(staff("ship", 1000), threshold)).toBe("ship");
      expect(verdictAt(staff("hold", 0), threshold)).toBe("hold");
      expect(verdictAt(staff("something_new", 0), threshold)).toBe("hold");
    }
    const r = thresholdImpact([staff("ship", 1000), staff("hold", 1), row(10, 0.1, "10.00")], 500);
    expect([r.approved, r.held, r.fixed]).toEqual([2, 1, 2]);
    expect(r.cost).toEqual([{ currency: "USD", amount: "6.00", orders: 2 }]);
  });

  it("never reads an unknown way of deciding or a missing score as approved", () => {
    expect(verdictAt({ score: 1, decidedBy: "something_new" }, 500)).toBe("hold");
    expect(verdictAt({ score: Number.NaN, decidedBy: "score" }, 500)).toBe("hold");
    expect(thresholdImpact([], 96)).toMatchObject({ orders: 0, approved: 0, approvalRate: 0, cost: [], leftOut: 0 });
  });

  it("leaves out orders with an unreadable total or currency and counts them", () => {
    const r = thresholdImpact([row(1, 0.5, "abc"), row(1, 0.5, "10.00", null), row(1, 0.5, "10.00", "usd"), row(1, 0.5, "10.00")], 96);
    expect(r.leftOut).toBe(3);
    expect(r.cost).toEqual([{ currency: "USD", amount: "5.00", orders: 1 }]);
  });
});

describe("list values as the engine compares them", () => {
  const keysOf = (f: Partial<RiskFacts>) => identityKeys(f as RiskFacts) as Record<string, string | undefined>;
  it.each([
    ["email", " Buyer@Example.COM ", "buyer@example.com"],
    ["phone", "+81 90-1234-5678", "+819012345678"],
    ["ip", "203.0.113.7", "203.0.113.7"],
    ["ip", "2001:0DB8:0000::0001", "2001:db8::1"],
    ["card", "411111 1111", "411111:1111"],
    ["card", "41111111:4242", "41111111:4242"],
    ["card", "424242******4242", "424242:4242"],
    ["customer", "gid://shopify/Customer/987", "987"],
    ["customer", "987", "987"],
    ["device", "  Dev-ABC  ", "dev-abc"],
  ] as const)("%s %j -> %j", (kind, input, value) => {
    expect(normaliseListValue(kind, input)).toEqual({ ok: true, value });
  });

  it.each([
    ["email", "not-an-email", "settings.list.error.email"],
    ["phone", "090-1234-5678", "settings.list.error.phone"], // no country: ambiguous
    ["phone", "+1 555", "settings.list.error.phone"],
    ["ip", "300.1.1.1", "settings.list.error.ip"],
    ["ip", "example.com", "settings.list.error.ip"],
    ["card", "4111", "settings.list.error.card"],
    ["card", "4111111111111111", "settings.list.error.card"],
    ["customer", "abc", "settings.list.error.customer"],
    ["device", "", "settings.list.error.device"],
  ] as const)("%s %j is refused with %s", (kind, input, error) => {
    expect(normaliseListValue(kind, input)).toEqual({ ok: false, error });
  });

  it("an address entry is the engine's address key, so the order's shipping address matches it", () => {
    const n = normaliseListValue("address", "", { country: "us", city: "Springfield", address1: "742 Evergreen Terrace", address2: "Apt 4" });
    const key = keysOf({ shipping: { countryCode: "US", city: "springfield", address1: "742 evergreen ter.", address2: "apartment #4" } }).address;
    expect(n).toEqual({ ok: true, value: key!.toLowerCase() });
    expect(normaliseListValue("address", "", { country: "USA", address1: "x" })).toEqual({ ok: false, error: "settings.list.error.address_country" });
    expect(normaliseListValue("address", "", { country: "JP", address1: " " })).toEqual({ ok: false, error: "settings.list.error.address_line" });
  });

  it("email, phone, card and customer entries equal the order's identity keys", () => {
    const keys = keysOf({
      email: "buyer@example.com", phone: { raw: "090-1234-5678", e164: "+819012345678", valid: true }, payment: { bin: "411111", last4: "1111" },
      customer: { id: "987" },
    } as Partial<RiskFacts>);
    expect(keys.email).toBe((normaliseListValue("email", "BUYER@example.com") as { value: string }).value);
    expect(keys.phone).toBe((normaliseListValue("phone", "+81 90 1234 5678") as { value: string }).value);
    expect(keys.card).toBe((normaliseListValue("card", "411111-1111") as { value: string }).value);
    expect(keys.customer).toBe((normaliseListValue("customer", "gid://shopify/Customer/987") as { value: string }).value);
  });
});
