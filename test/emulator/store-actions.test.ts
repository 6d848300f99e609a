import { describe, expect, it } from "vitest";
import { ManualClock } from "../../emulator/clock.js";
import { ShopifyEmulator } from "../../emulator/emulator.js";
import { adminGraphql } from "../../emulator/helpers.js";
import { gid } from "../../emulator/ids.js";
import { OrderFactory } from "../../emulator/order-factory.js";

const SHOP = "actions.myshopify.com";

function setup() {
  const clock = new ManualClock();
  const emulator = new ShopifyEmulator({ clock, fulfillmentOrderDelayMs: 0 });
  const shop = emulator.createShop(SHOP);
  const order = shop.addOrder(new OrderFactory({ seed: 3 }).legit({ country: "US" }).draft);
  const { access_token: token } = emulator.install(SHOP);
  const fo = order.fulfillmentOrders[0];
  if (!fo) throw new Error("factory order without fulfillment order");
  const call = (query: string, variables: Record<string, unknown> = {}) => adminGraphql(emulator, SHOP, token, query, variables);
  return { emulator, clock, shop, order, fo, foId: gid("FulfillmentOrder", fo.id), call };
}

const HOLD = `mutation Hold($id: ID!, $hold: FulfillmentOrderHoldInput!) {
  fulfillmentOrderHold(id: $id, fulfillmentHold: $hold) {
    fulfillmentHold { id handle reason } fulfillmentOrder { id status } remainingFulfillmentOrder { id }
    userErrors { field message code }
  }
}`;
const RELEASE = `mutation Release($id: ID!, $holdIds: [ID!], $externalId: String) {
  fulfillmentOrderReleaseHold(id: $id, holdIds: $holdIds, externalId: $externalId) { fulfillmentOrder { id status } userErrors { field message code } }
}`;
type HoldResult = { fulfillmentOrderHold: { fulfillmentHold: { id: string; handle: string } | null; fulfillmentOrder: { status: string } | null; userErrors: { code: string | null }[] } };
type ReleaseResult = { fulfillmentOrderReleaseHold: { fulfillmentOrder: { status: string } | null; userErrors: { code: string | null; message: string }[] } };

