// The claim rules, pure: which disputes open a claim (and why not), the state a dispute status calls
// for, forward-only transitions, and what "delivered" means.
import { describe, expect, it } from "vitest";
import {
  claimStateFor, decideCoverage, disputeRank, isDelivered, normaliseStatus, normaliseType, transitions, type CoverageInput,
} from "../../app/guarantee/claims";
import { normaliseReason } from "../../app/guarantee/disputes.server";

const base: CoverageInput = {
  dispute: { type: "chargeback", reason: "fraudulent", rawReason: "FRAUDULENT", status: "needs_response", orderId: "1001" },
  guarantee: { state: "active", reason: null },
  screeningPending: false,
  coverNotReceived: false,
  delivered: false,
};
const decide = (over: { dispute?: Partial<CoverageInput["dispute"]> } & Partial<Omit<CoverageInput, "dispute">>) =>
  decideCoverage({ ...base, ...over, dispute: { ...base.dispute, ...over.dispute } });

describe("decideCoverage", () => {
  it.each([
    ["fraudulent", "claim"],
    ["unrecognized", "claim"],
    ["product_not_received", "claim.reason_not_covered"],
    ["product_unacceptable", "claim.reason_not_covered"],
    ["credit_not_processed", "claim.reason_not_covered"],
    ["duplicate", "claim.reason_not_covered"],
    ["general", "claim.reason_not_covered"],
  ])("a chargeback for %s on a guaranteed order: %s", (reason, expected) => {
    const c = decide({ dispute: { reason } });
    expect(c.coverage === "claim" ? "claim" : c.reason).toBe(expected);
  });

  it("product_not_received: covered only when the shop covers it and the order reads delivered", () => {
    const pnr = { reason: "product_not_received" };
    expect(decide({ dispute: pnr, coverNotReceived: true, delivered: true }).coverage).toBe("claim");
    expect(decide({ dispute: pnr, coverNotReceived: true, delivered: false }).reason).toBe("claim.not_received_not_delivered");
    expect(decide({ dispute: pnr, coverNotReceived: false, delivered: true }).reason).toBe("claim.reason_not_covered");
  });

  it("an unknown reason is not covered, with the raw value Shopify sent", () => {
    expect(decide({ dispute: { reason: "unknown", rawReason: "ALIEN_ABDUCTION" } })).toEqual({ coverage: "not_covered", reason: "claim.reason_unknown", vars: { raw: "ALIEN_ABDUCTION" } });
  });

  it("an inquiry is never a claim, whatever its reason", () => {
    expect(decide({ dispute: { type: "inquiry" } }).reason).toBe("claim.inquiry");
  });

  it("not guaranteed (none, void): not covered, with the guarantee's own reason", () => {
    expect(decide({ guarantee: { state: "none", reason: "guarantee.held" } })).toEqual({ coverage: "not_covered", reason: "claim.not_guaranteed", vars: { why: "guarantee.held" } });
    expect(decide({ guarantee: { state: "void", reason: "guarantee.void_cancelled" } }).vars).toEqual({ why: "guarantee.void_cancelled" });
    expect(decide({ guarantee: { state: "mystery", reason: null } }).reason).toBe("claim.not_guaranteed");
  });

  it("not screened: waits while the screening is pending, else not covered", () => {
    expect(decide({ guarantee: null, screeningPending: true }).coverage).toBe("waiting");
    expect(decide({ guarantee: null, screeningPending: false }).reason).toBe("claim.not_screened");
  });

  it("no order: not covered", () => {
    expect(decide({ dispute: { orderId: null } }).reason).toBe("claim.no_order");
  });
});

describe("claim states", () => {
  it.each([
    ["needs_response", "open"], ["under_review", "open"], ["lost", "approved"], ["accepted", "approved"], ["charge_refunded", "approved"],
    ["won", "closed"], ["prevented", "closed"], ["unknown", "open"], ["something_new", "open"],
  ])("dispute %s -> claim %s", (status, state) => expect(claimStateFor(status)).toBe(state));

  it("only moves forward, always through open", () => {
    expect(transitions(null, "approved")).toEqual([{ from: null, to: "open" }, { from: "open", to: "approved" }]);
    expect(transitions(null, "open")).toEqual([{ from: null, to: "open" }]);
    expect(transitions("open", "closed")).toEqual([{ from: "open", to: "closed" }]);
    expect(transitions("approved", "open")).toEqual([]);
    expect(transitions("approved", "closed")).toEqual([]);
    expect(transitions("closed", "approved")).toEqual([]);
    expect(transitions("paid", "approved")).toEqual([]);
  });

  it("a dispute's rank: inquiry < chargeback; needs_response < under_review < final", () => {
    expect(disputeRank("inquiry", "won")).toBeLessThan(disputeRank("chargeback", "needs_response"));
    expect(disputeRank("chargeback", "needs_response")).toBeLessThan(disputeRank("chargeback", "under_review"));
    expect(disputeRank("chargeback", "under_review")).toBeLessThan(disputeRank("chargeback", "lost"));
    expect(disputeRank("chargeback", "unknown")).toBeLessThan(disputeRank("chargeback", "won"));
  });

  it("normalises status, type and reason, unknown for anything else", () => {
    expect([normaliseStatus("LOST"), normaliseStatus("ON_FIRE"), normaliseStatus(null)]).toEqual(["lost", "unknown", "unknown"]);
    expect([normaliseType("INQUIRY"), normaliseType("CHARGEBACK"), normaliseType("X")]).toEqual(["inquiry", "chargeback", "unknown"]);
    expect([normaliseReason("FRAUDULENT"), normaliseReason("SUBSCRIPTION_CANCELED"), normaliseReason("nope")]).toEqual(["fraudulent", "subscription_cancelled", "unknown"]);
  });
});

describe("isDelivered", () => {
  it("needs the order fulfilled and every shipment delivered", () => {
    expect(isDelivered({ displayFulfillmentStatus: "FULFILLED", fulfillments: [{ displayStatus: "DELIVERED" }] })).toBe(true);
    expect(isDelivered({ displayFulfillmentStatus: "FULFILLED", fulfillments: [{ displayStatus: "DELIVERED" }, { displayStatus: "CANCELED" }] })).toBe(true);
    expect(isDelivered({ displayFulfillmentStatus: "FULFILLED", fulfillments: [{ displayStatus: "DELIVERED" }, { displayStatus: "IN_TRANSIT" }] })).toBe(false);
    expect(isDelivered({ displayFulfillmentStatus: "PARTIALLY_FULFILLED", fulfillments: [{ displayStatus: "DELIVERED" }] })).toBe(false);
    expect(isDelivered({ displayFulfillmentStatus: "FULFILLED", fulfillments: [] })).toBe(false);
    expect(isDelivered(null)).toBe(false);
  });
});
