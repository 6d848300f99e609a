/** Property tests: pagination visits every matching order once, and the bucket follows the leaky-bucket model. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../emulator/clock.js";
import { ShopifyEmulator } from "../../emulator/emulator.js";
import { adminGraphql } from "../../emulator/helpers.js";
import { LeakyBucket } from "../../emulator/throttle.js";

describe("cursor pagination", () => {
  it("visits every order matching the query exactly once, in sort order, for any page size", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 25 }), fc.integer({ min: 1, max: 7 }), fc.boolean(), async (days, pageSize, reverse) => {
        const emulator = new ShopifyEmulator({ clock: new ManualClock(Date.parse("2026-07-31T00:00:00Z")) });
        const shop = emulator.createShop("pages.myshopify.com");
        for (const d of days) {
          shop.addOrder({ createdAt: new Date(Date.parse("2026-07-01T00:00:00Z") + d * 86_400_000).toISOString(), email: null, currency: "USD", lineItems: [{ title: "x", quantity: 1, price: "1.00" }], customer: null, billingAddress: null, shippingAddress: null, tags: d % 3 === 0 ? ["skip"] : [] });
        }
        const { access_token: token } = emulator.install("pages.myshopify.com");
        const seen: string[] = [];
        let after: string | null = null;
        for (let i = 0; i < 40; i++) {
          const res = await adminGraphql(emulator, "pages.myshopify.com", token, `query($after: String, $n: Int, $r: Boolean) { orders(first: $n, after: $after, reverse: $r, sortKey: CREATED_AT, query: "created_at:>=2026-07-05 tag_not:skip") { nodes { id createdAt } pageInfo { hasNextPage endCursor } } }`, { after, n: pageSize, r: reverse });
          const page = (res.body.data as { orders: { nodes: { id: string; createdAt: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }).orders;
          seen.push(...page.nodes.map((n) => `${n.createdAt}|${n.id}`));
          if (!page.pageInfo.hasNextPage) break;
          after = page.pageInfo.endCursor;
        }
        const expected = [...shop.orders.values()]
          .filter((o) => o.createdAt >= "2026-07-05" && !o.tags.includes("skip"))
          .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id - b.id))
          .map((o) => `${o.createdAt}|gid://shopify/Order/${o.id}`);
        expect(seen).toEqual(reverse ? expected.reverse() : expected);
      }),
      { numRuns: 40 },
    );
  });
});

describe("leaky bucket", () => {
  it("matches the model min(size, available + elapsed × rate), never below 0, taking only what it holds", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 1200 })), { maxLength: 60 }), (steps) => {
        const clock = new ManualClock(0);
        const bucket = new LeakyBucket({ restoreRate: 100, bucketSize: 2000, maxQueryCost: 1000 }, clock);
        let model = 2000;
        for (const [elapsed, cost] of steps) {
          clock.advance(elapsed);
          model = Math.min(2000, model + (elapsed / 1000) * 100);
          const took = bucket.tryTake(cost);
          expect(took).toBe(model >= cost);
          if (took) model -= cost;
          const status = bucket.status();
          expect(status.currentlyAvailable).toBe(Math.floor(model));
          expect(status.currentlyAvailable).toBeGreaterThanOrEqual(0);
          expect(status.currentlyAvailable).toBeLessThanOrEqual(2000);
        }
      }),
    );
  });
});
