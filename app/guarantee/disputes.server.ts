// Disputes: disputes/create|update webhooks and reconciliation record each dispute (one row per
// shop and dispute, status kept current). Guarantee claims are built on these rows by the
// guarantee module; this file only makes sure no dispute is missed or misread.
import { z } from "zod";
import type { Db } from "../db-client.server";
import type { NewJob } from "../jobs/queue.server";
import type { AdminGateway } from "../shopify/gateway.server";
import { Dispute } from "../shopify/operations";
import type { DisputeQuery } from "../types/admin.generated";
import type { DeliveryPlan, WebhookContext } from "../webhooks/accept.server";
import { DisputePayload, describeIssues, gidTail } from "../webhooks/payloads";

export const RECORD_DISPUTE = "record_dispute";

const REASONS = new Set([
  "bank_cannot_process", "credit_not_processed", "customer_initiated", "debit_not_authorized", "duplicate", "fraudulent", "general",
  "incorrect_account_details", "insufficient_funds", "noncompliant", "product_not_received", "product_unacceptable",
  "subscription_cancelled", "unrecognized",
]);
const FINAL = new Set(["accepted", "won", "lost", "prevented", "charge_refunded"]);
const SPELLINGS: Record<string, string> = { bank_not_process: "bank_cannot_process", subscription_canceled: "subscription_cancelled" };

/** Lower-cased, both spellings mapped, anything else `unknown` (never a reason to reject a delivery). */
export function normaliseReason(raw: string | null | undefined): string {
  const r = (raw ?? "").toLowerCase();
  const mapped = SPELLINGS[r] ?? r;
  return REASONS.has(mapped) ? mapped : "unknown";
}

/** The record_dispute job's payload, parsed when the job is claimed. */
export const DisputeJobPayload = z.object({
  disputeId: z.string().regex(/^\d{1,20}$/, "must be a numeric dispute id"),
  status: z.string().min(1).max(40),
  /** inquiry | chargeback, when known: an inquiry that turns into a chargeback keeps its id and may keep its status. */
  type: z.string().min(1).max(40).optional(),
  source: z.enum(["webhook", "reconcile"]),
  /** The webhook's dispute, when it came by webhook. */
  dispute: z
    .object({
      orderId: z.string().regex(/^\d{1,20}$/).nullable(),
      type: z.string().max(40),
      reason: z.string().max(60),
      amount: z.string().max(40),
      currency: z.string().regex(/^[A-Z]{3}$/),
      initiatedAt: z.string().max(40).nullable(),
    })
    .optional(),
});
export type DisputeJobPayload = z.infer<typeof DisputeJobPayload>;

/**
 * One job per (dispute, type, status): a redelivery or a reconciliation of the same state is a
 * duplicate, but an inquiry turned into a chargeback (same id, often the same `needs_response`
 * status) is new, and must not be taken for a duplicate.
 */
export function disputeJob(shop: string, payload: DisputeJobPayload): NewJob {
  const type = payload.type ?? payload.dispute?.type ?? "unknown";
  return { shop, kind: RECORD_DISPUTE, dedupeKey: `dispute:${payload.disputeId}:${type}:${payload.status}`, payload };
}

export function planDispute(ctx: WebhookContext): DeliveryPlan {
  const parsed = DisputePayload.safeParse(ctx.payload);
  if (!parsed.success) return { invalid: `${ctx.topic} payload: ${describeIssues(parsed.error)}` };
  const d = parsed.data;
  const disputeId = String(d.id);
  return {
    jobs: [
      disputeJob(ctx.shop, {
        disputeId, status: d.status.toLowerCase(), type: d.type.toLowerCase(), source: "webhook",
        dispute: {
          orderId: d.order_id == null ? null : String(d.order_id), type: d.type.toLowerCase(), reason: normaliseReason(d.reason),
          amount: String(d.amount), currency: d.currency.toUpperCase(), initiatedAt: d.initiated_at ?? null,
        },
      }),
    ],
  };
}

export async function recordDispute(db: Db, gateway: AdminGateway, shop: string, p: DisputeJobPayload, signal?: AbortSignal): Promise<void> {
  let d = p.dispute;
  if (!d) {
    const read = await gateway.request<DisputeQuery>(shop, Dispute, { id: `gid://shopify/ShopifyPaymentsDispute/${p.disputeId}` }, signal);
    const x = read.dispute;
    if (!x) throw new Error(`dispute ${p.disputeId} is not readable in ${shop}`);
    d = {
      orderId: x.order ? gidTail(x.order.id) : null, type: x.type.toLowerCase(), reason: normaliseReason(x.reasonDetails.reason),
      amount: String(x.amount.amount), currency: x.amount.currencyCode, initiatedAt: x.initiatedAt,
    };
  }
  // Deliveries can arrive out of order: a final status is never replaced by an earlier one.
  const existing = await db.dispute.findUnique({ where: { shop_disputeId: { shop, disputeId: p.disputeId } }, select: { status: true } });
  const status = existing && FINAL.has(existing.status) && !FINAL.has(p.status) ? existing.status : p.status;
  const data = {
    orderId: d.orderId, type: d.type, reason: d.reason, status, amount: d.amount, currency: d.currency,
    initiatedAt: d.initiatedAt ? new Date(d.initiatedAt) : null,
  };
  await db.$transaction([
    db.dispute.upsert({ where: { shop_disputeId: { shop, disputeId: p.disputeId } }, create: { shop, disputeId: p.disputeId, ...data }, update: data }),
    db.auditEvent.create({
      data: { shop, orderId: d.orderId, kind: "dispute", message: `Dispute ${p.disputeId} (${d.type}, ${d.reason}) is ${p.status}: ${d.amount} ${d.currency}` },
    }),
  ]);
}
