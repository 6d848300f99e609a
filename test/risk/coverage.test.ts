// Fail safe on missing data (issue 14, part 3): an order with fewer than two of the five groups of
// facts is too thin to judge: held by default, or shipped without the guarantee by the shop's policy.
import { describe, expect, it } from "vitest";
import { coverageOf } from "~/risk/coverage";
import { evaluate } from "~/risk/engine";
import { defaultRuleset } from "~/risk/ruleset";
import type { RiskFacts } from "~/risk/types";
import { guaranteeFor } from "~/guarantee/policy";

const NOW = Date.parse("2026-11-30T12:00:00Z");
const bare: RiskFacts = { shop: "s.myshopify.com", orderId: "1", now: NOW, createdAt: NOW - 60_000, totalPrice: 40, currency: "USD" };
const full: RiskFacts = {
  ...bare,
  email: "ann@example.com",
  ip: "203.0.113.9",
  customer: { id: "7", createdAt: NOW - 400 * 86_400_000, previousOrders: 3 },
  payment: { avsResultCode: "Y", cvvResultCode: "M", bin: "424242", last4: "4242" },
  billing: { countryCode: "US", city: "Austin", zip: "78701", address1: "1 Main St" },
  shipping: { countryCode: "US", city: "Austin", zip: "78701", address1: "1 Main St" },
};

describe("coverage of an order's facts", () => {
  it("counts the five groups present", () => {
    expect(coverageOf(full)).toEqual({ account: true, payment: true, network: true, contact: true, addresses: true, groups: 5 });
    expect(coverageOf(bare).groups).toBe(0);
    expect(coverageOf({ ...bare, email: "a@b.co" })).toMatchObject({ contact: true, groups: 1 });
    expect(coverageOf({ ...bare, email: "  ", phone: { raw: "", valid: false } }).groups).toBe(0);
    expect(coverageOf({ ...bare, deviceId: "d1", customer: { createdAt: NOW - 1000 } })).toMatchObject({ network: true, account: true, groups: 2 });
  });

  it("holds an order with fewer than two groups, whatever its score, and says why in both languages", () => {
    const d = evaluate({ ...bare, email: "a@b.co" }, defaultRuleset());
    expect(d).toMatchObject({ verdict: "hold", decidedBy: "thin_data", thinData: true });
    expect(d.coverage.groups).toBe(1);
    expect(d.reasons.en[0]).toMatch(/^Too little is known to judge this order \(1 of 5 groups of facts: contact\); held for review/);
    expect(d.reasons.ja[0]).toMatch(/判定に必要な情報が不足しています/);
    expect(d.riskFacts[0]).toMatchObject({ sentiment: "NEGATIVE" });
  });

  it("with the shop's ship policy, scores it as usual and marks it thin, so it is never guaranteed", () => {
    const d = evaluate(bare, { ...defaultRuleset(), thinDataPolicy: "ship_unguaranteed" });
    expect(d.thinData).toBe(true);
    expect(d.decidedBy).toBe("score");
    expect(d.reasons.en[0]).toMatch(/shipped without the guarantee/);
    const g = guaranteeFor({
      verdict: "ship", test: false, cancelledAt: null, fulfillmentStatus: null, shopifyProtect: null, subscriptionStatus: "ACTIVE",
      reason: "orders/create", previous: undefined, at: new Date(NOW), thinData: d.thinData,
    });
    expect([g.state, g.reason]).toEqual(["none", "guarantee.thin_data"]);
    // A re-screen that finds an approved order gone thin voids its guarantee.
    const again = guaranteeFor({
      verdict: "ship", test: false, cancelledAt: null, fulfillmentStatus: null, shopifyProtect: null, subscriptionStatus: "ACTIVE",
      reason: "facts_changed", previous: "active", at: new Date(NOW), thinData: true, changed: ["email"],
    });
    expect([again.state, again.reason]).toEqual(["void", "guarantee.thin_data"]);
  });

  it("two groups are enough to be judged by the score", () => {
    const d = evaluate({ ...full, ip: undefined, payment: undefined, customer: undefined, billing: undefined, shipping: undefined, phone: undefined, deviceId: "d1" }, defaultRuleset());
    expect(d.thinData).toBe(false);
    expect(d.decidedBy).not.toBe("thin_data");
    expect(evaluate(full, defaultRuleset()).thinData).toBe(false);
  });

  it("an allow-list entry still decides a thin order", () => {
    const d = evaluate({ ...bare, email: "vip@example.com", lists: { allow: [{ kind: "email", value: "vip@example.com" }], block: [] } }, defaultRuleset());
    expect(d.decidedBy).toBe("allow_list");
    expect(d.thinData).toBe(true);
  });
});
