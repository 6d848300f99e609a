// Shipments in the emulator: `Order.fulfillments` with `displayStatus` (FulfillmentDisplayStatus) and
// `deliveredAt`, which a `product_not_received` claim reads ("delivered"), and the disputed amount's
// own currency (a card in another currency than the shop's).
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../emulator/clock.js";
import { ShopifyEmulator } from "../../emulator/emulator.js";
import { adminGraphql } from "../../emulator/helpers.js";
import { gid } from "../../emulator/ids.js";
import { OrderFactory } from "../../emulator/order-factory.js";
import { Dispute } from "../../app/shopify/operations.js";

const SHOP = "shipments.myshopify.com";

describe("emulator: fulfillments and delivery", () => {
  it("an order's fulfillments read FULFILLED when shipped, DELIVERED with deliveredAt once delivered", async () => {
    const clock = new ManualClock();
    const emulator = new ShopifyEmulator({ clock, fulfillmentOrderDelayMs: 0 });
    const shop = emulator.createShop(SHOP);
    const order = shop.addOrder(new OrderFactory({ seed: 3 }).legit().draft);
    const dispute = shop.addDispute(order.id, { reason: "PRODUCT_NOT_RECEIVED", currency: "EUR", amount: "12.34" });
    const { access_token: token } = emulator.install(SHOP, { expiring: false });
    const read = async () => {
      const r = (await adminGraphql(emulator, SHOP, token, Dispute, { id: gid("ShopifyPaymentsDispute", dispute.id) })).body as unknown as {
        errors?: unknown;
        data: { dispute: { amount: { amount: string; currencyCode: string }; order: { displayFulfillmentStatus: string; fulfillments: { displayStatus: string; deliveredAt: string | null }[] } } };
      };
      expect(r.errors).toBeUndefined();
      return r.data.dispute;
    };
    let d = await read();
    expect(d.amount).toEqual({ amount: "12.34", currencyCode: "EUR" });
    expect([d.order.displayFulfillmentStatus, d.order.fulfillments]).toEqual(["UNFULFILLED", []]);
    expect(() => shop.markDelivered(order)).toThrow(/no fulfillment/);
    shop.fulfill(order);
    d = await read();
    expect([d.order.displayFulfillmentStatus, d.order.fulfillments]).toEqual(["FULFILLED", [{ displayStatus: "FULFILLED", deliveredAt: null }]]);
    clock.advance(86_400_000);
    shop.markDelivered(order);
    d = await read();
    expect(d.order.fulfillments).toEqual([{ displayStatus: "DELIVERED", deliveredAt: new Date(clock.now()).toISOString().replace(".000Z", "Z") }]);
    // Fulfilling again ships nothing new.
    shop.fulfill(order);
    expect((await read()).order.fulfillments).toHaveLength(1);
  });
});
