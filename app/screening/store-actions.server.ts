// Store actions for a screened order, one small function each, every one applied at most once per
// (order, revision, action, target) and recorded in StoreAction:
//   tag:             tagsAdd of the shop's ship or hold tag (holdfast:ship | holdfast:hold unless the
//                    shop chose its own names, Shop.shipTag / Shop.holdTag);
//   untag:           tagsRemove of the other verdict's tag (only if present), in its current name
//                    and its default name (a shop that renamed its tags still loses the old default);
//   risk_assessment: orderRiskAssessmentCreate with the level and facts (Shopify's Fraud analysis card);
//   hold:            fulfillmentOrderHold (HIGH_RISK_OF_FRAUD, handle holdfast-review) on each fulfillment
//                    order that supports HOLD; on a later ship, release of *our* hold ids only;
//   override:        a hold of ours that is gone was released by a merchant: not put back, recorded;
//                    the order ships without the guarantee (Guarantee.reason guarantee.released_by_staff,
//                    audited), as the hold's reasonNotes told staff before the click;
//   cancel:          (opt-in per shop) orderCancel of the highest-risk held orders, or of a held order
//                    staff declined with "also cancel" (ActionSettings.cancelRequested). Shopify cancels
//                    asynchronously: the call answers a job, recorded `pending` with its id; a later
//                    run reads job(id) and the order, and records `applied` once the order reads
//                    cancelled, `failed` when the job finished without cancelling it.
// Two things a run can have to wait for (StoreActionsPending, after recording what was done): a held
// order whose fulfillment orders Shopify has not created yet (they are routed after orders/create;
// tag and risk assessment are applied at once), and a cancel job that has not finished. The
// screening job then runs again later (screen-order.server.ts bounds the wait).
// Each function decides from the order as just read and returns an outcome (applied, already,
// skipped or failed); `apply` runs them and records the outcomes. Reading first means a run that
// crashed between a mutation and its record finds the effect in the store and records it as
// `already` instead of repeating it.
// Every mutation's userErrors are checked (a few known ones are benign: a duplicate hold handle is
// `already`, a risk assessment on a fulfilled order `skipped`). Any other userErrors make the action
// `failed`: the outcomes are recorded and audited, the screening is *not* marked acted, and
// StoreActionFailedError (retryable) names what failed, so the job is retried with backoff and
// dead-lettered after its last attempt. A failed record does not count as done: the next attempt
// retries exactly the failed actions and repeats none that succeeded.
import type { Prisma, PrismaPromise } from "@prisma/client";
import type { Db } from "../db-client.server";
import { isUniqueViolation } from "../db-client.server";
import { translate } from "../i18n";
import { MAX_FACT_CHARS } from "../risk/engine";
import type { AdminGateway } from "../shopify/gateway.server";
import { AddTags, CancelJob, FulfillmentOrderHold, FulfillmentOrderReleaseHold, OrderCancel, RemoveTags, RiskAssessmentCreate } from "../shopify/operations";
import type {
  AddTagsMutation, CancelJobQuery, FulfillmentOrderHoldMutation, FulfillmentOrderReleaseHoldMutation, OrderCancelMutation,
  OrderForScreeningQuery, RemoveTagsMutation, RiskAssessmentCreateMutation,
} from "../types/admin.generated";

export const SHIP_TAG = "holdfast:ship";
export const HOLD_TAG = "holdfast:hold";
export const HOLD_HANDLE = "holdfast-review";
/**
 * The longest reasonNotes Holdfast sends with a hold. Shopify documents no limit for
 * FulfillmentOrderHoldInput.reasonNotes; 255 characters is the common limit of its short text
 * fields, and the catalogue's notes (hold.reason_notes) are well under it in English and Japanese.
 */
export const MAX_REASON_NOTES = 255;

/** The hold's note in Shopify's admin: held by Holdfast, and releasing it ships the order without the guarantee. */
export function holdReasonNotes(score: number): string {
  return Array.from(translate("en", "hold.reason_notes", { score })).slice(0, MAX_REASON_NOTES).join("");
}

