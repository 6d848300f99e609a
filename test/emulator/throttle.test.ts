import { describe, expect, it } from "vitest";
import { parse } from "graphql";
import { adminSchema } from "../../emulator/admin-schema.js";
import { ManualClock } from "../../emulator/clock.js";
import { ShopifyEmulator } from "../../emulator/emulator.js";
import { adminGraphql } from "../../emulator/helpers.js";
import { gid } from "../../emulator/ids.js";
import { requestedQueryCost } from "../../emulator/query-cost.js";

const SHOP = "throttle.myshopify.com";

const cost = (query: string, variables: Record<string, unknown> = {}) => requestedQueryCost(adminSchema(), parse(query), null, variables);

describe("requested query cost", () => {
  it.each([
    [`{ order(id: "x") { id name } }`, 1],
    [`{ order(id: "x") { id customer { id } } }`, 2],
    [`{ orders(first: 10) { edges { node { id } } } }`, 12],
    [`{ orders(first: 10) { nodes { id customer { id } } pageInfo { hasNextPage } } }`, 22],
    [`query Q($n: Int) { orders(first: $n) { nodes { id } } }`, 52],
    [`mutation { tagsAdd(id: "x", tags: ["a"]) { node { id } userErrors { message } } }`, 10],
    [`mutation { a: tagsAdd(id: "x", tags: ["a"]) { userErrors { message } } b: tagsRemove(id: "x", tags: ["a"]) { userErrors { message } } }`, 20],
  ])("%s costs %i", (query, expected) => {
    expect(cost(query, { n: 50 })).toBe(expected);
  });
});

function setup(throttle?: { restoreRate?: number; bucketSize?: number }) {
  const clock = new ManualClock();
  const emulator = new ShopifyEmulator({ clock, throttle });
  const shop = emulator.createShop(SHOP);
  const order = shop.addOrder({ createdAt: "2026-07-15T10:00:00Z", email: "x@example.com", currency: "USD", lineItems: [{ title: "A", quantity: 1, price: "1.00" }], customer: null, billingAddress: null, shippingAddress: null });
  const { access_token: token } = emulator.install(SHOP);
  return { clock, emulator, order, token };
}

/** Ten aliased tagsAdd: requested = actual = 100 points. */
const burst = Array.from({ length: 10 }, (_, i) => `t${i}: tagsAdd(id: $id, tags: ["b${i}"]) { userErrors { message } }`).join("\n");
const BURST = `mutation Burst($id: ID!) {\n${burst}\n}`;

describe("leaky bucket throttling (Standard plan defaults, injectable clock)", () => {
  it("throttles a burst that exceeds the bucket and recovers at the restore rate", async () => {
    const { clock, emulator, order, token } = setup();
    const vars = { id: gid("Order", order.id) };
    for (let i = 0; i < 20; i++) {
      const ok = await adminGraphql(emulator, SHOP, token, BURST, vars);
      expect(ok.body.errors).toBeUndefined();
      expect(ok.body.extensions?.cost).toMatchObject({ requestedQueryCost: 100, actualQueryCost: 100, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 2000 - 100 * (i + 1), restoreRate: 100 } });
    }
    const throttled = await adminGraphql(emulator, SHOP, token, BURST, vars);
    expect(throttled.status).toBe(200);
    expect(throttled.body.data).toBeUndefined();
    expect(throttled.body.errors?.[0]).toMatchObject({ message: "Throttled", extensions: { code: "THROTTLED" } });
    expect(throttled.body.extensions?.cost).toEqual({
      requestedQueryCost: 100,
      actualQueryCost: null,
      throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 0, restoreRate: 100 },
    });

    clock.advance(999); // 99.9 points restored: still short
    const stillShort = await adminGraphql(emulator, SHOP, token, BURST, vars);
    expect(stillShort.body.errors?.[0]).toMatchObject({ extensions: { code: "THROTTLED" } });
    expect(stillShort.body.extensions?.cost.throttleStatus?.currentlyAvailable).toBe(99);

    clock.advance(1); // (requested − available) / restoreRate = 1 s in total
    const recovered = await adminGraphql(emulator, SHOP, token, BURST, vars);
    expect(recovered.body.errors).toBeUndefined();
    expect(recovered.body.extensions?.cost.throttleStatus?.currentlyAvailable).toBe(0);

    clock.advance(60_000); // refills to the bucket size, not beyond
    const full = await adminGraphql(emulator, SHOP, token, `{ order(id: "${gid("Order", order.id)}") { id } }`);
    expect(full.body.extensions?.cost.throttleStatus?.currentlyAvailable).toBe(1999);
    expect(emulator.log.all({ outcome: "throttled" })).toHaveLength(2);
    expect(emulator.log.count("tagsAdd")).toBe(21);
  });

  it("honours a configured bucket size and restore rate, per shop", async () => {
    const { clock, emulator, order, token } = setup({ bucketSize: 150, restoreRate: 50 });
    const vars = { id: gid("Order", order.id) };
    expect((await adminGraphql(emulator, SHOP, token, BURST, vars)).body.extensions?.cost.throttleStatus).toEqual({ maximumAvailable: 150, currentlyAvailable: 50, restoreRate: 50 });
    expect((await adminGraphql(emulator, SHOP, token, BURST, vars)).body.errors?.[0]).toMatchObject({ extensions: { code: "THROTTLED" } });
    // another shop has its own bucket
    emulator.createShop("other.myshopify.com");
    const other = emulator.install("other.myshopify.com");
    const q = `{ shop { name } }`;
    expect((await adminGraphql(emulator, "other.myshopify.com", other.access_token, q)).body.extensions?.cost.throttleStatus?.currentlyAvailable).toBe(149);
    clock.advance(1000);
    expect((await adminGraphql(emulator, SHOP, token, BURST, vars)).body.errors).toBeUndefined();
  });

  it("refunds unused page slots: actual cost ≤ requested", async () => {
    const { emulator, token } = setup();
    const res = await adminGraphql(emulator, SHOP, token, `{ orders(first: 100) { nodes { id customer { id } } } }`);
    expect(res.body.extensions?.cost.requestedQueryCost).toBe(202);
    expect(res.body.extensions?.cost.actualQueryCost).toBe(2); // the connection object and one node (its customer is null)
    expect(res.body.extensions?.cost.throttleStatus?.currentlyAvailable).toBe(1998);
  });

  it("rejects a single query above 1000 points with MAX_COST_EXCEEDED", async () => {
    const { emulator, token } = setup();
    const res = await adminGraphql(emulator, SHOP, token, `{ orders(first: 250) { nodes { fulfillmentOrders(first: 10) { nodes { id } } } } }`);
    expect(res.body.errors?.[0]).toMatchObject({ extensions: { code: "MAX_COST_EXCEEDED", cost: 3252, maxCost: 1000 } });
    expect(res.body.data).toBeUndefined();
  });
});
