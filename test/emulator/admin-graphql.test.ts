import { describe, expect, it } from "vitest";
import { graphql, parse, validate } from "graphql";
import { adminSchema } from "../../emulator/admin-schema.js";
import { ShopifyEmulator } from "../../emulator/emulator.js";
import { adminGraphql, SCREENING_QUERY } from "../../emulator/helpers.js";
import { ManualClock } from "../../emulator/clock.js";
import { gid } from "../../emulator/ids.js";

const SHOP = "rejection-test.myshopify.com";

function setup() {
  const emulator = new ShopifyEmulator({ clock: new ManualClock(), fulfillmentOrderDelayMs: 0 });
  const shop = emulator.createShop(SHOP);
  const order = shop.addOrder({
    createdAt: "2026-07-15T11:00:00Z",
    email: "buyer@example.com",
    currency: "USD",
    lineItems: [{ title: "Mug", quantity: 2, price: "12.50" }],
    customer: { email: "buyer@example.com", firstName: "Ada", lastName: "Lovelace", createdAt: "2025-01-01T00:00:00Z" },
    billingAddress: null,
    shippingAddress: null,
    tags: ["vip"],
  });
  const { access_token: token } = emulator.install(SHOP);
  return { emulator, shop, order, token };
}

describe("Admin GraphQL against the real 2026-07 schema", () => {
  it("rejects Order.clientDetails with the same errors graphql-js gives against the schema, at HTTP 200 without data", async () => {
    const { emulator, token } = setup();
    const query = `query Bad($id: ID!) { order(id: $id) { id clientDetails { browserIp } } }`;
    const expected = validate(adminSchema(), parse(query)).map((e) => e.toJSON());
    expect(expected.length).toBeGreaterThan(0);
    const res = await adminGraphql(emulator, SHOP, token, query, { id: "gid://shopify/Order/1" });
    expect(res.status).toBe(200);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors).toEqual(expected);
    expect(JSON.stringify(res.body.errors)).toContain('Cannot query field \\"clientDetails\\" on type \\"Order\\"');
    expect(emulator.log.all({ outcome: "invalid" })).toHaveLength(1);
  });

  it("answers the screening query with data derived from store state", async () => {
    const { emulator, order, token } = setup();
    const res = await adminGraphql(emulator, SHOP, token, SCREENING_QUERY, { id: gid("Order", order.id) });
    expect(res.body.errors).toBeUndefined();
    const data = res.body.data as { order: Record<string, unknown> };
    expect(data.order).toMatchObject({
      id: gid("Order", order.id),
      tags: ["vip"],
      totalPriceSet: { shopMoney: { amount: "25.00", currencyCode: "USD" } },
      customer: { numberOfOrders: "1", verifiedEmail: true },
      risk: { recommendation: "NONE", assessments: [] },
    });
    // graphql-js executing the same document against the same schema agrees it is valid
    const check = await graphql({ schema: adminSchema(), source: SCREENING_QUERY, variableValues: { id: "x" } });
    expect(check.errors ?? []).toEqual([]);
    expect(res.body.extensions?.cost.requestedQueryCost).toBeGreaterThan(0);
  });

  it("answers an unknown mutation with a clear NOT_EMULATED error", async () => {
    const { emulator, token } = setup();
    const res = await adminGraphql(emulator, SHOP, token, `mutation { shopLocaleEnable(locale: "fr") { userErrors { message } } }`);
    expect(res.status).toBe(200);
    expect(res.body.errors?.[0]).toMatchObject({ extensions: { code: "NOT_EMULATED" } });
  });

  it("requires a valid X-Shopify-Access-Token for this shop (401 otherwise)", async () => {
    const { emulator } = setup();
    const res = await adminGraphql(emulator, SHOP, "shpat_wrong", "{ shop { name } }");
    expect(res.status).toBe(401);
    emulator.createShop("other.myshopify.com");
    const other = emulator.install("other.myshopify.com");
    expect((await adminGraphql(emulator, SHOP, other.access_token, "{ shop { name } }")).status).toBe(401);
  });

  it("filters orders by created_at/tag/tag_not, sorts and paginates with cursors", async () => {
    const { emulator, shop, token } = setup();
    for (let i = 0; i < 5; i++) {
      shop.addOrder({
        createdAt: `2026-07-1${i}T08:00:00Z`,
        email: `b${i}@example.com`,
        currency: "USD",
        lineItems: [{ title: "Tea", quantity: 1, price: "5.00" }],
        customer: null,
        billingAddress: null,
        shippingAddress: null,
        tags: i % 2 === 0 ? ["holdfast:hold"] : [],
      });
    }
    const q = `query Page($q: String, $after: String) { orders(first: 2, after: $after, query: $q, sortKey: CREATED_AT) { edges { cursor node { createdAt tags } } pageInfo { hasNextPage endCursor } } }`;
    type Page = { orders: { edges: { node: { createdAt: string; tags: string[] } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const res = await adminGraphql(emulator, SHOP, token, q, { q: "created_at:>='2026-07-11T00:00:00Z' tag_not:'holdfast:hold'", after });
      const data = res.body.data as Page;
      seen.push(...data.orders.edges.map((e) => e.node.createdAt));
      if (!data.orders.pageInfo.hasNextPage) break;
      after = data.orders.pageInfo.endCursor;
    }
    // July 11..14 without the hold tag: the 11th and 13th, plus the setup order (15th, tag "vip")
    expect(seen).toEqual(["2026-07-11T08:00:00Z", "2026-07-13T08:00:00Z", "2026-07-15T11:00:00Z"]);
    const tagged = await adminGraphql(emulator, SHOP, token, `{ orders(first: 10, query: "tag:holdfast:hold") { nodes { id } } }`);
    expect((tagged.body.data as { orders: { nodes: unknown[] } }).orders.nodes).toHaveLength(3);
  });
});

describe("access scopes", () => {
  it("denies fields and mutations the token's scopes do not cover, like Shopify (ACCESS_DENIED, partial data)", async () => {
    const emulator = new ShopifyEmulator({ clock: new ManualClock(), fulfillmentOrderDelayMs: 0, scopes: ["write_orders", "read_merchant_managed_fulfillment_orders"] });
    const shop = emulator.createShop(SHOP);
    const order = shop.addOrder({
      createdAt: "2026-07-15T11:00:00Z", email: "b@example.com", currency: "USD", lineItems: [{ title: "Mug", quantity: 1, price: "9.00" }],
      customer: { email: "b@example.com", firstName: "B", lastName: "C", createdAt: "2025-01-01T00:00:00Z" }, billingAddress: null, shippingAddress: null,
      fulfillmentOrders: [{ managedBy: "merchant" }, { managedBy: "third_party" }],
    });
    const { access_token: token } = emulator.install(SHOP);
    const res = await adminGraphql(emulator, SHOP, token, SCREENING_QUERY, { id: gid("Order", order.id) });
    const data = res.body.data as { order: { customer: unknown; fulfillmentOrders: { nodes: unknown[] } } };
    expect(data.order.customer).toBeNull();
    expect(data.order.fulfillmentOrders.nodes).toHaveLength(1); // the third-party one needs read_third_party_fulfillment_orders
    expect(res.body.errors).toEqual([
      expect.objectContaining({ path: ["order", "customer"], extensions: expect.objectContaining({ code: "ACCESS_DENIED", requiredAccess: "`read_customers` access scope." }) }),
    ]);
    const fo = gid("FulfillmentOrder", order.fulfillmentOrders[0]?.id ?? 0);
    const hold = await adminGraphql(emulator, SHOP, token, `mutation($id: ID!) { fulfillmentOrderHold(id: $id, fulfillmentHold: { reason: OTHER }) { userErrors { message } } }`, { id: fo });
    expect(hold.body.errors?.[0]).toMatchObject({ extensions: { code: "ACCESS_DENIED", requiredAccess: "`write_merchant_managed_fulfillment_orders` access scope." } });
    const disputes = await adminGraphql(emulator, SHOP, token, `{ disputes(first: 1) { nodes { id } } }`);
    expect(disputes.body.errors?.[0]).toMatchObject({ extensions: { code: "ACCESS_DENIED" } });
  });
});