describe("fulfillment holds", () => {
  it("places a hold, rejects a duplicate handle, and caps the app at 10 holds per fulfillment order", async () => {
    const { call, foId, fo } = setup();
    const hold = (handle: string) => call(HOLD, { id: foId, hold: { reason: "HIGH_RISK_OF_FRAUD", handle, reasonNotes: "Held by Holdfast", notifyMerchant: false } });
    const first = (await hold("holdfast-review")).body.data as HoldResult;
    expect(first.fulfillmentOrderHold).toMatchObject({ fulfillmentHold: { handle: "holdfast-review", reason: "HIGH_RISK_OF_FRAUD" }, fulfillmentOrder: { status: "ON_HOLD" }, userErrors: [] });
    const dup = (await hold("holdfast-review")).body.data as HoldResult;
    expect(dup.fulfillmentOrderHold.fulfillmentHold).toBeNull();
    expect(dup.fulfillmentOrderHold.userErrors.map((e) => e.code)).toEqual(["DUPLICATE_FULFILLMENT_HOLD_HANDLE"]);
    for (let i = 2; i <= 10; i++) expect(((await hold(`h${i}`)).body.data as HoldResult).fulfillmentOrderHold.userErrors).toEqual([]);
    const eleventh = (await hold("h11")).body.data as HoldResult;
    expect(eleventh.fulfillmentOrderHold.userErrors.map((e) => e.code)).toEqual(["FULFILLMENT_ORDER_HOLD_LIMIT_REACHED"]);
    expect(fo.holds).toHaveLength(10);
  });

  it("refuses a mutation with injected userErrors: nothing changes, the call is logged as a fault, the next one works", async () => {
    const { call, foId, fo, emulator } = setup();
    const userErrors = [{ field: ["id"], message: "The maximum number of fulfillment holds has been reached.", code: "FULFILLMENT_ORDER_HOLD_LIMIT_REACHED" }];
    emulator.faults.inject({ fault: { kind: "user_errors", userErrors }, operation: "fulfillmentOrderHold", times: 1 });
    const hold = () => call(HOLD, { id: foId, hold: { reason: "HIGH_RISK_OF_FRAUD", handle: "holdfast-review" } });
    const refused = await hold();
    expect(refused.status).toBe(200);
    expect((refused.body.data as HoldResult).fulfillmentOrderHold).toEqual({ fulfillmentHold: null, fulfillmentOrder: null, remainingFulfillmentOrder: null, userErrors });
    expect(fo.holds).toEqual([]);
    expect(emulator.log.count("fulfillmentOrderHold")).toBe(0);
    expect(emulator.log.all({ outcome: "fault" })).toHaveLength(1);
    expect(((await hold()).body.data as HoldResult).fulfillmentOrderHold.userErrors).toEqual([]);
    expect(fo.holds.map((h) => h.handle)).toEqual(["holdfast-review"]);
    expect(emulator.log.count("fulfillmentOrderHold")).toBe(1);
  });

  // FulfillmentOrderReleaseHoldUserErrorCode.INVALID_ACCESS: "The app doesn't have access to release the
  // fulfillment hold"; FulfillmentHold.heldByApp: "The app that created the fulfillment hold" (Admin 2026-07 schema).
  it("refuses to release another app's hold with INVALID_ACCESS, and names the app of every app's hold", async () => {
    const { call, foId, fo, shop } = setup();
    shop.hold(fo, { reason: "OTHER", handle: "their-review" }, "other-app-key");
    const read = await call(`query($id: ID!) { node(id: $id) { ... on FulfillmentOrder { fulfillmentHolds { id heldByRequestingApp heldByApp { apiKey } } } } }`, { id: foId });
    const holds = (read.body.data as { node: { fulfillmentHolds: { id: string; heldByRequestingApp: boolean; heldByApp: { apiKey: string } | null }[] } }).node.fulfillmentHolds;
    expect(holds).toMatchObject([{ heldByRequestingApp: false, heldByApp: { apiKey: "other-app-key" } }]);
    for (const variables of [{ id: foId, holdIds: [holds[0]!.id] }, { id: foId }]) {
      const refused = (await call(RELEASE, variables)).body.data as ReleaseResult;
      expect(refused.fulfillmentOrderReleaseHold.userErrors.map((e) => e.code)).toEqual(["INVALID_ACCESS"]);
    }
    expect(fo.holds).toHaveLength(1);
  });

  // supportedActions lists HOLD exactly where fulfillmentOrderHold accepts the hold.
  it.each(["OPEN", "ON_HOLD", "IN_PROGRESS", "CLOSED", "CANCELLED", "INCOMPLETE", "SCHEDULED"] as const)("supportedActions and the hold agree on a %s fulfillment order", async (status) => {
    const { call, foId, fo } = setup();
    fo.status = status;
    const read = await call(`query($id: ID!) { node(id: $id) { ... on FulfillmentOrder { supportedActions { action } } } }`, { id: foId });
    const offered = (read.body.data as { node: { supportedActions: { action: string }[] } }).node.supportedActions.some((a) => a.action === "HOLD");
    const held = ((await call(HOLD, { id: foId, hold: { reason: "HIGH_RISK_OF_FRAUD", handle: "holdfast-review" } })).body.data as HoldResult).fulfillmentOrderHold.userErrors.length === 0;
    expect(held).toBe(offered);
  });

  it("releases only the given holdIds, or every hold without them", async () => {
    const { call, foId, fo, shop } = setup();
    shop.hold(fo, { reason: "OTHER", handle: "merchant" }, null); // a merchant's own hold
    const mine = ((await call(HOLD, { id: foId, hold: { reason: "HIGH_RISK_OF_FRAUD", handle: "holdfast-review" } })).body.data as HoldResult).fulfillmentOrderHold.fulfillmentHold;
    const partial = (await call(RELEASE, { id: foId, holdIds: [mine?.id] })).body.data as ReleaseResult;
    expect(partial.fulfillmentOrderReleaseHold).toMatchObject({ fulfillmentOrder: { status: "ON_HOLD" }, userErrors: [] });
    expect(fo.holds.map((h) => h.handle)).toEqual(["merchant"]);

    const read = await call(`query($id: ID!) { node(id: $id) { ... on FulfillmentOrder { fulfillmentHolds { handle heldByRequestingApp } supportedActions { action } } } }`, { id: foId });
    expect(read.body.data).toEqual({ node: { fulfillmentHolds: [{ handle: "merchant", heldByRequestingApp: false }], supportedActions: [{ action: "RELEASE_HOLD" }, { action: "HOLD" }, { action: "MOVE" }] } });

    await call(HOLD, { id: foId, hold: { reason: "HIGH_RISK_OF_FRAUD", handle: "again" } });
    const all = (await call(RELEASE, { id: foId })).body.data as ReleaseResult;
    expect(all.fulfillmentOrderReleaseHold.fulfillmentOrder?.status).toBe("OPEN");
    expect(fo.holds).toEqual([]);
    // Nothing on hold: nothing to release, and no error without a code.
    const notHeld = (await call(RELEASE, { id: foId })).body.data as ReleaseResult;
    expect(notHeld.fulfillmentOrderReleaseHold.userErrors).toEqual([]);
    const missing = (await call(RELEASE, { id: gid("FulfillmentOrder", 1) })).body.data as ReleaseResult;
    expect(missing.fulfillmentOrderReleaseHold.userErrors[0]?.code).toBe("FULFILLMENT_ORDER_NOT_FOUND");
  });
});

