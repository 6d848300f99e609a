// Failed work of one shop, for staff: store actions Shopify refused (StoreAction outcome "failed"
// of the order's current revision: a later success of the same action replaces the record) and
// dead-lettered jobs; and their retries. A dead job is retried as it is (`retryDead`: fresh
// attempts). A failed store action is retried by the job that applies it: its revision's
// screen_order job (requeued if dead, woken if waiting for its backoff; a run reuses the decision
// and completes only the actions missing or failed), or, once that job is done (a later follow-up
// of a held order failed), a follow_holds job for the order, which applies the held order's
// actions again. Every retry is audited with the staff member as actor.
import { z } from "zod";
import type { Db } from "../db-client.server";
import { enqueue, retryDead, wake } from "../jobs/queue.server";
import { notifyWork } from "../jobs/worker.server";
import { followHoldsJob } from "../screening/fulfillment-orders.server";
import { screenJobKey } from "../screening/intake.server";
import { num, sqlBuilder, type SqlNum } from "./sql.server";
import { parseStored } from "./stored";

export const LIST_LIMIT = 100;
/** At most this many of each are retried by one "retry all" (the rest by the next). */
export const RETRY_ALL_LIMIT = 500;

/** A failed store action of the order's current revision (or of an order without a screening row). */
function currentRevisionSql(q: ReturnType<typeof sqlBuilder>): string {
  return `NOT EXISTS (SELECT 1 FROM ${q.table("OrderScreening")} s WHERE s."shop" = a."shop" AND s."orderId" = a."orderId" AND s."revision" > a."revision")`;
}

export async function failedActionsCount(db: Db, shop: string): Promise<number> {
  const q = sqlBuilder(db);
  const [row] = await q.run<{ n: SqlNum }>(
    `SELECT COUNT(*) AS n FROM ${q.table("StoreAction")} a WHERE a."shop" = ${q.p(shop)} AND a."outcome" = 'failed' AND ${currentRevisionSql(q)}`,
  );
  return num(row?.n ?? 0);
}

async function failedActionIds(db: Db, shop: string, take: number): Promise<string[]> {
  const q = sqlBuilder(db);
  const rows = await q.run<{ id: string }>(
    `SELECT a."id" AS id FROM ${q.table("StoreAction")} a WHERE a."shop" = ${q.p(shop)} AND a."outcome" = 'failed' AND ${currentRevisionSql(q)} ` +
      `ORDER BY a."createdAt" DESC, a."id" LIMIT ${Math.max(1, Math.floor(take))}`,
  );
  return rows.map((r) => r.id);
}

export interface FailedAction {
  id: string;
  orderId: string;
  orderName: string | null;
  revision: number;
  action: string;
  target: string;
  detail: string | null;
  at: string;
}

export interface DeadJob {
  id: string;
  kind: string;
  orderId: string | null;
  orderName: string | null;
  attempts: number;
  lastError: string | null;
  at: string;
}

const WithOrder = z.object({ orderId: z.string().regex(/^\d{1,20}$/) }).passthrough();
const ORDER_KEY = /^(?:order:|fee:|void:)(\d{1,20})(?::|$)/;

/** The order a job is about, from its payload or its dedupe key (a redacted payload has none). */
function orderOfJob(job: { payload: string; dedupeKey: string }): string | null {
  // Not JSON, or no order in it (a redacted payload): the key may still name the order.
  return parseStored(WithOrder, job.payload)?.orderId ?? ORDER_KEY.exec(job.dedupeKey)?.[1] ?? null;
}

async function orderNames(db: Db, shop: string, orderIds: string[]): Promise<Map<string, string | null>> {
  if (orderIds.length === 0) return new Map();
  const rows = await db.orderScreening.findMany({ where: { shop, orderId: { in: [...new Set(orderIds)] } }, select: { orderId: true, orderName: true } });
  return new Map(rows.map((r) => [r.orderId, r.orderName]));
}

export async function failedWork(db: Db, shop: string): Promise<{ actions: FailedAction[]; jobs: DeadJob[]; actionCount: number; jobCount: number }> {
  const [ids, jobRows, actionCount, jobCount] = await Promise.all([
    failedActionIds(db, shop, LIST_LIMIT),
    db.job.findMany({
      where: { shop, state: "dead" }, orderBy: [{ updatedAt: "desc" }, { id: "asc" }], take: LIST_LIMIT,
      select: { id: true, kind: true, dedupeKey: true, payload: true, attempts: true, lastError: true, updatedAt: true, finishedAt: true },
    }),
    failedActionsCount(db, shop),
    db.job.count({ where: { shop, state: "dead" } }),
  ]);
  const actionRows = ids.length ? await db.storeAction.findMany({ where: { shop, id: { in: ids } }, orderBy: [{ createdAt: "desc" }, { id: "asc" }] }) : [];
  const jobOrders = jobRows.map((j) => ({ job: j, orderId: orderOfJob(j) }));
  const names = await orderNames(db, shop, [...actionRows.map((a) => a.orderId), ...jobOrders.flatMap((j) => (j.orderId ? [j.orderId] : []))]);
  return {
    actionCount, jobCount,
    actions: actionRows.map((a) => ({
      id: a.id, orderId: a.orderId, orderName: names.get(a.orderId) ?? null, revision: a.revision, action: a.action, target: a.target,
      detail: a.detail, at: a.createdAt.toISOString(),
    })),
    jobs: jobOrders.map(({ job, orderId }) => ({
      id: job.id, kind: job.kind, orderId, orderName: orderId ? (names.get(orderId) ?? null) : null, attempts: job.attempts,
      lastError: job.lastError, at: (job.finishedAt ?? job.updatedAt).toISOString(),
    })),
  };
}

