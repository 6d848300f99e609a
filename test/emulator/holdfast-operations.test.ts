/** Contract: every Admin operation Holdfast sends (app/shopify/operations.ts) runs against the emulator without errors. */
import { describe, expect, it } from "vitest";
import * as operations from "~/shopify/operations";
import { ManualClock } from "../../emulator/clock.js";
import { ShopifyEmulator } from "../../emulator/emulator.js";
import { adminGraphql } from "../../emulator/helpers.js";
import { gid } from "../../emulator/ids.js";
import { OrderFactory } from "../../emulator/order-factory.js";

const SHOP = "contract.myshopify.com";

function world() {
  const emulator = new ShopifyEmulator({ clock: new ManualClock(), fulfillmentOrderDelayMs: 0 });
  const shop = emulator.createShop(SHOP);
  const order = shop.addOrder(new OrderFactory({ seed: 21 }).fraud("card_testing").draft);
  const dispute = shop.addDispute(order.id);
  const { access_token: token } = emulator.install(SHOP);
  const fo = order.fulfillmentOrders[0];
  const hold = fo ? shop.hold(fo, { reason: "HIGH_RISK_OF_FRAUD", handle: "seeded" }, emulator.app.apiKey) : null;
  const lineItemId = shop.nextId();
  const subscription = {
    id: shop.nextId(), name: "Holdfast chargeback guarantee", status: "ACTIVE" as const, test: true, trialDays: 0, returnUrl: "https://holdfast.test/app",
    createdAt: shop.nowIso(), lineItems: [{ id: lineItemId, usage: { cappedAmount: { amount: "1000.00", currencyCode: "USD" }, terms: "0.5%" }, recurring: null }],
  };
  shop.installation.subscriptions.push(subscription);
  const orderId = gid("Order", order.id);
  const foId = gid("FulfillmentOrder", fo?.id ?? 0);
  const variables: Record<string, Record<string, unknown>> = {
    OrderForScreening: { id: orderId },
    OrderCancellation: { id: orderId },
    OrderSettled: { id: orderId },
    OrdersSince: { query: "created_at:>='2026-07-01T00:00:00Z'" },
    ShopIdentity: {},
    AddTags: { id: orderId, tags: ["holdfast:hold"] },
    RemoveTags: { id: orderId, tags: ["holdfast:hold"] },
    RiskAssessmentCreate: { input: { orderId, riskLevel: "HIGH", facts: [{ description: "Several cards tried", sentiment: "NEGATIVE" }] } },
    FulfillmentOrderHold: { id: foId, hold: { reason: "HIGH_RISK_OF_FRAUD", handle: "holdfast-review", reasonNotes: "Held by Holdfast", notifyMerchant: false } },
    FulfillmentOrderReleaseHold: { id: foId, holdIds: hold && !("error" in hold) ? [gid("FulfillmentHold", hold.id)] : [] },
    OrderCancel: { orderId, staffNote: "Cancelled by Holdfast" },
    CancelJob: { id: gid("Job", shop.requestCancel(order, "FRAUD").id), orderId },
    FulfillmentOrderOrder: { id: foId },
    Dispute: { id: gid("ShopifyPaymentsDispute", dispute.id) },
    DisputesSince: { query: "initiated_at:>='2026-07-01T00:00:00Z'" },
    BillingState: {},
    BillingSubscription: { id: gid("AppSubscription", subscription.id) },
    BillingSubscriptionCreate: {
      name: "Holdfast chargeback guarantee", returnUrl: "https://holdfast.test/app", test: true,
      lineItems: [{ plan: { appUsagePricingDetails: { cappedAmount: { amount: "1000", currencyCode: "USD" }, terms: "0.5%" } } }],
    },
    BillingUsageRecordCreate: { lineItemId: gid("AppSubscriptionLineItem", lineItemId), price: { amount: "1.25", currencyCode: "USD" }, description: "fee", idempotencyKey: "holdfast-fee:x:1" },
    DisputeEvidenceOf: { id: gid("ShopifyPaymentsDispute", dispute.id) },
    DisputeEvidenceUpdate: { id: gid("ShopifyPaymentsDisputeEvidence", dispute.evidence.id), input: { uncategorizedText: "Screened by Holdfast", submitEvidence: false } },
  };
  return { emulator, token, variables };
}

const documents = Object.entries(operations as Record<string, unknown>).flatMap(([name, value]): [string, string][] =>
  typeof value === "string" && /^\s*#graphql/.test(value) ? [[name, value]] : [],
);

describe("Holdfast's Admin operations run against the emulator", () => {
  it("finds operations to check", () => {
    expect(documents.length).toBeGreaterThan(5);
  });

  it.each(documents)("%s", async (name, document) => {
    const { emulator, token, variables } = world();
    const vars = variables[name];
    if (!vars) throw new Error(`add variables for ${name} to test/emulator/holdfast-operations.test.ts`);
    const res = await adminGraphql(emulator, SHOP, token, document, vars);
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    const root = Object.values(res.body.data as Record<string, unknown>)[0] as Record<string, unknown> | null;
    expect(root).not.toBeNull();
    for (const key of ["userErrors", "orderCancelUserErrors"]) if (root && key in root) expect(root[key]).toEqual([]);
  });
});