describe("tags, risk assessments and cancel", () => {
  // Removing is case sensitive ("Tags are case sensitive":
  // https://help.shopify.com/en/manual/shopify-flow/reference/actions/remove-product-tags); adding a tag the
  // order has in another case keeps the existing spelling; a call that changes nothing does not touch the order.
  it("removes tags case-sensitively, and leaves the order untouched when a tag call changes nothing", async () => {
    const { call, order, shop, emulator } = setup();
    shop.addTags(order, ["Holdfast:Hold"]);
    const id = gid("Order", order.id);
    const updatedAt = order.updatedAt;
    (emulator.clock as ManualClock).advance(60_000); // a touch would now show as a new updatedAt
    const add = `mutation AddTags($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { userErrors { message } } }`;
    const remove = `mutation RemoveTags($id: ID!, $tags: [String!]!) { tagsRemove(id: $id, tags: $tags) { userErrors { message } } }`;
    await call(add, { id, tags: ["holdfast:hold"] });
    await call(remove, { id, tags: ["holdfast:hold"] });
    expect(order.tags).toEqual(["Holdfast:Hold"]);
    expect(order.updatedAt).toBe(updatedAt);
    await call(remove, { id, tags: ["Holdfast:Hold"] });
    expect(order.tags).toEqual([]);
  });

  it("adds and removes tags without touching other tags; the call log counts each call", async () => {
    const { call, order, emulator, shop } = setup();
    shop.addTags(order, ["merchant-tag"]);
    const id = gid("Order", order.id);
    await call(`mutation AddTags($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { node { id } userErrors { field message } } }`, { id, tags: ["holdfast:hold"] });
    await call(`mutation AddTags($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { node { id } userErrors { field message } } }`, { id, tags: ["holdfast:ship"] });
    await call(`mutation RemoveTags($id: ID!, $tags: [String!]!) { tagsRemove(id: $id, tags: $tags) { node { id } userErrors { field message } } }`, { id, tags: ["holdfast:hold"] });
    expect(order.tags).toEqual(["merchant-tag", "holdfast:ship"]);
    expect(emulator.log.count("tagsAdd")).toBe(2);
    expect(emulator.log.count("tagsRemove")).toBe(1);
    expect(emulator.log.byOperationName("AddTags")[1]?.variables).toEqual({ id, tags: ["holdfast:ship"] });
  });

  it("creates risk assessments (≤20 facts) and refuses them once the order is fulfilled", async () => {
    const { call, order, shop } = setup();
    const RISK = `mutation RiskCreate($input: OrderRiskAssessmentCreateInput!) { orderRiskAssessmentCreate(orderRiskAssessmentInput: $input) { orderRiskAssessment { riskLevel facts { description sentiment } } userErrors { field message code } } }`;
    const facts = (n: number) => Array.from({ length: n }, (_, i) => ({ description: `fact ${i}`, sentiment: "NEGATIVE" }));
    type R = { orderRiskAssessmentCreate: { orderRiskAssessment: unknown; userErrors: { code: string }[] } };
    const ok = (await call(RISK, { input: { orderId: gid("Order", order.id), riskLevel: "HIGH", facts: facts(20) } })).body.data as R;
    expect(ok.orderRiskAssessmentCreate.userErrors).toEqual([]);
    const tooMany = (await call(RISK, { input: { orderId: gid("Order", order.id), riskLevel: "HIGH", facts: facts(21) } })).body.data as R;
    expect(tooMany.orderRiskAssessmentCreate.userErrors.map((e) => e.code)).toEqual(["TOO_MANY_FACTS"]);
    // OrderRiskSummary.recommendation is "the recommended action for the order based on its risk assessments" (apps' included), and
    // OrderRiskAssessment.provider is "`null` if the assessment was provided by Shopify" (Admin 2026-07 schema):
    // Shopify's own LOW and Holdfast's HIGH stay apart, and the summary says CANCEL.
    const risk = await call(`query($id: ID!) { order(id: $id) { risk { recommendation assessments { riskLevel provider { title } } } } }`, { id: gid("Order", order.id) });
    expect(risk.body.data).toMatchObject({ order: { risk: { recommendation: "CANCEL", assessments: [{ riskLevel: "LOW", provider: null }, { riskLevel: "HIGH", provider: { title: "Holdfast" } }] } } });
    // "Large values are truncated to 256 characters" (OrderRiskAssessmentFactInput.description,
    // https://shopify.dev/docs/api/admin-graphql/2026-07/input-objects/OrderRiskAssessmentFactInput): stored cut, not refused.
    const long = `${"x".repeat(255)}😀${"y".repeat(10)}`;
    const cut = (await call(RISK, { input: { orderId: gid("Order", order.id), riskLevel: "LOW", facts: [{ description: long, sentiment: "NEUTRAL" }] } })).body.data as R;
    expect(cut.orderRiskAssessmentCreate.userErrors).toEqual([]);
    expect(cut.orderRiskAssessmentCreate.orderRiskAssessment).toMatchObject({ facts: [{ description: `${"x".repeat(255)}😀` }] });
    shop.fulfill(order);
    const fulfilled = (await call(RISK, { input: { orderId: gid("Order", order.id), riskLevel: "LOW", facts: facts(1) } })).body.data as R;
    expect(fulfilled.orderRiskAssessmentCreate.userErrors.map((e) => e.code)).toEqual(["ORDER_ALREADY_FULFILLED"]);
  });

  it("cancels an order once, as a job", async () => {
    const { call, order, clock } = setup();
    const CANCEL = `mutation Cancel($orderId: ID!) { orderCancel(orderId: $orderId, reason: FRAUD, restock: true, notifyCustomer: false, refundMethod: { originalPaymentMethodsRefund: true }, staffNote: "Cancelled by Holdfast") { job { id done } orderCancelUserErrors { field message code } } }`;
    type C = { orderCancel: { job: { id: string; done: boolean } | null; orderCancelUserErrors: { code: string }[] } };
    const first = (await call(CANCEL, { orderId: gid("Order", order.id) })).body.data as C;
    expect(first.orderCancel).toMatchObject({ job: { done: false }, orderCancelUserErrors: [] });
    clock.advance(500); // the job's default time
    const job = (await call(`query J($id: ID!) { job(id: $id) { id done } }`, { id: first.orderCancel.job!.id })).body.data as { job: { done: boolean } };
    expect(job.job.done).toBe(true);
    expect(order.cancelReason).toBe("FRAUD");
    expect(order.fulfillmentOrders.every((f) => f.status === "CANCELLED")).toBe(true);
    const again = (await call(CANCEL, { orderId: gid("Order", order.id) })).body.data as C;
    expect(again.orderCancel.orderCancelUserErrors.map((e) => e.code)).toEqual(["INVALID"]);
  });

  it("an injected refusal fills every error list of the payload (orderCancelUserErrors too) and cancels nothing", async () => {
    const { call, order, emulator } = setup();
    emulator.faults.inject({ fault: { kind: "user_errors", userErrors: [{ field: ["orderId"], message: "Refunds are not permitted.", code: "NO_REFUND_PERMISSION" }] }, operation: "orderCancel" });
    const CANCEL = `mutation Cancel($orderId: ID!) { orderCancel(orderId: $orderId, reason: FRAUD, restock: true) { job { id } orderCancelUserErrors { field message code } userErrors { field message } } }`;
    const refused = await call(CANCEL, { orderId: gid("Order", order.id) });
    expect(refused.body.data).toEqual({
      orderCancel: {
        job: null,
        orderCancelUserErrors: [{ field: ["orderId"], message: "Refunds are not permitted.", code: "NO_REFUND_PERMISSION" }],
        userErrors: [{ field: ["orderId"], message: "Refunds are not permitted." }],
      },
    });
    expect(order.cancelledAt).toBeNull();
  });
});

describe("disputes", () => {
  it("reads a dispute and filters disputes by initiated_at", async () => {
    const { call, shop, order } = setup();
    const early = shop.addDispute(order.id, { initiatedAt: "2026-07-01T00:00:00Z", reason: "UNRECOGNIZED" });
    const late = shop.addDispute(order.id, { initiatedAt: "2026-07-14T00:00:00Z" });
    const one = await call(`query Dispute($id: ID!) { dispute(id: $id) { id legacyResourceId type status initiatedAt evidenceDueBy finalizedOn amount { amount currencyCode } reasonDetails { reason networkReasonCode } order { id name tags } } }`, { id: gid("ShopifyPaymentsDispute", early.id) });
    expect(one.body.data).toMatchObject({ dispute: { legacyResourceId: String(early.id), type: "CHARGEBACK", status: "NEEDS_RESPONSE", reasonDetails: { reason: "UNRECOGNIZED" }, order: { id: gid("Order", order.id) } } });
    const list = await call(`{ disputes(first: 10, query: "initiated_at:>='2026-07-10T00:00:00Z'") { nodes { id } } }`);
    expect(list.body.data).toEqual({ disputes: { nodes: [{ id: gid("ShopifyPaymentsDispute", late.id) }] } });
  });
});