export type AdminOrder = NonNullable<OrderForScreeningQuery["order"]>;
type FulfillmentOrder = AdminOrder["fulfillmentOrders"]["nodes"][number];

export type ActionName = "tag" | "untag" | "risk_assessment" | "hold" | "release" | "override" | "cancel";
/** `pending`: asked for, not done yet (a cancel job that has not finished); a later run settles it. */
export type ActionOutcome = "applied" | "already" | "skipped" | "failed" | "pending";

/** How long a cancel job may stay unfinished before the cancel counts as failed. */
export const CANCEL_JOB_WAIT_MS = 3_600_000;

/** What one store action did. `target` is a tag or a fulfillment order id, or "" for the order itself. */
export interface ActionResult {
  action: ActionName;
  target: string;
  outcome: ActionOutcome;
  detail?: string;
}

export interface ScreenedOrder {
  orderId: string;
  revision: number;
  verdict: string;
  score: number;
  riskLevel: string;
  riskFacts: { description: string; sentiment: string }[];
}

export interface ActionSettings {
  autoCancel: boolean;
  autoCancelScore: number;
  /** The shop's tag names (Shop.shipTag / Shop.holdTag); absent = SHIP_TAG / HOLD_TAG. */
  shipTag?: string;
  holdTag?: string;
  /** Staff asked to cancel this held order (a staff decline with "also cancel"), whatever the score. */
  cancelRequested?: boolean;
}

/** The tags a shop's orders get: its own names, or the defaults when it chose none. */
export function shopTags(row: { shipTag?: string | null; holdTag?: string | null } | null | undefined): { shipTag: string; holdTag: string } {
  return { shipTag: row?.shipTag?.trim() || SHIP_TAG, holdTag: row?.holdTag?.trim() || HOLD_TAG };
}

/**
 * Shopify refused one or more store actions (userErrors). An ordinary, retryable error: the job
 * runs again with backoff, and its message (the job's lastError) names each action, its target
 * and Shopify's errors.
 */
export class StoreActionFailedError extends Error {
  override name = "StoreActionFailedError";
  constructor(readonly failed: ActionResult[]) {
    super(`store action failed: ${failed.map(describeResult).join("; ")}`);
  }
}

/**
 * Some actions wait for Shopify: the held order's fulfillment orders do not exist yet, or a cancel
 * job has not finished. What was done is recorded; the job should run again later.
 */
export class StoreActionsPending extends Error {
  override name = "StoreActionsPending";
  constructor(
    /** The held order has no fulfillment order yet: nothing to hold. */
    readonly noFulfillmentOrder: boolean,
    readonly pending: ActionResult[],
  ) {
    super(`waiting for Shopify: ${[...(noFulfillmentOrder ? ["hold: no fulfillment order yet"] : []), ...pending.map(describeResult)].join("; ")}`);
  }
}

/** "hold gid://shopify/FulfillmentOrder/12: CODE: message" */
function describeResult(r: ActionResult): string {
  return `${r.action}${r.target ? ` ${r.target}` : ""}: ${r.detail ?? r.outcome}`;
}

/** What every action reads: the screened revision, the order just read, and what earlier runs of this revision did. */
interface ActionContext {
  s: ScreenedOrder;
  order: AdminOrder;
  ship: boolean;
  /** Done by an earlier run of this revision (applied, already or skipped; a failed or pending one is not). */
  done(action: ActionName, target: string): boolean;
  /** Recorded as pending by an earlier run: its detail (e.g. a cancel job's id) and when. */
  pending(action: ActionName, target: string): { detail: string; since: number } | undefined;
  now: number;
  call<T>(document: string, variables: Record<string, unknown>): Promise<T>;
}

interface UserError {
  message: string;
  code?: string | null;
}

const orderGid = (ctx: ActionContext) => `gid://shopify/Order/${ctx.s.orderId}`;
const hasTag = (order: AdminOrder, tag: string) => order.tags.some((t) => t.toLowerCase() === tag.toLowerCase());
const ourHolds = (fo: FulfillmentOrder) => fo.fulfillmentHolds.filter((h) => h.handle === HOLD_HANDLE && h.heldByRequestingApp);

