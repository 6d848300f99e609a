// What became of each screened order (issue 14, part 5; docs/risk-engine.md, "Learning from each
// shop's outcomes"). Outcomes arrive later, from three sources: a fraud chargeback (a dispute with
// reason fraudulent/unrecognized, as the shop's Admin API answers it: app/guarantee/disputes.server.ts),
// staff ("confirmed fraud" / "confirmed good": `npm run outcomes`, later the staff pages) and the
// undisputed sweep (an order fulfilled and not disputed UNDISPUTED_AFTER_DAYS after it was created,
// found by reconciliation). One row per shop, order and source; the effective label of an order is
// staff's if any, else the chargeback's, else the sweep's. Every query is scoped by shop. Each new or
// changed outcome enqueues the shop's refit (deduplicated per REFIT_SLOT_MS).
import { z } from "zod";
import { isUniqueViolation, type Db } from "../db-client.server";
import type { AdminGateway } from "../shopify/gateway.server";
import { OrderSettled } from "../shopify/operations";
import type { OrderSettledQuery } from "../types/admin.generated";
import { enqueue } from "../jobs/queue.server";
import { refitJob } from "./refit-job";

export type OutcomeLabel = "fraud" | "good";
export type OutcomeSource = "chargeback" | "staff" | "undisputed";

/** Which source's label wins for an order: staff over a chargeback over the undisputed sweep. */
export const SOURCE_PRIORITY: Record<OutcomeSource, number> = { staff: 3, chargeback: 2, undisputed: 1 };

/**
 * An order fulfilled and not disputed this many days after it was created counts as good. 45, not
 * later: with `read_orders` (no `read_all_orders`) Shopify only answers for orders of the last 60 days,
 * so a later sweep could not read them. A chargeback that still comes afterwards records `fraud`,
 * which wins over this label (SOURCE_PRIORITY).
 */
export const UNDISPUTED_AFTER_DAYS = 45;
/** The sweep looks back at most this many days (after a long outage, older orders are left unlabelled). */
export const UNDISPUTED_WINDOW_DAYS = 7;
/** Orders the sweep reads through the Admin API per pass and shop, at most (the rest of the pass's slice is left unlabelled). */
export const UNDISPUTED_BATCH = 50;
const SWEEP_PAGE = 200;
const SWEEP_MAX_PAGES = 5;
const DAY_MS = 86_400_000;

/** A refusal the caller must show (the operator command exits 1; the staff pages show the message). */
export class OutcomeError extends Error {
  override name = "OutcomeError";
}

export const OutcomeInput = z.object({
  shop: z.string().trim().min(1).max(255),
  orderId: z.string().regex(/^\d{1,20}$/, "must be a numeric order id"),
  label: z.enum(["fraud", "good"]),
  source: z.enum(["chargeback", "staff", "undisputed"]),
  actor: z.string().trim().min(1).max(100).optional(),
  note: z.string().trim().max(500).optional(),
});
export type OutcomeInput = z.input<typeof OutcomeInput>;

export interface RecordedOutcome {
  /** recorded: new; changed: a staff label changed (audited); unchanged: the same label was there (idempotent). */
  result: "recorded" | "changed" | "unchanged";
  label: OutcomeLabel;
  /** The order's label after this, all sources considered. */
  effective: OutcomeLabel;
}

/**
 * Record what became of a screened order of the shop. Idempotent (the same label again changes
 * nothing); refused (OutcomeError) for invalid input or an order that is not a screened order of
 * that shop. A changed staff label is updated in place and audited. Automatic sources never
 * override staff: the effective label is staff's whenever staff gave one.
 */
