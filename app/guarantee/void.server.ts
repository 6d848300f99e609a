// The void_guarantee job: an order with an active guarantee was cancelled (orders/updated named a
// cancellation). The body is not trusted: the order is read from the shop's Admin API, and the
// guarantee is voided only if it reads cancelled. Then, in one transaction, the guarantee becomes
// void (guarantee.void_cancelled, when), the screening's copy follows and an audit event says why;
// the fee is then not charged, or credited if it was (feeOnVoid, idempotent). Running it twice, or
// after a crash between the two steps, ends in the same state.
import { z } from "zod";
import type { Db } from "../db-client.server";
import type { NewJob } from "../jobs/queue.server";
import type { AdminGateway } from "../shopify/gateway.server";
import { OrderCancellation } from "../shopify/operations";
import type { OrderCancellationQuery } from "../types/admin.generated";
import { feeOnVoid } from "./ledger.server";
import { guaranteeFor } from "./policy";

export const VOID_GUARANTEE = "void_guarantee";

export const VoidGuaranteePayload = z.object({
  orderId: z.string().regex(/^\d{1,20}$/, "must be a numeric order id"),
  reason: z.literal("cancelled"),
});
export type VoidGuaranteePayload = z.infer<typeof VoidGuaranteePayload>;

export function voidGuaranteeJob(shop: string, orderId: string): NewJob {
  return { shop, kind: VOID_GUARANTEE, dedupeKey: `void:${orderId}`, payload: { orderId, reason: "cancelled" } satisfies VoidGuaranteePayload };
}

export type VoidOutcome = "voided" | "already void" | "not guaranteed" | "order not found";

export async function voidCancelledGuarantee(
  db: Db,
  gateway: AdminGateway,
  shop: string,
  payload: VoidGuaranteePayload,
  now: Date,
  signal?: AbortSignal,
): Promise<{ orderId: string; outcome: VoidOutcome }> {
  const { orderId } = payload;
  const g = await db.guarantee.findUnique({ where: { shop_orderId: { shop, orderId } } });
  if (!g) return { orderId, outcome: "not guaranteed" };
  if (g.state === "void") {
    await feeOnVoid(db, shop, orderId, now); // a crash after the void left this undone
    return { orderId, outcome: "already void" };
  }
  if (g.state !== "active") return { orderId, outcome: "not guaranteed" };
  const read = await gateway.request<OrderCancellationQuery>(shop, OrderCancellation, { id: `gid://shopify/Order/${orderId}` }, signal);
  if (!read.order) return { orderId, outcome: "order not found" };
  // Shopify signed a body saying cancelled, and an order cannot be un-cancelled: a read that disagrees
  // is behind. Retried (an ordinary error: backoff, then dead-lettered naming it), never completed.
  if (!read.order.cancelledAt) throw new Error(`order ${orderId} does not read cancelled (yet) in ${shop}; the guarantee stays active until it does`);
  const cancelledAt = new Date(read.order.cancelledAt);
  const d = guaranteeFor({
    verdict: "ship", test: false, cancelledAt: read.order.cancelledAt, fulfillmentStatus: null, shopifyProtect: null, subscriptionStatus: null,
    reason: "reconcile", previous: "active", at: now,
  });
  const [updated] = await db.$transaction([
    // Only from active: a re-screen that voided it meanwhile keeps its own reason.
    db.guarantee.updateMany({ where: { shop, orderId, state: "active" }, data: { state: d.state, reason: d.reason, note: d.note, voidedAt: cancelledAt } }),
    db.orderScreening.updateMany({ where: { shop, orderId, guarantee: "active" }, data: { guarantee: d.state, guaranteeNote: d.note } }),
    db.auditEvent.create({ data: { shop, orderId, kind: "guarantee", message: `Guarantee void: ${d.note}`.slice(0, 1000) } }),
  ]);
  await feeOnVoid(db, shop, orderId, now);
  return { orderId, outcome: updated.count === 1 ? "voided" : "already void" };
}
