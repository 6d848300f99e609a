import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluate, truncateChars } from "~/risk/engine";
import { factsFromWebhook } from "~/risk/facts";
import { InMemoryHistoryStore, identityKeys } from "~/risk/history";
import { defaultRuleset } from "~/risk/ruleset";
import { SIGNALS } from "~/risk/signals/index";
import type { Decision, RiskFacts } from "~/risk/types";

const T = Date.UTC(2026, 0, 10, 12);
const ruleset = defaultRuleset();
const base: RiskFacts = { shop: "s", orderId: "1", now: T, createdAt: T };

function complete(d: Decision): void {
  expect(["ship", "hold"]).toContain(d.verdict);
  expect(Number.isInteger(d.score)).toBe(true);
  expect(d.score).toBeGreaterThanOrEqual(0);
  expect(d.score).toBeLessThanOrEqual(1000);
  expect(d.outcomes.length).toBeGreaterThanOrEqual(SIGNALS.length);
  for (const o of d.outcomes) expect(["hit", "no_hit", "error", "skipped"]).toContain(o.outcome);
  expect(d.riskFacts.length).toBeLessThanOrEqual(20);
  for (const f of d.riskFacts) expect(f.description.length).toBeLessThanOrEqual(256);
  expect(d.modelVersion).toBe(ruleset.model.version);
}

describe("evaluate", () => {
  it("is deterministic and the score is the reduce over the rows", () => {
    const f: RiskFacts = { ...base, customer: { createdAt: T - 30_000 }, totalPrice: 120, email: "xk7qz9wp3v@mailinator.com" };
    const a = evaluate(f, ruleset);
    expect(evaluate(f, ruleset)).toEqual(a);
    const logit = a.outcomes.reduce((s, o) => s + o.contribution, ruleset.model.bias);
    expect(a.score).toBe(Math.round(1000 / (1 + Math.exp(-logit))));
    expect(a.verdict).toBe("hold");
    expect(a.reasons.en).toContain("Paid 30 seconds after creating the account");
    expect(a.reasons.ja).toContain("アカウント作成から30秒後に支払い");
  });
  it("an old returning customer ships", () => {
    const d = evaluate({ ...base, email: "ann@example.com", customer: { createdAt: T - 400 * 86_400_000, previousOrders: 5 }, totalPrice: 40 }, ruleset);
    expect(d.verdict).toBe("ship");
    expect(d.riskFacts.some((f) => f.sentiment === "POSITIVE")).toBe(true);
  });
  it("a throwing signal is an error outcome that pushes towards hold", () => {
    const hostile = { ...base, get email(): string { throw new Error("boom"); } } as RiskFacts;
    const d = evaluate(hostile, ruleset);
    const errs = d.outcomes.filter((o) => o.outcome === "error");
    expect(errs.length).toBeGreaterThan(0);
    for (const e of errs) expect(e.contribution).toBeGreaterThan(0);
    expect(d.score).toBeGreaterThan(evaluate(base, ruleset).score);
  });
  it("block list wins over allow list and over the score", () => {
    const lists = { block: [{ kind: "email" as const, value: "a@b.com" }], allow: [{ kind: "email" as const, value: "a@b.com" }] };
    const d = evaluate({ ...base, email: "a@b.com", lists }, ruleset);
    expect(d.verdict).toBe("hold");
    expect(d.decidedBy).toBe("block_list");
    const a = evaluate({ ...base, email: "a@b.com", customer: { createdAt: T - 1000 }, lists: { allow: lists.allow } }, ruleset);
    expect(a.verdict).toBe("ship");
    expect(a.decidedBy).toBe("allow_list");
  });
  it("per-shop threshold", () => {
    // Two groups of facts (account, contact): judged by the score, not held as too thin.
    const f = { ...base, totalPrice: 40, email: "ann@example.com", customer: { id: "7" } };
    expect(evaluate(f, defaultRuleset({ threshold: 0 })).verdict).toBe("hold");
    expect(evaluate(f, defaultRuleset({ threshold: 1001 })).verdict).toBe("ship");
  });
});

