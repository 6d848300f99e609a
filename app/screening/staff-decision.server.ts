// Staff decisions on a screened order (issue 15): approve a held order, decline (keep held, or hold
// an approved one; optionally cancel), re-screen. The request (`requestStaffDecision`, called by the
// staff pages) only validates, enqueues a job and audits who asked and why; the staff_decision job
// then persists a new revision of the order's screening (decidedBy "staff") with its guarantee, and
// applies that revision's store actions through the same StoreActions machinery as screen_order
// (retried by the queue, dead-lettered at worst), and audits the result.
//
// Idempotent: the job's dedupe key is the screening job's key of the next revision
// (`screenJobKey(orderId, revision)`), so a double click, a second tab or a re-screen asked at the
// same time all end in one job per order revision; a run after a crash finds the revision it
// persisted and only completes the store actions that are missing (StoreActions reads the order
// first, so nothing is tagged, held, released or cancelled twice). Re-screening enqueues screen_order
// with reason "staff": the engine decides again.
//
// The guarantee: a person's approval of a held order ships it *without* the guarantee
// (guarantee.approved_by_staff); a decline of an approved order voids an active guarantee
// (guarantee.void_declined_by_staff) and its fee is not charged, or credited (feeOnVoid).
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { isUniqueViolation, type Db, type Tx } from "../db-client.server";
import { feeOnVoid } from "../guarantee/ledger.server";
import { isMessageKey, translate, type MessageKey } from "../i18n";
import { enqueue } from "../jobs/queue.server";
import { notifyWork, type JobContext } from "../jobs/worker.server";
import type { AdminGateway } from "../shopify/gateway.server";
import { OrderForScreening } from "../shopify/operations";
import type { OrderForScreeningQuery } from "../types/admin.generated";
import { SCREEN_ORDER, screenJobKey, screenOrderJob } from "./intake.server";
import { DEFAULT_AUTO_CANCEL_SCORE, HOLD_WAIT_MS, NoFulfillmentOrderError, WaitForShopify, nextWaitMs } from "./screen-order.server";
import { shopTags, StoreActions, StoreActionsPending, type ActionResult } from "./store-actions.server";

export const STAFF_DECISION = "staff_decision";

const OrderId = z.string().regex(/^\d{1,20}$/, "must be a numeric order id");

/** The staff_decision job's payload, parsed when the job is claimed. */
export const StaffDecisionPayload = z.object({
  orderId: OrderId,
  /** The revision this decision becomes (the screening's revision when asked, plus one). */
  revision: z.number().int().min(1),
  decision: z.enum(["approve", "decline"]),
  /** Decline only: also cancel the order (orderCancel). */
  cancel: z.boolean(),
  /** `staff:<user id>` (or "staff" without a session token). */
  actor: z.string().min(1).max(100),
  note: z.string().max(500).optional(),
});
export type StaffDecisionPayload = z.infer<typeof StaffDecisionPayload>;

/** What staff can ask for on an order (the receipt's and the review queue's `intent`). */
export const StaffIntent = z.enum(["approve", "decline", "rescreen"]);
export type StaffIntent = z.infer<typeof StaffIntent>;

export const StaffRequest = z.object({
  orderId: OrderId,
  intent: StaffIntent,
  cancel: z.boolean().default(false),
  actor: z.string().trim().min(1).max(100),
  note: z.string().trim().max(500).optional(),
});
export type StaffRequest = z.input<typeof StaffRequest>;

/**
 * What became of a request: `queued` (a job will do it), `already_queued` (the same request is
 * pending: a double click), `busy` (other work on this order is pending: asked again later), or
 * `refused` with a catalogue key (approving an order that is not held, cancelling on approve...).
 */
export type StaffRequestResult =
  | { status: "queued" | "already_queued"; orderId: string; intent: StaffIntent; revision: number; jobId: string }
  | { status: "busy" | "already_done"; orderId: string; intent: StaffIntent; revision: number }
  | { status: "refused"; orderId: string; intent: StaffIntent; reason: MessageKey };

/** The order is not a screened order of the shop (the page answers 404). */
export class NotScreenedError extends Error {
  override name = "NotScreenedError";
}

const AUDIT_KIND: Record<StaffIntent, string> = { approve: "staff_approve", decline: "staff_decline", rescreen: "staff_rescreen" };

/**
 * Ask for a staff decision on a screened order of `shop`. Throws NotScreenedError for an order that
 * is not one; a ZodError for invalid input. Audited (with the actor and the note) when queued.
 */
