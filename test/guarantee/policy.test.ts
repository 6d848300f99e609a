// The guarantee policy, as a table: which screened orders are covered, and the reason when not.
// One row per exclusion and per rule (app/guarantee/policy.ts).
import { describe, expect, it } from "vitest";
import { guaranteeFor, type GuaranteeInput } from "../../app/guarantee/policy";
import { CATALOGUES } from "../../app/i18n";

const at = new Date("2026-11-30T10:00:00Z");
const base: GuaranteeInput = {
  verdict: "ship", test: false, cancelledAt: null, fulfillmentStatus: "UNFULFILLED", shopifyProtect: "INACTIVE",
  subscriptionStatus: "ACTIVE", reason: "orders/create", previous: undefined, at, amount: "12000000", currency: "JPY",
};
const rescreen: Partial<GuaranteeInput> = { reason: "facts_changed", previous: "active", changed: ["shipping address", "email"] };

describe("guaranteeFor", () => {
  it.each<[string, Partial<GuaranteeInput>, string, string]>([
    ["an approved order is covered", {}, "active", "guarantee.active"],
    ["an approved order found by reconciliation is covered", { reason: "reconcile" }, "active", "guarantee.active"],
    ["a held order is not covered", { verdict: "hold" }, "none", "guarantee.held"],
    ["a shop whose usage charges are not approved: screened, not covered", { subscriptionStatus: null }, "none", "guarantee.subscription_not_approved"],
    ["a pending subscription is not approved", { subscriptionStatus: "PENDING" }, "none", "guarantee.subscription_not_approved"],
    ["a declined subscription is not approved", { subscriptionStatus: "DECLINED" }, "none", "guarantee.subscription_not_approved"],
    ["a test order is not covered", { test: true }, "none", "guarantee.test_order"],
    ["an order cancelled before it was fulfilled is not covered", { cancelledAt: "2026-11-30T09:00:00Z" }, "none", "guarantee.cancelled"],
    ["an order fulfilled before Holdfast decided is not covered", { fulfillmentStatus: "FULFILLED" }, "none", "guarantee.fulfilled_before_decision"],
    ["an order partly fulfilled before Holdfast decided is not covered", { fulfillmentStatus: "PARTIALLY_FULFILLED" }, "none", "guarantee.fulfilled_before_decision"],
    ["an order in progress at the fulfilment service has not left: covered", { fulfillmentStatus: "IN_PROGRESS" }, "active", "guarantee.active"],
    ["Shopify Protect active: Shopify covers it, Holdfast does not", { shopifyProtect: "ACTIVE" }, "none", "guarantee.shopify_protect"],
    ["Shopify Protect protected: Shopify covers it", { shopifyProtect: "PROTECTED" }, "none", "guarantee.shopify_protect"],
    ["Shopify Protect not protected: Holdfast covers it", { shopifyProtect: "NOT_PROTECTED" }, "active", "guarantee.active"],
    ["Shopify Protect pending (undetermined): Holdfast covers it (fail safe for the merchant)", { shopifyProtect: "PENDING" }, "active", "guarantee.active"],
    ["a Shopify Protect status Holdfast does not know: Holdfast covers it", { shopifyProtect: "SOMETHING_NEW" }, "active", "guarantee.active"],
    ["no Shopify Protect summary: Holdfast covers it", { shopifyProtect: null }, "active", "guarantee.active"],
    ["re-approved after a facts change: kept, and said so", rescreen, "active", "guarantee.reapproved"],
    ["re-approved after a staff re-screen: kept, and says a person asked", { reason: "staff", previous: "active" }, "active", "guarantee.reapproved_staff"],
    ["held after a facts change of an approved order: void", { ...rescreen, verdict: "hold" }, "void", "guarantee.void_rescreen_held"],
    ["held by any later re-screen of an approved order: void, never silently none", { reason: "reconcile", previous: "active", verdict: "hold" }, "void", "guarantee.void_rescreen_held"],
    ["held by a staff re-screen of an approved order: void, and says a person asked", { reason: "staff", previous: "active", verdict: "hold" }, "void", "guarantee.void_rescreen_staff"],
    ["cancelled before a re-screen of an approved order: void", { ...rescreen, cancelledAt: "2026-11-29T09:00:00Z" }, "void", "guarantee.void_cancelled"],
    ["a re-screen keeps an active guarantee when the subscription lapsed since", { ...rescreen, subscriptionStatus: "CANCELLED" }, "active", "guarantee.reapproved"],
    ["a re-screen keeps an active guarantee when the order was fulfilled since", { ...rescreen, fulfillmentStatus: "FULFILLED" }, "active", "guarantee.reapproved"],
    ["declined by a person after approval, then re-screened and approved: stays void", { reason: "staff", previous: "void", previousReason: "guarantee.void_declined_by_staff" }, "void", "guarantee.void_declined_by_staff"],
    ["voided by a held re-screen, then approved by a later one: covered again", { ...rescreen, previous: "void", previousReason: "guarantee.void_rescreen_held" }, "active", "guarantee.active"],
    ["held after a facts change of an order that was not covered: still none", { ...rescreen, verdict: "hold", previous: "none" }, "none", "guarantee.held"],
  ])("%s", (_name, input, state, reason) => {
    const g = guaranteeFor({ ...base, ...input });
    expect([g.state, g.reason]).toEqual([state, reason]);
    expect(g.note.length).toBeGreaterThan(0);
  });

  it("every reason is a catalogue key with English and Japanese", () => {
    const g = guaranteeFor({ ...base, verdict: "hold" });
    expect(CATALOGUES.en[g.reason!]).toBeTruthy();
    expect(CATALOGUES.ja[g.reason!]).toBeTruthy();
  });

  it("the notes say how much is covered, which facts changed and when it was voided", () => {
    expect(guaranteeFor(base).note).toContain("12000000 JPY");
    expect(guaranteeFor({ ...base, ...rescreen }).note).toContain("shipping address, email");
    const voided = guaranteeFor({ ...base, ...rescreen, verdict: "hold" }).note;
    expect(voided).toContain("shipping address, email");
    expect(voided).toContain("2026-11-30");
    expect(guaranteeFor({ ...base, ...rescreen, cancelledAt: "2026-11-29T09:00:00Z" }).note).toContain("2026-11-29");
    expect(guaranteeFor({ ...base, subscriptionStatus: null }).note).toMatch(/none created/);
    expect(guaranteeFor({ ...base, shopifyProtect: "PENDING" }).note).toMatch(/PENDING is not a confirmed cover/);
  });

  it("the older re-screen reason (address_changed, in queued jobs) is read like facts_changed", () => {
    const g = guaranteeFor({ ...base, reason: "address_changed", previous: "active", verdict: "hold" });
    expect(g.state).toBe("void");
  });
});
