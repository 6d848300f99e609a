// Edges of Shopify's answers the emulator can reproduce (issue 12, point 7):
// - a frozen shop answers 402 and a locked one 423 to every Admin API call
//   (https://shopify.dev/docs/api/usage/response-codes: "402 Payment Required: The requested shop is
//   currently frozen. The shop owner needs to log in to the shop's admin and pay the outstanding
//   balance to unfreeze the shop." / "423 Locked: The requested shop is currently locked.");
// - `extensions.cost.throttleStatus` is not on every answer (the Admin API rate-limits page describes
//   the cost extension; `throttleStatus` is documented as part of it, not as a promise on each reply);
// - a refresh answer may come without `expires_in` (the OAuth token endpoint's reply for a
//   non-expiring token has no expiry: https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/offline-access-tokens).
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../emulator/clock.js";
import { ShopifyEmulator } from "../../emulator/emulator.js";
import { adminGraphql } from "../../emulator/helpers.js";

const SHOP = "availability.myshopify.com";

function setup() {
  const emulator = new ShopifyEmulator({ clock: new ManualClock(), apiKey: "key", apiSecret: "secret" });
  const shop = emulator.createShop(SHOP);
  const grant = emulator.install(SHOP);
  return { emulator, shop, grant };
}

describe("emulator: shop availability and optional answer fields", () => {
  it.each([
    ["frozen", 402, /frozen/],
    ["locked", 423, /locked/],
  ] as const)("a %s shop answers %i to every Admin call, and answers again once active", async (availability, status, message) => {
    const { emulator, shop, grant } = setup();
    shop.availability = availability;
    const res = await adminGraphql(emulator, SHOP, grant.access_token, "{ shop { id } }");
    expect(res.status).toBe(status);
    expect(JSON.stringify(res.body)).toMatch(message);
    expect(emulator.log.all({ shop: SHOP, outcome: "unavailable" })).toHaveLength(1);
    shop.availability = "active";
    const back = await adminGraphql(emulator, SHOP, grant.access_token, "{ shop { id } }");
    expect(back.status).toBe(200);
  });

  it("answers the cost extension without throttleStatus when told to", async () => {
    const { emulator, grant } = setup();
    const withStatus = await adminGraphql(emulator, SHOP, grant.access_token, "{ shop { id } }");
    expect(withStatus.body.extensions?.cost.throttleStatus).toBeDefined();
    emulator.answers.throttleStatus = false;
    const without = await adminGraphql(emulator, SHOP, grant.access_token, "{ shop { id } }");
    expect(without.body.extensions?.cost).toMatchObject({ requestedQueryCost: 1 });
    expect(without.body.extensions?.cost).not.toHaveProperty("throttleStatus");
  });

  it("answers a token refresh without expires_in when told to", async () => {
    const { emulator, grant } = setup();
    emulator.answers.refreshExpiresIn = false;
    const res = await emulator.fetch(`https://${SHOP}/admin/oauth/access_token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ client_id: "key", client_secret: "secret", grant_type: "refresh_token", refresh_token: grant.refresh_token }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.access_token).toEqual(expect.any(String));
    expect(body).not.toHaveProperty("expires_in");
  });
});