export async function requestStaffDecision(db: Db, shop: string, input: StaffRequest): Promise<StaffRequestResult> {
  const req = StaffRequest.parse(input);
  const { orderId, intent, actor } = req;
  const note = req.note || undefined;
  const screening = await db.orderScreening.findUnique({ where: { shop_orderId: { shop, orderId } }, select: { revision: true, verdict: true, decidedBy: true } });
  if (!screening) throw new NotScreenedError(`order ${orderId} is not a screened order of ${shop}`);
  // A second click after the first was applied: already done, not an error.
  if (intent === "approve" && screening.verdict === "ship" && screening.decidedBy === "staff") return { status: "already_done", orderId, intent, revision: screening.revision };
  if (intent === "approve" && screening.verdict !== "hold") return { status: "refused", orderId, intent, reason: "staff.refused.not_held" };
  // A decline a person already made (and its cancel, if asked again, already done) is not made twice.
  if (intent === "decline" && screening.verdict === "hold" && screening.decidedBy === "staff") {
    const cancelled = req.cancel
      ? await db.storeAction.count({ where: { shop, orderId, action: "cancel", outcome: { in: ["applied", "already"] } } })
      : 1;
    if (cancelled > 0) return { status: "already_done", orderId, intent, revision: screening.revision };
  }
  if (intent !== "decline" && req.cancel) return { status: "refused", orderId, intent, reason: "staff.refused.cancel_only_on_decline" };
  const revision = screening.revision + 1;
  const dedupeKey = screenJobKey(orderId, revision);

  // Work already pending on this order (its screening job, another decision): the same request is a
  // double click; another one waits until it is done, so two jobs never decide one order side by side.
  const pending = await db.job.findMany({
    where: { shop, state: { in: ["queued", "running"] }, kind: { in: [SCREEN_ORDER, STAFF_DECISION] }, dedupeKey: { startsWith: `order:${orderId}:` } },
    select: { id: true, dedupeKey: true, kind: true, payload: true },
  });
  const same = pending.find((j) => j.dedupeKey === dedupeKey && sameRequest(j, intent, req.cancel));
  if (same) return { status: "already_queued", orderId, intent, revision, jobId: same.id };
  if (pending.length > 0) return { status: "busy", orderId, intent, revision };

  const id = randomUUID();
  const job =
    intent === "rescreen"
      ? { ...screenOrderJob(shop, { orderId, revision, reason: "staff" }), id }
      : {
          id, shop, kind: STAFF_DECISION, dedupeKey,
          payload: { orderId, revision, decision: intent, cancel: req.cancel, actor, ...(note ? { note } : {}) } satisfies StaffDecisionPayload,
        };
  const what = intent === "approve" ? "approve (ships without the guarantee)" : intent === "decline" ? (req.cancel ? "decline and cancel the order" : "decline (keep held)") : "re-screen";
  const write = () => db.$transaction(async (tx: Tx) => {
    // A finished or dead-lettered job of this revision that never saved it (the order unreadable,
    // say) would otherwise answer every later request as pending: this request replaces it, and the
    // audit keeps what it was and why it failed.
    const stale = await tx.job.findUnique({ where: { shop_dedupeKey: { shop, dedupeKey } }, select: { id: true, kind: true, state: true, lastError: true } });
    const replaced = stale && (stale.state === "dead" || stale.state === "done") ? stale : null;
    if (replaced) await tx.job.deleteMany({ where: { id: replaced.id, shop, state: replaced.state } });
    const row = await enqueue(tx, job);
    if (row.id !== id) return row;
    const previously = replaced ? `; replaces an earlier ${replaced.kind} job of this revision (${replaced.state}${replaced.lastError ? `: ${replaced.lastError}` : ""})` : "";
    await tx.auditEvent.create({
      data: {
        shop, orderId, kind: AUDIT_KIND[intent], actor,
        message: `Staff asked to ${what} (revision ${revision})${note ? `: ${note}` : ""}${previously}`.slice(0, 1000),
        data: JSON.stringify({ intent, cancel: req.cancel, revision, note: note ?? null }),
      },
    });
    return row;
  });
  let created: { id: string; kind: string; payload: string };
  try {
    created = await write();
  } catch (error) {
    // A concurrent request created this revision's job first (PostgreSQL's upsert is not atomic): theirs stands.
    if (!isUniqueViolation(error)) throw error;
    created = await db.job.findUniqueOrThrow({ where: { shop_dedupeKey: { shop, dedupeKey } }, select: { id: true, kind: true, payload: true } });
  }
  if (created.id !== id) {
    // Another request made this revision's job between our read and our write.
    return sameRequest(created, intent, req.cancel) ? { status: "already_queued", orderId, intent, revision, jobId: created.id } : { status: "busy", orderId, intent, revision };
  }
  notifyWork([{ id, shop }]);
  return { status: "queued", orderId, intent, revision, jobId: id };
}

