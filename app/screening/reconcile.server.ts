// Reconciliation: a lost webhook costs minutes, not money. Every few minutes per shop, page the
// orders created (and disputes initiated) since the shop's watermark and feed the ones Holdfast has
// not seen into the same jobs the webhooks create (same dedupe keys, so nothing runs twice).
// Orders younger than SETTLE_MS are left to their webhook, which carries more signals.
// Held orders changed in the same window get a follow_holds job (their fulfillment orders may have
// appeared, split or moved with the fulfillment_orders/* webhook lost), which holds any new one.
import { z } from "zod";
import type { Db } from "../db-client.server";
import { enqueue, type NewJob } from "../jobs/queue.server";
import { SHOP_SUSPENDED, ShopUnavailableError, type AdminGateway } from "../shopify/gateway.server";
import { DisputesSince, OrdersSince, ShopIdentity } from "../shopify/operations";
import type { DisputesSinceQuery, OrdersSinceQuery } from "../types/admin.generated";
import { DEFAULT_BILLING, reconcileBilling, type BillingOptions, type BillingSync } from "../guarantee/billing.server";
import { disputeJob } from "../guarantee/disputes.server";
import { voidGuaranteeJob } from "../guarantee/void.server";
import { normaliseStatus, normaliseType } from "../guarantee/claims";
import { isAmount, money } from "../guarantee/money";
import { gidTail } from "../webhooks/payloads";
import { rememberShopId } from "../webhooks/shop-lifecycle.server";
import { sweepUndisputed, type SweepResult } from "../learning/outcomes.server";
import { refitIfStale } from "../learning/refit.server";
import { followHoldsJob } from "./fulfillment-orders.server";
import { screenOrderJob } from "./intake.server";
import { HOLD_TAG, SHIP_TAG, shopTags } from "./store-actions.server";

export const RECONCILE = "reconcile";
export const RECONCILE_EVERY_MS = 5 * 60_000;
/** How often a dispute that is not final is read again from the Admin API, webhooks or not. */
export const STALE_DISPUTE_MS = 6 * 3_600_000;
const STALE_DISPUTES_PER_PASS = 50;
const FINAL_DISPUTE_STATUSES = ["accepted", "won", "lost", "prevented", "charge_refunded"] as const;
export const SETTLE_MS = 2 * 60_000;
/**
 * How long a job of a frozen (402) or locked (423) shop waits before it tries again by itself;
 * reconciliation, which keeps asking every few minutes, wakes it as soon as the shop answers.
 */
export const SUSPENDED_WAIT_MS = 6 * 3_600_000;
/** The same decimal amount, however it is written ("12.50" and "12.5"); anything unreadable differs. */
function sameAmount(a: string, b: string): boolean {
  return isAmount(a) && isAmount(b) && money(a).equals(money(b));
}

/** First run for a shop looks back this far. */
const FIRST_LOOKBACK_MS = 24 * 3_600_000;

/** The reconcile job's payload: its five-minute slot. */
export const ReconcileJobPayload = z.object({ slot: z.number().int().min(0) });

export function reconcileJob(shop: string, now: number): NewJob {
  const slot = Math.floor(now / RECONCILE_EVERY_MS);
  return { shop, kind: RECONCILE, dedupeKey: `reconcile:${slot}`, payload: { slot }, maxAttempts: 3 };
}

export interface ReconcileResult {
  ordersSeen: number;
  ordersEnqueued: number;
  disputesSeen: number;
  disputesEnqueued: number;
  /** Disputes not final and not read for STALE_DISPUTE_MS, given a job to read them again. */
  disputesReread?: number;
  /** Held orders changed in the window, each given a follow_holds job. */
  heldFollowed: number;
  /** Guaranteed orders that read cancelled, each given a void_guarantee job (their orders/updated may have been lost). */
  cancelledGuarantees?: number;
  /** The shop answered 402/423: nothing was read; its jobs keep waiting. */
  suspended?: string;
  /** Jobs woken because the shop answers again after a suspension. */
  woken?: number;
  /** Orders fulfilled and not disputed UNDISPUTED_AFTER_DAYS after creation, recorded good; or why the sweep failed. */
  undisputed?: SweepResult | { failed: string };
  /** The shop's newest outcome is newer than its newest learnt version: a refit_shop_model job was enqueued. */
  refitAsked?: boolean;
  /** The usage subscription as re-read, a resumed pause, owed fees queued again; or why that failed. */
  billing?: BillingSync | { failed: string };
}

/**
 * Reconcile the shop, or find it still frozen or locked: then nothing more is asked of it this
 * time (one call per reconciliation slot, no hammering) and its waiting jobs stay put.
 */