/** The outcome of a mutation from its userErrors: applied, or failed with Shopify's errors as the detail. */
function mutated(action: ActionName, target: string, errors: UserError[] | null | undefined): ActionResult {
  if (!errors?.length) return { action, target, outcome: "applied" };
  return { action, target, outcome: "failed", detail: errors.map((e) => (e.code ? `${e.code}: ${e.message}` : e.message)).join("; ") };
}

/** Tag the order with its verdict's tag (the shop's name for it). */
async function tag(ctx: ActionContext, settings: ActionSettings): Promise<ActionResult | undefined> {
  const { shipTag, holdTag } = shopTags(settings);
  const want = ctx.ship ? shipTag : holdTag;
  if (ctx.done("tag", want)) return undefined;
  if (hasTag(ctx.order, want)) return { action: "tag", target: want, outcome: "already" };
  const r = await ctx.call<AddTagsMutation>(AddTags, { id: orderGid(ctx), tags: [want] });
  return mutated("tag", want, r.tagsAdd?.userErrors);
}

/**
 * Remove the other verdict's tag, if the order carries it, in every spelling it carries: staff may
 * have typed "Holdfast:Hold", and Shopify removes tags case-sensitively. A shop that renamed its
 * tags also loses the other verdict's *default* name (an order tagged before the rename), but
 * never the tag this verdict wants. Names used between two renames are not remembered (not removed).
 */
async function untag(ctx: ActionContext, settings: ActionSettings): Promise<ActionResult | undefined> {
  const { shipTag, holdTag } = shopTags(settings);
  const want = (ctx.ship ? shipTag : holdTag).toLowerCase();
  const other = ctx.ship ? holdTag : shipTag;
  const names = new Set([other, ctx.ship ? HOLD_TAG : SHIP_TAG].map((n) => n.toLowerCase()).filter((n) => n !== want));
  const spellings = ctx.order.tags.filter((t) => names.has(t.toLowerCase()));
  if (spellings.length === 0 || ctx.done("untag", other)) return undefined;
  const r = await ctx.call<RemoveTagsMutation>(RemoveTags, { id: orderGid(ctx), tags: spellings });
  return mutated("untag", other, r.tagsRemove?.userErrors);
}

/** Post the risk assessment (the Fraud analysis card); a fulfilled order takes none, which is not a failure. */
async function riskAssessment(ctx: ActionContext): Promise<ActionResult | undefined> {
  if (ctx.done("risk_assessment", "")) return undefined;
  const facts = ctx.s.riskFacts.map((f) => ({ description: f.description, sentiment: f.sentiment }));
  if (hasAssessment(ctx.order, ctx.s.riskLevel, facts)) return { action: "risk_assessment", target: "", outcome: "already" };
  const r = await ctx.call<RiskAssessmentCreateMutation>(RiskAssessmentCreate, { input: { orderId: orderGid(ctx), riskLevel: ctx.s.riskLevel, facts } });
  const errors: UserError[] = r.orderRiskAssessmentCreate?.userErrors ?? [];
  if (errors.some((e) => e.code === "ORDER_ALREADY_FULFILLED")) return { action: "risk_assessment", target: "", outcome: "skipped", detail: "order already fulfilled" };
  return mutated("risk_assessment", "", errors);
}

/** Hold a fulfillment order that supports it, unless our hold is on it. */
async function hold(ctx: ActionContext, fo: FulfillmentOrder): Promise<ActionResult | undefined> {
  if (ctx.done("hold", fo.id)) return undefined;
  if (ourHolds(fo).length > 0) return { action: "hold", target: fo.id, outcome: "already" };
  if (!fo.supportedActions.some((a) => a.action === "HOLD")) return undefined;
  const r = await ctx.call<FulfillmentOrderHoldMutation>(FulfillmentOrderHold, {
    id: fo.id,
    hold: { reason: "HIGH_RISK_OF_FRAUD", handle: HOLD_HANDLE, reasonNotes: holdReasonNotes(ctx.s.score), notifyMerchant: false },
  });
  const errors: UserError[] = r.fulfillmentOrderHold?.userErrors ?? [];
  if (errors.some((e) => e.code === "DUPLICATE_FULFILLMENT_HOLD_HANDLE")) return { action: "hold", target: fo.id, outcome: "already" };
  return mutated("hold", fo.id, errors);
}