describe("evaluate never throws (fast-check)", () => {
  const hostileString = fc.oneof(fc.string(), fc.constantFrom("🙂🔥💳", "", " ", "a".repeat(100_000), "\u0000", "東京都千代田区千代田１丁目"));
  const anyValue = fc.oneof(hostileString, fc.double(), fc.integer(), fc.constantFrom(1e308, -1e308, Infinity, NaN, null, undefined), fc.boolean(), fc.object());
  it("arbitrary partial facts", () => {
    fc.assert(fc.property(fc.dictionary(fc.constantFrom(
      "email", "phone", "ip", "ipCountry", "deviceId", "customer", "billing", "shipping", "lineItems", "payment", "shopifyRecommendation", "history", "lists", "totalPrice", "createdAt", "now",
    ), anyValue), (patch) => complete(evaluate({ ...base, ...(patch as object) } as RiskFacts, ruleset))), { numRuns: 300 });
  });
  it("completely arbitrary input", () => {
    fc.assert(fc.property(fc.anything(), (x) => complete(evaluate(x as RiskFacts, ruleset))), { numRuns: 300 });
  });
  it("10,000 line items, huge values, emoji", () => {
    const lineItems = Array.from({ length: 10_000 }, (_, i) => ({ key: `v${i % 7}`, quantity: i % 3 === 0 ? 1e9 : 1, title: "🧥" }));
    const d = evaluate({ ...base, lineItems, totalPrice: 1e300, email: "🙂@🙂.com", history: { velocity: { ip: { h1: 1e9, h24: 1e9, d7: 1e9, all: 1e9 } } } }, ruleset);
    complete(d);
    expect(d.outcomes.find((o) => o.id === "resale_quantity")?.outcome).toBe("hit");
  });
  it("the facts builder + evaluate survive arbitrary payloads", () => {
    fc.assert(fc.property(fc.object({ maxDepth: 3 }), fc.string(), (extra, s) => {
      const payload = { ...extra, id: 1, created_at: "2026-01-01T00:00:00Z", email: s, phone: s, billing_address: extra, line_items: [extra] };
      complete(evaluate(factsFromWebhook(payload, extra, { shop: "s" }), ruleset));
    }), { numRuns: 200 });
  });
});

describe("history store", () => {
  it("counts only earlier orders in each window and expires after 7 days", () => {
    const h = new InMemoryHistoryStore();
    const k = { device: "d1", customer: "c1" };
    h.record("s", k, T - 8 * 86_400_000, "o0");
    h.record("s", k, T - 2 * 86_400_000, "o1");
    h.record("s", { device: "d1", customer: "c2" }, T - 30 * 60_000, "o2");
    h.record("s", k, T + 60_000, "future");
    const c = h.lookup("s", { device: "d1", customer: "c1" }, T, "o3");
    // All-time: the order 8 days ago counts, the later one (recorded before this lookup) never does.
    expect(c.velocity.device).toEqual({ h1: 1, h24: 1, d7: 2, all: 3 });
    expect(c.velocity.customer).toEqual({ h1: 0, h24: 0, d7: 1, all: 2 });
    expect(c.customerLastOrderAt).toBe(T - 2 * 86_400_000);
    expect(c.otherCustomers?.device).toBe(1);
    expect(c.deviceOtherCustomers7d).toBe(1);
    expect(h.lookup("other-shop", k, T, "o3").velocity.device).toEqual({ h1: 0, h24: 0, d7: 0, all: 0 }); // a shop's history is its own
    h.record("s", { ip: "1.1.1.1" }, T + 10 * 86_400_000, "late");
    expect(h.size()).toBe(1);
  });
  it("identity keys normalise", () => {
    const f = factsFromWebhook({ id: 5, created_at: "2026-01-01T00:00:00Z", email: " A@B.COM ", note_attributes: [{ name: "_holdfast_device", value: "dev" }],
      shipping_address: { address1: "東京都千代田区千代田１丁目１番１号", country_code: "JP", name: "Taro" }, payment_details: { credit_card_bin: "424242", credit_card_number: "•••• 4242" } }, undefined, { shop: "s" });
    expect(identityKeys(f)).toMatchObject({ email: "a@b.com", device: "dev", card: "424242:4242", address: "JP|千代田区千代田1-1-1" });
  });
  it.each<[string, unknown, string | undefined]>([
    // Shopify's summary says CANCEL because of Holdfast's own HIGH assessment; Shopify itself said LOW.
    ["Shopify's own LOW beside an app's HIGH", { recommendation: "CANCEL", assessments: [{ riskLevel: "LOW", provider: null }, { riskLevel: "HIGH", provider: { id: "gid://shopify/App/1", title: "Holdfast" } }] }, "ACCEPT"],
    ["only an app's assessment", { recommendation: "CANCEL", assessments: [{ riskLevel: "HIGH", provider: { id: "gid://shopify/App/1", title: "Holdfast" } }] }, undefined],
    ["Shopify still analysing", { recommendation: "NONE", assessments: [{ riskLevel: "PENDING", provider: null }] }, undefined],
    ["two of Shopify's: the higher", { recommendation: "CANCEL", assessments: [{ riskLevel: "LOW", provider: null }, { riskLevel: "HIGH", provider: null }] }, "CANCEL"],
    ["Shopify's NONE", { recommendation: "NONE", assessments: [{ riskLevel: "NONE", provider: null }] }, "NONE"],
    ["a provider not read (undefined) is not Shopify's", { recommendation: "CANCEL", assessments: [{ riskLevel: "HIGH" }] }, undefined],
    ["no risk read", undefined, undefined],
  ])("Shopify's recommendation comes from its own assessments: %s", (_what, risk, expected) => {
    const f = factsFromWebhook({ id: 5, created_at: "2026-01-01T00:00:00Z" }, { risk }, { shop: "s" });
    expect(f.shopifyRecommendation).toBe(expected);
  });

  it("truncateChars cuts by characters, never half an emoji, and marks the cut", () => {
    expect(truncateChars("short", 256)).toBe("short");
    const s = `${"a".repeat(254)}😀😀😀`;
    expect(s.length).toBe(260); // UTF-16 units
    expect(truncateChars(s, 256)).toBe(`${"a".repeat(254)}😀…`);
    expect(Array.from(truncateChars(s, 256))).toHaveLength(256);
    expect(truncateChars(`${"あ".repeat(300)}`, 256)).toBe(`${"あ".repeat(255)}…`);
  });

  it("factsFromWebhook reads the Admin GraphQL order read", () => {
    const f = factsFromWebhook({ id: 5, created_at: "2026-01-01T00:00:00Z" }, {
      clientIp: "8.8.8.8", customer: { id: "gid://shopify/Customer/9", createdAt: "2025-12-31T23:59:20Z", numberOfOrders: "1" },
      risk: { recommendation: "CANCEL", assessments: [{ riskLevel: "MEDIUM", provider: null }, { riskLevel: "HIGH", provider: { id: "gid://shopify/App/1", title: "Holdfast" } }] }, transactions: [{ status: "FAILURE" }, { status: "FAILURE" }, { status: "SUCCESS", paymentDetails: { avsResultCode: "N", cvvResultCode: "M", bin: "411111", number: "•••• 1111" } }],
    }, { shop: "s", ipCountry: () => "us" });
    expect(f).toMatchObject({ ip: "8.8.8.8", ipCountry: "US", shopifyRecommendation: "INVESTIGATE", customer: { id: "9", previousOrders: 0 }, payment: { failedAttempts: 2, avsResultCode: "N", bin: "411111", last4: "1111" } });
    expect(evaluate(f, ruleset).outcomes.find((o) => o.id === "account_instant_purchase")?.value).toBe(40);
  });
});

