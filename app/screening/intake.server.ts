// Webhook handlers of the order pipeline: they validate and plan, never call Shopify.
//   orders/create  -> a screen_order job (revision 0), deduplicated per order.
//   orders/updated -> nothing, unless
//                     - the order reads cancelled in the body and its guarantee is active: a
//                       void_guarantee job (which re-reads the order: the body is not trusted);
//                     - a frozen fact of an approved order changed (shipping or billing address,
//                       email, phone, customer: compared with OrderScreening.factsHash; rows from
//                       before it compare the shipping address): a re-screen (next revision).
//                     Decided with one indexed read.
import { createHash } from "node:crypto";
import { z } from "zod";
import type { Db } from "../db-client.server";
import { changedFacts, factsFromWebhook, REDACTED_FACTS_HASH } from "../guarantee/facts";
import { voidGuaranteeJob } from "../guarantee/void.server";
import { addressKey, normaliseZip } from "../risk/address";
import type { NewJob } from "../jobs/queue.server";
import type { DeliveryPlan, WebhookContext } from "../webhooks/accept.server";
import { OrderPayload, describeIssues, gidTail } from "../webhooks/payloads";

export const SCREEN_ORDER = "screen_order";

/** The screen_order job's payload, parsed when the job is claimed. */
export const ScreenOrderPayload = z.object({
  orderId: z.string().regex(/^\d{1,20}$/, "must be a numeric order id"),
  revision: z.number().int().min(0),
  /** The webhook's order, minimised to what screening reads (absent when reconciliation found the order). */
  webhook: z.record(z.unknown()).optional(),
  /** "facts_changed": a frozen fact of an approved order changed; "address_changed" is its older name (jobs queued before it). */
  reason: z.enum(["orders/create", "reconcile", "facts_changed", "address_changed", "staff"]),
});
export type ScreenOrderPayload = z.infer<typeof ScreenOrderPayload>;

/** The payload without the order webhook (its personal data): a run then reads the order from the Admin API, as for reconciliation. */
export function withoutWebhook(p: ScreenOrderPayload): ScreenOrderPayload {
  return { orderId: p.orderId, revision: p.revision, reason: p.reason };
}

export function screenJobKey(orderId: string, revision: number): string {
  return `order:${orderId}:screen:${revision}`;
}

export function screenOrderJob(shop: string, payload: ScreenOrderPayload): NewJob {
  return { shop, kind: SCREEN_ORDER, dedupeKey: screenJobKey(payload.orderId, payload.revision), payload };
}

// The order fields the risk engine reads (app/risk/facts.ts); the rest of the payload is not kept.
const KEPT = [
  "name", "created_at", "email", "contact_email", "phone", "browser_ip", "client_details", "customer", "billing_address",
  "shipping_address", "total_price", "currency", "landing_site", "referring_site", "source_name", "note_attributes",
  "payment_details", "payment_gateway_names", "test", "customer_locale", "cancelled_at",
] as const;

export function minimiseOrder(order: OrderPayload): Record<string, unknown> {
  const kept: Record<string, unknown> = { id: gidTail(order.admin_graphql_api_id) };
  for (const key of KEPT) if (order[key] !== undefined) kept[key] = order[key];
  // Of the customer and the client, only what the engine reads (the rest is personal data it does not need).
  if (order.customer) {
    kept.customer = pick(order.customer, ["id", "created_at", "orders_count", "total_spent", "verified_email", "first_name", "last_name", "email", "phone"]);
  }
  if (order.client_details) kept.client_details = pick(order.client_details, ["browser_ip", "user_agent", "accept_language"]);
  kept.line_items = order.line_items.map((li) => ({
    quantity: li.quantity, price: li.price, title: li.title, sku: li.sku, product_id: li.product_id, variant_id: li.variant_id,
  }));
  return kept;
}

function pick(from: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (from[k] !== undefined) out[k] = from[k];
  return out;
}

/** Hash of the normalised shipping address (what orders/updated compares), or null without one. */
export function shippingHash(address: Record<string, unknown> | null | undefined): string | null {
  if (!address) return null;
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);
  const key = addressKey({
    address1: str(address.address1), address2: str(address.address2), city: str(address.city),
    countryCode: str(address.country_code) ?? str(address.countryCodeV2),
  });
  const zip = normaliseZip(str(address.zip));
  return key ? createHash("sha256").update(`${key}|${zip}`).digest("hex").slice(0, 32) : null;
}

export function planOrderCreate(ctx: WebhookContext): DeliveryPlan {
  const parsed = OrderPayload.safeParse(ctx.payload);
  if (!parsed.success) return { invalid: `orders/create payload: ${describeIssues(parsed.error)}` };
  const order = parsed.data;
  const orderId = gidTail(order.admin_graphql_api_id);
  return { jobs: [screenOrderJob(ctx.shop, { orderId, revision: 0, webhook: minimiseOrder(order), reason: "orders/create" })] };
}

export async function planOrderUpdated(ctx: WebhookContext, db: Db): Promise<DeliveryPlan> {
  const parsed = OrderPayload.safeParse(ctx.payload);
  if (!parsed.success) return { invalid: `orders/updated payload: ${describeIssues(parsed.error)}` };
  const order = parsed.data;
  const orderId = gidTail(order.admin_graphql_api_id);
  const screening = await db.orderScreening.findUnique({
    where: { shop_orderId: { shop: ctx.shop, orderId } },
    select: { verdict: true, revision: true, shippingHash: true, factsHash: true, guarantee: true },
  });
  if (!screening) return { status: "ignored" };
  // Cancelled: an active guarantee is voided (once the Admin API confirms it); nothing to re-screen.
  if (order.cancelled_at) return screening.guarantee === "active" ? { jobs: [voidGuaranteeJob(ctx.shop, orderId)] } : { status: "ignored" };
  // Only an approved order's guarantee depends on the facts approved. A redacted customer's order is not compared.
  if (screening.verdict !== "ship" || screening.factsHash === REDACTED_FACTS_HASH) return { status: "ignored" };
  const changed = changedFacts(screening.factsHash, factsFromWebhook(order));
  if (changed ? changed.length === 0 : shippingHash(order.shipping_address) === screening.shippingHash) return { status: "ignored" };
  const revision = screening.revision + 1;
  return { jobs: [screenOrderJob(ctx.shop, { orderId, revision, webhook: minimiseOrder(order), reason: "facts_changed" })] };
}