/** We held it and it is no longer held: a merchant released it. Respected, recorded once (no call). */
function override(ctx: ActionContext, fo: FulfillmentOrder): ActionResult | undefined {
  if (!ctx.done("hold", fo.id) || ourHolds(fo).length > 0 || ctx.done("override", fo.id)) return undefined;
  // A cancelled order's holds go with its fulfillment orders: nobody released them, nothing ships.
  if (ctx.order.cancelledAt) return undefined;
  return { action: "override", target: fo.id, outcome: "skipped", detail: "hold released by staff; not held again" };
}

/** On a ship verdict, release our own holds on a fulfillment order (never the merchant's). */
async function release(ctx: ActionContext, fo: FulfillmentOrder): Promise<ActionResult | undefined> {
  const ours = ourHolds(fo);
  if (ours.length === 0 || ctx.done("release", fo.id)) return undefined;
  const r = await ctx.call<FulfillmentOrderReleaseHoldMutation>(FulfillmentOrderReleaseHold, { id: fo.id, holdIds: ours.map((h) => h.id) });
  return mutated("release", fo.id, r.fulfillmentOrderReleaseHold?.userErrors);
}

/**
 * Cancel a held order at or above the shop's auto-cancel score, when the shop turned it on (off by
 * default). Applied only once the order reads cancelled: orderCancel answers a job (recorded
 * pending); a later run asks for the job and the order, and a job that finished without cancelling
 * the order (Shopify gives no reason: a pending authorisation, a return, a fulfilment) is a failure.
 */
async function cancel(ctx: ActionContext, settings: ActionSettings): Promise<ActionResult | undefined> {
  if (ctx.ship || ctx.done("cancel", "")) return undefined;
  const asked = ctx.pending("cancel", "");
  // A cancel asked for earlier in this revision is settled whoever asked (staff, or the shop's auto-cancel).
  const byScore = settings.autoCancel && ctx.s.score >= settings.autoCancelScore;
  if (!asked && !byScore && !settings.cancelRequested) return undefined;
  if (ctx.order.cancelledAt) return { action: "cancel", target: "", outcome: asked ? "applied" : "already" };
  if (asked) {
    const r = await ctx.call<CancelJobQuery>(CancelJob, { id: asked.detail, orderId: orderGid(ctx) });
    if (r.order?.cancelledAt) return { action: "cancel", target: "", outcome: "applied" };
    if (r.job?.done === false && ctx.now - asked.since < CANCEL_JOB_WAIT_MS) return { action: "cancel", target: "", outcome: "pending", detail: asked.detail };
    const why = r.job?.done === false ? `not finished after ${CANCEL_JOB_WAIT_MS / 60_000} min` : r.job ? "finished without cancelling the order" : "is unknown to Shopify";
    return { action: "cancel", target: "", outcome: "failed", detail: `cancel job ${asked.detail} ${why}` };
  }
  const r = await ctx.call<OrderCancelMutation>(OrderCancel, { orderId: orderGid(ctx), staffNote: settings.cancelRequested && !byScore ? "Cancelled by Holdfast at staff request" : `Cancelled by Holdfast: risk score ${ctx.s.score}/1000` });
  const result = mutated("cancel", "", r.orderCancel?.orderCancelUserErrors);
  if (result.outcome === "failed") return result;
  const job = r.orderCancel?.job?.id;
  if (!job) return { action: "cancel", target: "", outcome: "failed", detail: "orderCancel answered no job" };
  return { action: "cancel", target: "", outcome: "pending", detail: job };
}