export async function recordOutcome(db: Db, input: OutcomeInput, opts: { now?: Date } = {}): Promise<RecordedOutcome> {
  const parsed = OutcomeInput.safeParse(input);
  if (!parsed.success) throw new OutcomeError(`invalid outcome: ${parsed.error.issues.map((i) => `${i.path.join(".") || "input"} ${i.message}`).join("; ")}`);
  const { shop, orderId, label, source, note } = parsed.data;
  const actor = parsed.data.actor ?? (source === "staff" ? "operator" : "holdfast");
  const now = opts.now ?? new Date();
  const screened = await db.orderScreening.findUnique({ where: { shop_orderId: { shop, orderId } }, select: { orderId: true } });
  if (!screened) throw new OutcomeError(`order ${orderId} is not a screened order of ${shop}`);
  const key = { shop_orderId_source: { shop, orderId, source } };

  for (let attempt = 1; ; attempt++) {
    const existing = await db.riskOutcome.findUnique({ where: key });
    if (existing && existing.label === label) return { result: "unchanged", label, effective: await effectiveLabel(db, shop, orderId) };
    const message = existing
      ? `Outcome of order ${orderId} (${source}) changed from ${existing.label} to ${label} by ${actor}${note ? `: ${note}` : ""}`
      : `Outcome of order ${orderId}: ${label} (${source}, by ${actor})${note ? `: ${note}` : ""}`;
    try {
      await db.$transaction([
        existing
          ? db.riskOutcome.updateMany({ where: { id: existing.id, shop, label: existing.label }, data: { label, actor, note: note ?? null, at: now } })
          : db.riskOutcome.create({ data: { shop, orderId, label, source, actor, note: note ?? null, at: now } }),
        db.auditEvent.create({
          data: { shop, orderId, kind: existing ? "outcome_changed" : "outcome", actor, message: message.slice(0, 1000), data: JSON.stringify({ label, source, previous: existing?.label ?? null }) },
        }),
        enqueue(db, refitJob(shop, now.getTime())),
      ]);
      return { result: existing ? "changed" : "recorded", label, effective: await effectiveLabel(db, shop, orderId) };
    } catch (error) {
      // Another writer recorded the same (shop, order, source) first: read it again.
      if (!isUniqueViolation(error) || attempt >= 3) throw error;
    }
  }
}

/** The order's label, all sources considered (staff > chargeback > undisputed). */
export async function effectiveLabel(db: Db, shop: string, orderId: string): Promise<OutcomeLabel> {
  const rows = await db.riskOutcome.findMany({ where: { shop, orderId }, select: { label: true, source: true } });
  return pickLabel(rows)!;
}

function pickLabel(rows: { label: string; source: string }[]): OutcomeLabel | undefined {
  let best: { label: string; p: number } | undefined;
  for (const r of rows) {
    const p = SOURCE_PRIORITY[r.source as OutcomeSource] ?? 0;
    if (p > 0 && (r.label === "fraud" || r.label === "good") && (!best || p > best.p)) best = { label: r.label, p };
  }
  return best?.label as OutcomeLabel | undefined;
}

/**
 * The shop's labelled orders, newest first (by the latest outcome's time), at most `limit`, each with
 * its effective label.
 */
export async function labelledOrders(db: Db, shop: string, limit: number): Promise<{ orderId: string; label: OutcomeLabel; at: Date }[]> {
  // Up to three rows per order: read enough of the newest to fill `limit` orders.
  const rows = await db.riskOutcome.findMany({
    where: { shop }, orderBy: [{ at: "desc" }, { id: "asc" }], take: limit * 3, select: { orderId: true, label: true, source: true, at: true },
  });
  const byOrder = new Map<string, { rows: { label: string; source: string }[]; at: Date }>();
  for (const r of rows) {
    const o = byOrder.get(r.orderId);
    if (o) o.rows.push(r);
    else byOrder.set(r.orderId, { rows: [r], at: r.at });
  }
  const out: { orderId: string; label: OutcomeLabel; at: Date }[] = [];
  for (const [orderId, o] of byOrder) {
    const label = pickLabel(o.rows);
    if (label) out.push({ orderId, label, at: o.at });
    if (out.length >= limit) break;
  }
  return out;
}

/** A shop's outcomes, newest first (the operator's `npm run outcomes -- list <shop>`). */
export function listOutcomes(db: Db, shop: string, take = 200) {
  return db.riskOutcome.findMany({ where: { shop }, orderBy: [{ at: "desc" }, { id: "asc" }], take });
}