export async function reconcileShop(
  db: Db, gateway: AdminGateway, shop: string, now: number, signal?: AbortSignal, billing: BillingOptions = DEFAULT_BILLING,
): Promise<ReconcileResult> {
  try {
    return await reconcile(db, gateway, shop, now, signal, billing);
  } catch (error) {
    if (!(error instanceof ShopUnavailableError)) throw error;
    return { ordersSeen: 0, ordersEnqueued: 0, disputesSeen: 0, disputesEnqueued: 0, heldFollowed: 0, suspended: error.message };
  }
}

async function reconcile(db: Db, gateway: AdminGateway, shop: string, now: number, signal: AbortSignal | undefined, billing: BillingOptions): Promise<ReconcileResult> {
  const row = await db.shop.findUnique({ where: { shop } });
  if (row?.uninstalledAt) return { ordersSeen: 0, ordersEnqueued: 0, disputesSeen: 0, disputesEnqueued: 0, heldFollowed: 0 };
  // Read at install; if that read failed (or the shop was installed before Holdfast read its timezone), read it now (webhook bodies are checked against the id).
  if (!row?.shopId || row.ianaTimezone === null) await rememberShopId(db, shop, await gateway.request<unknown>(shop, ShopIdentity, {}, signal));
  const until = new Date(now - SETTLE_MS);
  const ordersFrom = row?.ordersWatermark ?? new Date(now - FIRST_LOOKBACK_MS);
  const disputesFrom = row?.disputesWatermark ?? new Date(now - FIRST_LOOKBACK_MS);
  const result: ReconcileResult = { ordersSeen: 0, ordersEnqueued: 0, disputesSeen: 0, disputesEnqueued: 0, heldFollowed: 0 };

  // Orders.
  const orderQuery = `created_at:>='${ordersFrom.toISOString()}' created_at:<'${until.toISOString()}'`;
  for (let after: string | null | undefined = undefined; ; ) {
    const page: OrdersSinceQuery = await gateway.request<OrdersSinceQuery>(shop, OrdersSince, { query: orderQuery, after }, signal);
    const ids = page.orders.nodes.map((n) => gidTail(n.id));
    result.ordersSeen += ids.length;
    const known = new Set(
      (await db.orderScreening.findMany({ where: { shop, orderId: { in: ids } }, select: { orderId: true } })).map((r) => r.orderId),
    );
    const missing = ids.filter((id) => !known.has(id));
    for (const orderId of missing) {
      await enqueue(db, screenOrderJob(shop, { orderId, revision: 0, reason: "reconcile" }));
    }
    result.ordersEnqueued += missing.length;
    if (!page.orders.pageInfo.hasNextPage) break;
    after = page.orders.pageInfo.endCursor;
  }

  // Held orders updated in the window (the same window, on updated_at): follow their holds. One job
  // per order and update, so a pass after the next change looks again. Searched under the shop's
  // own tag name and the default one (orders tagged before a rename still carry it), one search each.
  const tags = shopTags(row);
  const namesOf = (name: string, fallback: string) => (name.toLowerCase() === fallback ? [fallback] : [name, fallback]);
  const tagTerm = (name: string) => `tag:'${name.replace(/['\\]/g, "\\$&")}'`;
  const followed = new Set<string>();
  for (const name of namesOf(tags.holdTag, HOLD_TAG)) {
    const heldQuery = `${tagTerm(name)} updated_at:>='${ordersFrom.toISOString()}' updated_at:<'${until.toISOString()}'`;
    for (let after: string | null | undefined = undefined; ; ) {
      const page: OrdersSinceQuery = await gateway.request<OrdersSinceQuery>(shop, OrdersSince, { query: heldQuery, after }, signal);
      const byId = new Map(page.orders.nodes.map((n) => [gidTail(n.id), String(n.updatedAt)]));
      const held = await db.orderScreening.findMany({ where: { shop, orderId: { in: [...byId.keys()] }, verdict: "hold" }, select: { orderId: true } });
      for (const { orderId } of held) {
        if (followed.has(orderId)) continue;
        followed.add(orderId);
        await enqueue(db, followHoldsJob(shop, { orderId, reason: "reconcile" }, `order:${orderId}:follow_holds:${byId.get(orderId)}`));
        result.heldFollowed++;
      }
      if (!page.orders.pageInfo.hasNextPage) break;
      after = page.orders.pageInfo.endCursor;
    }
  }

  // Approved orders cancelled in the window whose guarantee is still active (the orders/updated that
  // said so was lost): a void_guarantee job each, which reads the order again before voiding.
  const voided = new Set<string>();
  for (const name of namesOf(tags.shipTag, SHIP_TAG)) {
    const cancelledQuery = `${tagTerm(name)} status:cancelled updated_at:>='${ordersFrom.toISOString()}' updated_at:<'${until.toISOString()}'`;
    for (let after: string | null | undefined = undefined; ; ) {
      const page: OrdersSinceQuery = await gateway.request<OrdersSinceQuery>(shop, OrdersSince, { query: cancelledQuery, after }, signal);
      const cancelled = page.orders.nodes.filter((n) => n.cancelledAt).map((n) => gidTail(n.id)).filter((id) => !voided.has(id));
      const active = cancelled.length
        ? await db.orderScreening.findMany({ where: { shop, orderId: { in: cancelled }, guarantee: "active" }, select: { orderId: true } })
        : [];
      for (const { orderId } of active) {
        voided.add(orderId);
        await enqueue(db, voidGuaranteeJob(shop, orderId));
      }
      result.cancelledGuarantees = (result.cancelledGuarantees ?? 0) + active.length;
      if (!page.orders.pageInfo.hasNextPage) break;
      after = page.orders.pageInfo.endCursor;
    }
  }

  // Disputes.
  const disputeQuery = `initiated_at:>='${disputesFrom.toISOString()}'`;
  for (let after: string | null | undefined = undefined; ; ) {
    const page: DisputesSinceQuery = await gateway.request<DisputesSinceQuery>(shop, DisputesSince, { query: disputeQuery, after }, signal);
    for (const d of page.disputes.nodes) {
      result.disputesSeen++;
      const disputeId = gidTail(d.id);
      const [status, type] = [d.status.toLowerCase(), d.type.toLowerCase()];
      const amount = String(d.amount.amount);
      const seen = await db.dispute.findUnique({ where: { shop_disputeId: { shop, disputeId } }, select: { status: true, type: true, amount: true } });
      if (seen && seen.status === normaliseStatus(status) && seen.type === normaliseType(type) && sameAmount(seen.amount, amount)) continue;
      const slot = Math.floor(now / RECONCILE_EVERY_MS);
      await enqueue(db, disputeJob(shop, { disputeId, status, type, amount, source: "reconcile", slot }));
      result.disputesEnqueued++;
    }
    if (!page.disputes.pageInfo.hasNextPage) break;
    after = page.disputes.pageInfo.endCursor;
  }

  // Disputes Holdfast holds as not final, last written more than STALE_DISPUTE_MS ago: the scan
  // above sees disputes by initiation time only, so a lost disputes/update of an older dispute
  // (won, lost, an amount change) would never be read. Each is read again at most once per
  // STALE_DISPUTE_MS (its job is keyed by that slot), oldest first, a bounded number per pass.
  const stale = await db.dispute.findMany({
    where: { shop, status: { notIn: [...FINAL_DISPUTE_STATUSES] }, updatedAt: { lt: new Date(now - STALE_DISPUTE_MS) } },
    orderBy: { updatedAt: "asc" },
    take: STALE_DISPUTES_PER_PASS,
    select: { disputeId: true, status: true, type: true, amount: true },
  });
  const staleSlot = Math.floor(now / STALE_DISPUTE_MS);
  for (const d of stale) {
    const job = disputeJob(shop, { disputeId: d.disputeId, status: d.status, type: d.type, amount: d.amount, source: "reconcile", slot: staleSlot });
    if (await db.job.findUnique({ where: { shop_dedupeKey: { shop, dedupeKey: job.dedupeKey } }, select: { id: true } })) continue;
    await enqueue(db, job);
    result.disputesReread = (result.disputesReread ?? 0) + 1;
  }

  // Outcomes: orders that reached UNDISPUTED_AFTER_DAYS since the last pass, fulfilled and not
  // disputed, are labelled good (bounded). Its failure does not hold up the rest.
  try {
    result.undisputed = await sweepUndisputed(db, gateway, shop, now, signal, { since: row?.ordersWatermark ?? null });
    if (await refitIfStale(db, shop, now)) result.refitAsked = true;
  } catch (error) {
    if (error instanceof ShopUnavailableError || signal?.aborted) throw error;
    result.undisputed = { failed: String(error).slice(0, 300) };
  }

  // Billing: the subscription re-read (created if the install could not), a pause lifted once the
  // cap has room, owed fees queued again. Its failure does not hold up the orders and disputes.
  try {
    result.billing = await reconcileBilling(db, gateway, shop, now, billing, signal);
  } catch (error) {
    if (error instanceof ShopUnavailableError || signal?.aborted) throw error;
    result.billing = { failed: String(error).slice(0, 300) };
  }

  await db.shop.upsert({
    where: { shop },
    create: { shop, ordersWatermark: until, disputesWatermark: new Date(now - SETTLE_MS), reconciledAt: new Date(now) },
    update: { ordersWatermark: until, disputesWatermark: new Date(now - SETTLE_MS), reconciledAt: new Date(now) },
  });
  // The shop answered every call: if it was frozen or locked, it is back, and so is its waiting work.
  if (row?.suspendedAt) {
    const [woken] = await db.$transaction([
      db.job.updateMany({ where: { shop, state: "queued", lastError: { startsWith: `DeferJob: ${SHOP_SUSPENDED}` } }, data: { runAt: new Date(now) } }),
      db.shop.update({ where: { shop }, data: { suspendedAt: null, suspendedReason: null } }),
    ]);
    result.woken = woken.count;
  }
  return result;
}