/** The actions for this order, in the order they are applied. */
function steps(ctx: ActionContext, settings: ActionSettings): (() => Promise<ActionResult | undefined>)[] {
  const fos = ctx.order.fulfillmentOrders.nodes;
  return [
    () => tag(ctx, settings),
    () => untag(ctx, settings),
    () => riskAssessment(ctx),
    ...fos.map((fo) => (ctx.ship ? () => release(ctx, fo) : async () => override(ctx, fo) ?? hold(ctx, fo))),
    () => cancel(ctx, settings),
  ];
}

type StoreActionRow = Prisma.StoreActionCreateManyInput & { detail: string | null };

export class StoreActions {
  constructor(private readonly db: Db, private readonly gateway: AdminGateway, private readonly now: () => number = Date.now) {}

  /**
   * Apply what is missing for this revision and record the outcomes together, in one transaction
   * with `finish` (marking the screening acted, completing the job). If an action failed, the
   * outcomes are recorded without `finish` and StoreActionFailedError is thrown; on any other
   * error, what was done so far is recorded before the error goes on. When an action waits for
   * Shopify (no fulfillment order to hold yet, a cancel job not finished), the outcomes are
   * recorded without `finish` and StoreActionsPending is thrown. `fresh`: the revision was
   * decided in this run, so nothing can have been recorded for it yet. Returns this run's outcomes.
   */
  async apply(
    shop: string,
    s: ScreenedOrder,
    order: AdminOrder,
    settings: ActionSettings,
    opts: { signal?: AbortSignal; fresh?: boolean; finish?: () => PrismaPromise<unknown>[] } = {},
  ): Promise<ActionResult[]> {
    const earlier = opts.fresh
      ? []
      : await this.db.storeAction.findMany({
          where: { shop, orderId: s.orderId, revision: s.revision },
          select: { action: true, target: true, outcome: true, detail: true, createdAt: true },
        });
    const unsettled = (outcome: string) => outcome === "failed" || outcome === "pending";
    const done = new Set(earlier.filter((a) => !unsettled(a.outcome)).map((a) => `${a.action}|${a.target}`));
    // Recorded failed or pending: this run's outcome replaces the row.
    const retried = new Set(earlier.filter((a) => unsettled(a.outcome)).map((a) => `${a.action}|${a.target}`));
    const pending = new Map(earlier.filter((a) => a.outcome === "pending").map((a) => [`${a.action}|${a.target}`, { detail: a.detail ?? "", since: a.createdAt.getTime() }]));
    const ctx: ActionContext = {
      s, order, ship: s.verdict === "ship", now: this.now(),
      done: (action, target) => done.has(`${action}|${target}`),
      pending: (action, target) => pending.get(`${action}|${target}`),
      call: (document, variables) => this.gateway.request(shop, document, variables, opts.signal),
    };
    const results: ActionResult[] = [];
    const rows = () => results.map((r) => toRow(shop, s, r));
    try {
      for (const step of steps(ctx, settings)) {
        const result = await step();
        if (result) results.push(result);
      }
    } catch (error) {
      // Keep what was done, but never at the cost of the error itself (a retry re-reads the order anyway).
      await this.persist(rows(), retried).catch((persistError: unknown) =>
        console.warn(`store actions for order ${s.orderId} (${shop}): could not record what was done: ${String(persistError)}`),
      );
      throw error;
    }
    const failed = results.filter((r) => r.outcome === "failed");
    if (failed.length > 0) {
      await this.persist(rows(), retried);
      throw new StoreActionFailedError(failed);
    }
    // A held order whose fulfillment orders Shopify has not created yet (routing comes after
    // orders/create): nothing to hold, so not done.
    const noFulfillmentOrder = !ctx.ship && !order.cancelledAt && order.fulfillmentOrders.nodes.length === 0;
    const waiting = results.filter((r) => r.outcome === "pending");
    if (noFulfillmentOrder || waiting.length > 0) {
      await this.persist(rows(), retried);
      throw new StoreActionsPending(noFulfillmentOrder, waiting);
    }
    await this.persist(rows(), retried, opts.finish);
    return results;
  }