export interface SweepResult {
  /** Orders read through the Admin API. */
  checked: number;
  /** Recorded good. */
  recorded: number;
  /** Not fulfilled, cancelled or disputed: left unlabelled. */
  notSettled: number;
  /** Shopify did not return the order (e.g. older than the 60 days read_orders gives). */
  unreadable: number;
}

/**
 * The undisputed sweep (run by reconciliation): screened, non-test orders of the shop that reached
 * UNDISPUTED_AFTER_DAYS since the previous pass (`since`, the shop's reconciliation watermark; at
 * most UNDISPUTED_WINDOW_DAYS back), without any outcome or dispute in Holdfast, are read through the
 * Admin API (at most UNDISPUTED_BATCH per pass, oldest first); one that reads fully fulfilled, not
 * cancelled and without disputes is recorded good, the others stay unlabelled. Each order is looked
 * at by the pass in which it reaches the age, so a pass never re-reads what an earlier one read.
 * Idempotent (recordOutcome) and bounded.
 */
export async function sweepUndisputed(
  db: Db, gateway: AdminGateway, shop: string, now: number, signal?: AbortSignal, opts: { since?: Date | null; afterDays?: number } = {},
): Promise<SweepResult> {
  const result: SweepResult = { checked: 0, recorded: 0, notSettled: 0, unreadable: 0 };
  const age = (opts.afterDays ?? UNDISPUTED_AFTER_DAYS) * DAY_MS;
  const cutoff = new Date(now - age);
  const since = opts.since && opts.since.getTime() < now ? opts.since.getTime() : now - UNDISPUTED_WINDOW_DAYS * DAY_MS;
  const from = new Date(Math.max(since, now - UNDISPUTED_WINDOW_DAYS * DAY_MS) - age);
  const candidates: string[] = [];
  let cursor: { orderCreatedAt: Date; id: string } | undefined;
  for (let page = 0; page < SWEEP_MAX_PAGES && candidates.length < UNDISPUTED_BATCH; page++) {
    const rows = await db.orderScreening.findMany({
      where: {
        shop, test: false, orderCreatedAt: { gt: from, lte: cutoff },
        ...(cursor ? { OR: [{ orderCreatedAt: { gt: cursor.orderCreatedAt } }, { orderCreatedAt: cursor.orderCreatedAt, id: { gt: cursor.id } }] } : {}),
      },
      orderBy: [{ orderCreatedAt: "asc" }, { id: "asc" }], take: SWEEP_PAGE, select: { id: true, orderId: true, orderCreatedAt: true },
    });
    if (rows.length === 0) break;
    cursor = rows[rows.length - 1]!;
    const ids = rows.map((r) => r.orderId);
    const [labelled, disputed] = await Promise.all([
      db.riskOutcome.findMany({ where: { shop, orderId: { in: ids } }, select: { orderId: true } }),
      db.dispute.findMany({ where: { shop, orderId: { in: ids } }, select: { orderId: true } }),
    ]);
    const skip = new Set([...labelled, ...disputed].map((r) => r.orderId));
    for (const id of ids) if (!skip.has(id) && candidates.length < UNDISPUTED_BATCH) candidates.push(id);
    if (rows.length < SWEEP_PAGE) break;
  }
  for (const orderId of candidates) {
    signal?.throwIfAborted();
    const read = await gateway.request<OrderSettledQuery>(shop, OrderSettled, { id: `gid://shopify/Order/${orderId}` }, signal);
    result.checked++;
    const o = read.order;
    if (!o) {
      result.unreadable++;
      continue;
    }
    const settled = o.displayFulfillmentStatus === "FULFILLED" && !o.cancelledAt && !o.test && o.disputes.length === 0 && Date.parse(String(o.createdAt)) <= cutoff.getTime();
    if (!settled) {
      result.notSettled++;
      continue;
    }
    const r = await recordOutcome(db, { shop, orderId, label: "good", source: "undisputed", note: `fulfilled, not disputed ${opts.afterDays ?? UNDISPUTED_AFTER_DAYS} days after it was created` }, { now: new Date(now) });
    if (r.result === "recorded") result.recorded++;
  }
  return result;
}