/** What a retry did: requeued (a dead job), woken (a job waiting for its backoff), running (at work now), follow (a follow-up enqueued), nothing. */
export type RetryOutcome = "requeued" | "woken" | "running" | "follow" | "nothing";

async function audit(db: Db, shop: string, actor: string, orderId: string | null, message: string, data: unknown) {
  await db.auditEvent.create({ data: { shop, orderId, kind: "staff_retry", actor, message: message.slice(0, 1000), data: JSON.stringify(data) } });
}

/** Retry one dead job of the shop. null: no dead job of this shop has this id. */
export async function retryJob(db: Db, shop: string, id: string, actor: string): Promise<RetryOutcome | null> {
  const job = await db.job.findFirst({ where: { id, shop, state: "dead" }, select: { id: true, kind: true, dedupeKey: true, payload: true } });
  if (!job) return null;
  if (!(await retryDead(db, shop, id))) return null; // retried meanwhile
  notifyWork([{ id, shop }]);
  await audit(db, shop, actor, orderOfJob(job), `Staff retried the dead job ${job.kind} (${job.dedupeKey})`, { jobId: id, kind: job.kind, outcome: "requeued" });
  return "requeued";
}

/** Run again the work that applies a failed store action (see the head of this file). */
async function rerunActionsOf(db: Db, shop: string, orderId: string, revision: number): Promise<{ outcome: RetryOutcome; jobId?: string }> {
  const job = await db.job.findUnique({ where: { shop_dedupeKey: { shop, dedupeKey: screenJobKey(orderId, revision) } }, select: { id: true, state: true } });
  if (job?.state === "dead") {
    if (await retryDead(db, shop, job.id)) {
      notifyWork([{ id: job.id, shop }]);
      return { outcome: "requeued", jobId: job.id };
    }
  }
  if (job?.state === "queued") {
    if (await wake(db, shop, job.id)) notifyWork([{ id: job.id, shop }]);
    return { outcome: "woken", jobId: job.id };
  }
  if (job?.state === "running") return { outcome: "running", jobId: job.id };
  const screening = await db.orderScreening.findUnique({ where: { shop_orderId: { shop, orderId } }, select: { verdict: true, revision: true } });
  if (screening?.verdict === "hold" && screening.revision === revision) {
    const row = await enqueue(db, followHoldsJob(shop, { orderId, reason: "reconcile" }, `order:${orderId}:follow_holds:staff:${Date.now()}`));
    notifyWork([{ id: row.id, shop }]);
    return { outcome: "follow", jobId: row.id };
  }
  return { outcome: "nothing" };
}

/** Retry one failed store action of the shop. null: no failed store action of this shop has this id. */
export async function retryStoreAction(db: Db, shop: string, id: string, actor: string): Promise<RetryOutcome | null> {
  const action = await db.storeAction.findFirst({ where: { id, shop, outcome: "failed" } });
  if (!action) return null;
  const { outcome, jobId } = await rerunActionsOf(db, shop, action.orderId, action.revision);
  await audit(db, shop, actor, action.orderId, `Staff retried the failed store action ${action.action}${action.target ? ` ${action.target}` : ""} (revision ${action.revision}): ${outcome}`, {
    storeActionId: id, action: action.action, target: action.target, revision: action.revision, outcome, jobId,
  });
  return outcome;
}

/** Retry every dead job and every failed store action of the shop (up to RETRY_ALL_LIMIT of each). */
export async function retryAll(db: Db, shop: string, actor: string): Promise<{ jobs: number; actions: number }> {
  const dead = await db.job.findMany({ where: { shop, state: "dead" }, select: { id: true }, orderBy: { updatedAt: "asc" }, take: RETRY_ALL_LIMIT });
  let jobs = 0;
  const requeued = new Set<string>();
  for (const j of dead) {
    if (await retryDead(db, shop, j.id)) {
      jobs++;
      requeued.add(j.id);
    }
  }
  if (requeued.size) notifyWork([...requeued].map((id) => ({ id, shop })));
  // The failed actions' jobs (one per order revision): those whose screening job was just requeued need nothing more.
  const ids = await failedActionIds(db, shop, RETRY_ALL_LIMIT);
  const rows = ids.length ? await db.storeAction.findMany({ where: { shop, id: { in: ids } }, select: { orderId: true, revision: true } }) : [];
  const revisions = new Map(rows.map((r) => [`${r.orderId}|${r.revision}`, r]));
  let actions = 0;
  for (const r of revisions.values()) {
    const result = await rerunActionsOf(db, shop, r.orderId, r.revision);
    if (result.outcome !== "nothing") actions++;
  }
  await audit(db, shop, actor, null, `Staff retried all failed work: ${jobs} dead job(s) requeued, ${actions} order(s) with failed store actions run again`, { jobs, actions });
  return { jobs, actions };
}