  /**
   * Record outcomes (and audit the failed ones) in one transaction, with `finish` if given. A key
   * whose earlier record failed (`retried`) has its row updated to the new outcome.
   */
  private async persist(rows: StoreActionRow[], retried: Set<string>, finish?: () => PrismaPromise<unknown>[]): Promise<void> {
    const db = this.db;
    if (rows.length === 0 && !finish) return;
    const audits = rows
      .filter((r) => r.outcome === "failed")
      .map((r) => ({ shop: r.shop, orderId: r.orderId, kind: "store_action_failed", message: `${r.action} ${r.target}: ${r.detail ?? ""}`.trim().slice(0, 1000) }));
    const isRetry = (r: StoreActionRow) => retried.has(`${r.action}|${r.target}`);
    const added = rows.filter((r) => !isRetry(r));
    // Staff released our hold: the order ships uncovered, and the guarantee says why (once per release recorded).
    const released = rows.find((r) => r.action === "override");
    const note = translate("en", "guarantee.released_by_staff");
    const overrideOps = () =>
      released
        ? [
            // Only the guarantee of the revision acted on: a later staff decision's reason stands.
            db.guarantee.updateMany({ where: { shop: released.shop, orderId: released.orderId, revision: released.revision, state: "none" }, data: { reason: "guarantee.released_by_staff", note } }),
            db.orderScreening.updateMany({ where: { shop: released.shop, orderId: released.orderId, guarantee: "none" }, data: { guaranteeNote: note } }),
            db.auditEvent.create({ data: { shop: released.shop, orderId: released.orderId, kind: "guarantee", message: `Guarantee none: ${note} (fulfillment order ${released.target})` } }),
          ]
        : [];
    // Fresh operations each time: a batch that failed cannot be sent again.
    const extra = () => [...(audits.length ? [db.auditEvent.createMany({ data: audits })] : []), ...overrideOps(), ...(finish ? finish() : [])];
    try {
      await db.$transaction([
        ...(added.length ? [db.storeAction.createMany({ data: added })] : []),
        ...rows.filter(isRetry).map(replaceFailed(db)),
        ...extra(),
      ]);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // A concurrent run (whose lease had expired) recorded some of them: same effects, keep theirs,
      // except a failed record, which an outcome of ours replaces.
      for (const row of rows) {
        try {
          await db.storeAction.create({ data: row });
        } catch (e) {
          if (!isUniqueViolation(e)) throw e;
          await replaceFailed(db)(row);
        }
      }
      await db.$transaction(extra());
    }
  }
}

/**
 * Update the row of an action whose recorded outcome is `failed` or `pending` to this outcome (a
 * no-op on any other). A pending row keeps its createdAt (when it was asked for) while it stays pending.
 */
function replaceFailed(db: Db) {
  return (row: StoreActionRow) =>
    db.storeAction.updateMany({
      where: { shop: row.shop, orderId: row.orderId, revision: row.revision, action: row.action, target: row.target, outcome: { in: ["failed", "pending"] } },
      data: { outcome: row.outcome, detail: row.detail },
    });
}

function toRow(shop: string, s: ScreenedOrder, r: ActionResult): StoreActionRow {
  return { shop, orderId: s.orderId, revision: s.revision, action: r.action, target: r.target, outcome: r.outcome, detail: r.detail?.slice(0, 1000) ?? null };
}

/** The order already carries an assessment with exactly these facts (ours, from a run that crashed). */
/**
 * Is our assessment already on the order? Compared with what Shopify stores: it keeps the first 256
 * characters of a description and drops the rest, so a longer one (never sent by Holdfast, which cuts
 * its own, but possible in a stored screening) must be compared cut the same way.
 */
function hasAssessment(order: AdminOrder, level: string, facts: { description: string; sentiment: string }[]): boolean {
  const stored = (description: string) => Array.from(description).slice(0, MAX_FACT_CHARS).join("");
  const want = JSON.stringify(facts.map((f) => [stored(f.description), f.sentiment]));
  return (order.risk?.assessments ?? []).some(
    (a) => a.riskLevel === level && JSON.stringify(a.facts.map((f) => [f.description, f.sentiment])) === want,
  );
}