describe("direction-sane weights (issue 14, part 1)", () => {
  const facts = (): RiskFacts => factsFromWebhook({ id: 7, created_at: "2026-01-01T03:00:00Z", total_price: "3200.00", currency: "USD" }, undefined, { shop: "s" });

  it("every signal documents its direction, shape, prior and bounds", () => {
    for (const s of SIGNALS) {
      expect(s.meta.direction.length, s.id).toBeGreaterThan(5);
      expect(s.meta.shape.length, s.id).toBeGreaterThan(3);
      expect(s.meta.prior, s.id).toBeGreaterThanOrEqual(0);
      expect(s.meta.max, s.id).toBeGreaterThanOrEqual(s.meta.prior);
    }
  });

  it("a negative weight in a model file cannot make a larger order safer; a weight above the bound is capped", () => {
    const base = defaultRuleset();
    const flipped = defaultRuleset({ model: { ...base.model, weights: { ...base.model.weights, order_value: -5 } } });
    const row = (d: Decision) => d.outcomes.find((o) => o.id === "order_value")!;
    expect(row(evaluate(facts(), flipped)).feature).toBeGreaterThan(0);
    expect(row(evaluate(facts(), flipped)).contribution).toBe(0);
    const huge = defaultRuleset({ model: { ...base.model, weights: { ...base.model.weights, order_value: 1e6 } } });
    const max = SIGNALS.find((s) => s.id === "order_value")!.meta.max;
    expect(row(evaluate(facts(), huge)).contribution).toBeCloseTo(max * row(evaluate(facts(), huge)).feature);
  });

  it("a shop's offset moves a weight only within the same bounds, and its intercept moves the probability", () => {
    const base = defaultRuleset();
    const withAdj = { ...base, adjustment: { version: 1, intercept: 1, offsets: { order_value: -100 }, labels: 10 } };
    const d0 = evaluate(facts(), base);
    const d1 = evaluate(facts(), withAdj);
    expect(d1.outcomes.find((o) => o.id === "order_value")!.contribution).toBe(0);
    const noOffset = evaluate(facts(), { ...base, adjustment: { version: 1, intercept: 1, offsets: {}, labels: 10 } });
    expect(noOffset.probability).toBeGreaterThan(d0.probability);
    // The score is round(1000 × probability) of the unrounded probability; the stored one keeps 6 decimals.
    expect(Math.abs(d0.score - d0.probability * 1000)).toBeLessThanOrEqual(0.5 + 1e-3);
  });
});