/** Is this stored job the same request (kind, decision and cancel)? Its payload is parsed, never cast. */
function sameRequest(job: { kind: string; payload: string }, intent: StaffIntent, cancel: boolean): boolean {
  if (intent === "rescreen") return job.kind === SCREEN_ORDER;
  if (job.kind !== STAFF_DECISION) return false;
  let raw: unknown;
  try {
    raw = JSON.parse(job.payload);
  } catch {
    return false;
  }
  const p = StaffDecisionPayload.safeParse(raw);
  return p.success && p.data.decision === intent && p.data.cancel === cancel;
}

export interface StaffDecisionDeps {
  db: Db;
  gateway: AdminGateway;
  now?: () => number;
}

const StoredRiskFacts = z.array(z.object({ description: z.string(), sentiment: z.string() }));

export type StaffDecisionOutcome = "applied" | "superseded" | "not screened" | "shop uninstalled";

export class StaffDecider {
  private readonly actions: StoreActions;
  private readonly now: () => number;

  constructor(private readonly deps: StaffDecisionDeps) {
    this.now = deps.now ?? Date.now;
    this.actions = new StoreActions(deps.db, deps.gateway, this.now);
  }

  /** The job handler. */
  async run(shop: string, payload: StaffDecisionPayload, ctx: Partial<JobContext> = {}): Promise<Record<string, unknown>> {
    const { db, gateway } = this.deps;
    const { signal } = ctx;
    const compact = { orderId: payload.orderId, revision: payload.revision, decision: payload.decision, cancel: payload.cancel };
    const shopRow = await db.shop.findUnique({ where: { shop } });
    if (shopRow?.uninstalledAt) return { ...compact, outcome: "shop uninstalled" satisfies StaffDecisionOutcome };
    const existing = await db.orderScreening.findUnique({ where: { shop_orderId: { shop, orderId: payload.orderId } } });
    if (!existing) return { ...compact, outcome: "not screened" satisfies StaffDecisionOutcome };
    const verdict = payload.decision === "approve" ? "ship" : "hold";
    const fresh = existing.revision < payload.revision;
    const ours = existing.revision === payload.revision && existing.decidedBy === "staff" && existing.verdict === verdict;
    if (!fresh && !ours) {
      // Something else decided this revision or a later one meanwhile: nothing of ours to apply.
      const message = `Staff ${payload.decision} of revision ${payload.revision} not applied: the order is at revision ${existing.revision} (${existing.verdict}, ${existing.decidedBy})`;
      await db.auditEvent.create({ data: { shop, orderId: payload.orderId, kind: "staff_decision_superseded", actor: payload.actor, message } });
      return { ...compact, outcome: "superseded" satisfies StaffDecisionOutcome };
    }
    const read = await gateway.request<OrderForScreeningQuery>(shop, OrderForScreening, { id: `gid://shopify/Order/${payload.orderId}` }, signal);
    const order = read.order;
    if (!order) throw new Error(`order ${payload.orderId} is not readable in ${shop}`);
    const screening = fresh ? await this.decide(shop, payload, existing) : existing;
    // A run after a crash heals a void's fee (idempotent).
    if (!fresh && screening.guarantee === "void") await feeOnVoid(db, shop, payload.orderId, new Date(this.now()));
    signal?.throwIfAborted();
    let results: ActionResult[];
    try {
      results = await this.actions.apply(
        shop,
        { ...screening, riskFacts: StoredRiskFacts.parse(JSON.parse(screening.riskFacts)) },
        order,
        {
          autoCancel: shopRow?.autoCancel ?? false, autoCancelScore: shopRow?.autoCancelScore ?? DEFAULT_AUTO_CANCEL_SCORE, ...shopTags(shopRow),
          cancelRequested: payload.decision === "decline" && payload.cancel,
        },
        {
          signal, fresh,
          finish: () => [
            db.orderScreening.updateMany({ where: { shop, orderId: payload.orderId, revision: payload.revision, status: "screened" }, data: { status: "acted", actedAt: new Date(this.now()) } }),
            db.auditEvent.create({
              data: {
                shop, orderId: payload.orderId, kind: "staff_decision_applied", actor: payload.actor,
                message: `Staff ${payload.decision}${payload.cancel ? " and cancel" : ""} applied in the store (revision ${payload.revision})`.slice(0, 1000),
              },
            }),
            ...(ctx.completion ? [ctx.completion(compact)] : []),
          ],
        },
      );
    } catch (error) {
      if (!(error instanceof StoreActionsPending)) throw error;
      const waited = this.now() - screening.screenedAt.getTime();
      if (error.noFulfillmentOrder && waited >= HOLD_WAIT_MS) {
        const message = `hold: no fulfillment order to hold after ${Math.round(waited / 60_000)} min; the order is tagged ${shopTags(shopRow).holdTag} but not held`;
        await db.auditEvent.create({ data: { shop, orderId: payload.orderId, kind: "store_action_failed", message } });
        throw new NoFulfillmentOrderError(message);
      }
      throw new WaitForShopify(error.message, nextWaitMs(waited));
    }
    return { ...compact, outcome: "applied" satisfies StaffDecisionOutcome, actions: results.map((r) => `${r.action} ${r.target} ${r.outcome}`.replace(/\s+/g, " ").trim()) };
  }

