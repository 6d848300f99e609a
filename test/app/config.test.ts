// shopify.app.toml agrees with the code: scopes, API version, and a route for every webhook URI.
import { existsSync, readFileSync } from "node:fs";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { DEFAULT_SCOPES } from "../../app/env.server";
import { ADMIN_API_VERSION } from "../../app/shopify/version.mjs";
import { ApiVersion } from "@shopify/shopify-app-remix/server";
import { WEBHOOK_ROUTES } from "../../app/webhooks/subscriptions.server";

interface Subscription { topics?: string[]; compliance_topics?: string[]; uri: string }
const toml = parse(readFileSync("shopify.app.toml", "utf8")) as unknown as {
  access_scopes: { scopes: string };
  webhooks: { api_version: string; subscriptions: Subscription[] };
};

describe("shopify.app.toml", () => {
  it("requests exactly the scopes the app uses", () => {
    expect(toml.access_scopes.scopes.split(",")).toEqual([...DEFAULT_SCOPES]);
  });

  it("pins webhooks to the one API version constant, which is 2026-07", () => {
    expect(ADMIN_API_VERSION).toBe("2026-07");
    expect(toml.webhooks.api_version).toBe(ADMIN_API_VERSION);
    // shopify.server.ts takes the library's enum member with this value; it must exist.
    expect(Object.values(ApiVersion)).toContain(ADMIN_API_VERSION);
  });

  it("subscribes to every topic Holdfast handles", () => {
    const topics = toml.webhooks.subscriptions.flatMap((s) => [...(s.topics ?? []), ...(s.compliance_topics ?? [])]);
    expect(topics.sort()).toEqual(
      ["app/uninstalled", "app/scopes_update", "orders/create", "orders/updated", "fulfillment_orders/order_routing_complete", "fulfillment_orders/split", "fulfillment_orders/moved", "disputes/create", "disputes/update", "customers/data_request", "customers/redact", "shop/redact"].sort(),
    );
  });

  it("lets each webhook route accept exactly the topics subscribed to its URI (any other topic header is refused)", () => {
    const declared = Object.fromEntries(
      toml.webhooks.subscriptions.map((s) => [s.uri, [...(s.topics ?? []), ...(s.compliance_topics ?? [])].sort()]),
    );
    const served = Object.fromEntries(Object.entries(WEBHOOK_ROUTES).map(([uri, route]) => [uri, [...route.topics].sort()]));
    expect(served).toEqual(declared);
  });

  it.each(toml.webhooks.subscriptions.map((s) => [s.uri]))("has a route file for %s", (uri) => {
    const file = `app/routes/${uri.slice(1).replaceAll("/", ".")}.tsx`;
    expect(existsSync(file), file).toBe(true);
  });
});