  /** Persist the staff's revision: verdict, decidedBy "staff", the guarantee and why, audited; in one transaction. */
  private async decide(shop: string, payload: StaffDecisionPayload, existing: { guarantee: string; verdict: string; revision: number; totalPrice: string | null; currency: string | null }) {
    const { db } = this.deps;
    const at = new Date(this.now());
    const { orderId } = payload;
    const before = await db.guarantee.findUnique({ where: { shop_orderId: { shop, orderId } } });
    const previous = before?.state ?? existing.guarantee;
    const g = staffGuarantee(payload.decision, previous, before?.reason);
    // A void kept as it was keeps its note (its reason's placeholders were filled when it was voided).
    const note = g.reason === before?.reason && before.note ? before.note : translate("en", g.reason);
    const verdict = payload.decision === "approve" ? "ship" : "hold";
    const guaranteeRow = { revision: payload.revision, state: g.state, reason: g.reason, note, voidedAt: g.state === "void" ? (before?.voidedAt ?? at) : null };
    const [saved] = await db.$transaction([
      // Only over the revision read: another revision saved meanwhile fails this transaction (the
      // job's retry then finds it superseded) rather than being overwritten.
      db.orderScreening.update({
        where: { shop_orderId: { shop, orderId }, revision: existing.revision },
        data: {
          revision: payload.revision, verdict, decidedBy: "staff", status: "screened", actedAt: null, screenedAt: at,
          riskLevel: verdict === "hold" ? "HIGH" : undefined, guarantee: g.state, guaranteeNote: note,
        },
      }),
      before
        ? db.guarantee.update({ where: { shop_orderId: { shop, orderId } }, data: guaranteeRow })
        : db.guarantee.create({ data: { shop, orderId, ...guaranteeRow, amount: existing.totalPrice ?? "0", currency: existing.currency ?? "XXX", feeRate: "0", fee: "0" } }),
      db.auditEvent.create({
        data: {
          shop, orderId, kind: "staff_decision", actor: payload.actor,
          message: `${verdict === "ship" ? "Approved" : "Held"} by ${payload.actor} (revision ${payload.revision}, was ${existing.verdict})${payload.note ? `: ${payload.note}` : ""}`.slice(0, 1000),
        },
      }),
      db.auditEvent.create({ data: { shop, orderId, kind: "guarantee", actor: payload.actor, message: `Guarantee ${g.state}: ${note}`.slice(0, 1000) } }),
    ]);
    if (g.state === "void" && previous === "active") await feeOnVoid(db, shop, orderId, at);
    return saved;
  }
}

/** The guarantee after a staff decision: approval never gives it; a decline voids an active one. */
export function staffGuarantee(decision: "approve" | "decline", previous: string | undefined, previousReason?: string | null): { state: "none" | "void"; reason: MessageKey } {
  if (decision === "approve") return previous === "void" ? { state: "void", reason: voidReason(previousReason) } : { state: "none", reason: "guarantee.approved_by_staff" };
  if (previous === "active") return { state: "void", reason: "guarantee.void_declined_by_staff" };
  // A void guarantee stays void, with its own reason.
  if (previous === "void") return { state: "void", reason: voidReason(previousReason) };
  return { state: "none", reason: "guarantee.held" };
}

/** A stored void reason, if it is a catalogue key; otherwise the staff decline's. */
function voidReason(reason: string | null | undefined): MessageKey {
  return reason && isMessageKey(reason) && reason.startsWith("guarantee.void") ? reason : "guarantee.void_declined_by_staff";
}
