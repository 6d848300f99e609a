// Store actions for a screened order, each applied at most once per (order, revision, action,
// target) and recorded in StoreAction:
//   tags:  tagsAdd holdfast:ship | holdfast:hold, tagsRemove of the other (only if present);
//   risk:  orderRiskAssessmentCreate with the level and facts (Shopify's Fraud analysis card);
//   hold:  fulfillmentOrderHold (HIGH_RISK_OF_FRAUD, handle holdfast-review) on each fulfillment
//          order that supports HOLD; on a later ship, release of *our* hold ids only;
//   cancel (opt-in per shop): orderCancel of the highest-risk held orders.
// Before each mutation the order as just read is checked, so a run that crashed between a
// mutation and its record finds the effect in the store and records it instead of repeating it.
// A hold a merchant released is not put back (recorded as an override). Every mutation's
// userErrors are checked; an error that retrying cannot fix is recorded as `failed` and audited.
import type { Prisma, PrismaPromise } from "@prisma/client";
import type { Db } from "../db-client.server";
import { isUniqueViolation } from "../db-client.server";
import type { AdminGateway } from "../shopify/gateway.server";
import { AddTags, FulfillmentOrderHold, FulfillmentOrderReleaseHold, OrderCancel, RemoveTags, RiskAssessmentCreate } from "../shopify/operations";
import type {
  AddTagsMutation, FulfillmentOrderHoldMutation, FulfillmentOrderReleaseHoldMutation, OrderCancelMutation,
  OrderForScreeningQuery, RemoveTagsMutation, RiskAssessmentCreateMutation,
} from "../types/admin.generated";

export const SHIP_TAG = "holdfast:ship";
export const HOLD_TAG = "holdfast:hold";
export const HOLD_HANDLE = "holdfast-review";

export type AdminOrder = NonNullable<OrderForScreeningQuery["order"]>;
export type ActionOutcome = "applied" | "already" | "skipped" | "failed";

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
}

type StoreActionRow = Prisma.StoreActionCreateManyInput & { detail: string | null };

interface UserError {
  message: string;
  code?: string | null;
}

export class StoreActions {
  constructor(private readonly db: Db, private readonly gateway: AdminGateway) {}

  /**
   * Apply what is missing for this revision. The outcomes are recorded together at the end, in one
   * transaction with `finish` (e.g. marking the screening acted); on an error, what was done so far
   * is recorded before the error goes on. `fresh`: the revision was decided in this run, so nothing
   * can have been recorded for it yet.
   */
  async apply(
    shop: string,
    s: ScreenedOrder,
    order: AdminOrder,
    settings: ActionSettings,
    opts: { signal?: AbortSignal; fresh?: boolean; finish?: () => PrismaPromise<unknown>[] } = {},
  ): Promise<Map<string, ActionOutcome>> {
    const db = this.db;
    const { signal } = opts;
    const existing = opts.fresh
      ? []
      : await db.storeAction.findMany({ where: { shop, orderId: s.orderId, revision: s.revision }, select: { action: true, target: true, outcome: true } });
    const done = new Map(existing.map((a) => [`${a.action}|${a.target}`, a.outcome as ActionOutcome]));
    const result = new Map<string, ActionOutcome>(done);
    const rows: StoreActionRow[] = [];
    const record = (action: string, target: string, outcome: ActionOutcome, detail?: string) => {
      result.set(`${action}|${target}`, outcome);
      rows.push({ shop, orderId: s.orderId, revision: s.revision, action, target, outcome, detail: detail?.slice(0, 1000) ?? null });
    };
    try {
      await this.act(shop, s, order, settings, done, result, record, signal);
    } catch (error) {
      await this.persist(rows).catch(() => {}); // the error matters more; a retry re-reads the order anyway
      throw error;
    }
    await this.persist(rows, opts.finish);
    return result;
  }

  /** Record outcomes (and audit the failed ones) in one transaction, with `finish` if given. */
  private async persist(rows: StoreActionRow[], finish?: () => PrismaPromise<unknown>[]): Promise<void> {
    const db = this.db;
    const audits = rows
      .filter((r) => r.outcome === "failed")
      .map((r) => ({ shop: r.shop, orderId: r.orderId, kind: "store_action_failed", message: `${r.action} ${r.target}: ${r.detail ?? ""}`.trim().slice(0, 1000) }));
    // Fresh operations each time: a batch that failed cannot be sent again.
    const extra = () => [...(audits.length ? [db.auditEvent.createMany({ data: audits })] : []), ...(finish ? finish() : [])];
    if (rows.length === 0 && audits.length === 0 && !finish) return;
    try {
      await db.$transaction([...(rows.length ? [db.storeAction.createMany({ data: rows })] : []), ...extra()]);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // A concurrent run (whose lease had expired) recorded some of them: same effects, keep theirs.
      for (const row of rows) {
        try {
          await db.storeAction.create({ data: row });
        } catch (e) {
          if (!isUniqueViolation(e)) throw e;
        }
      }
      await db.$transaction(extra());
    }
  }

  private async act(
    shop: string,
    s: ScreenedOrder,
    order: AdminOrder,
    settings: ActionSettings,
    done: Map<string, ActionOutcome>,
    result: Map<string, ActionOutcome>,
    record: (action: string, target: string, outcome: ActionOutcome, detail?: string) => void,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const call = <T>(doc: string, vars: Record<string, unknown>) => this.gateway.request<T>(shop, doc, vars, signal);
    const gid = `gid://shopify/Order/${s.orderId}`;
    const ship = s.verdict === "ship";
    const want = ship ? SHIP_TAG : HOLD_TAG;
    const other = ship ? HOLD_TAG : SHIP_TAG;
    const tags = new Set(order.tags.map((t) => t.toLowerCase()));

    // 1. Tags.
    if (!done.has(`tag|${want}`)) {
      if (tags.has(want)) record("tag", want, "already");
      else {
        const r = await call<AddTagsMutation>(AddTags, { id: gid, tags: [want] });
        const errors = r.tagsAdd?.userErrors ?? [];
        record("tag", want, errors.length ? "failed" : "applied", messages(errors));
      }
    }
    if (tags.has(other) && !done.has(`untag|${other}`)) {
      const r = await call<RemoveTagsMutation>(RemoveTags, { id: gid, tags: [other] });
      const errors = r.tagsRemove?.userErrors ?? [];
      record("untag", other, errors.length ? "failed" : "applied", messages(errors));
    }

    // 2. Risk assessment (the Fraud analysis card).
    if (!done.has("risk_assessment|")) {
      const facts = s.riskFacts.map((f) => ({ description: f.description, sentiment: f.sentiment }));
      if (hasAssessment(order, s.riskLevel, facts)) record("risk_assessment", "", "already");
      else {
        const r = await call<RiskAssessmentCreateMutation>(RiskAssessmentCreate, { input: { orderId: gid, riskLevel: s.riskLevel, facts } });
        const errors: UserError[] = r.orderRiskAssessmentCreate?.userErrors ?? [];
        if (errors.some((e) => e.code === "ORDER_ALREADY_FULFILLED")) record("risk_assessment", "", "skipped", "order already fulfilled");
        else record("risk_assessment", "", errors.length ? "failed" : "applied", messages(errors));
      }
    }

    // 3. Fulfillment holds.
    for (const fo of order.fulfillmentOrders.nodes) {
      const ours = fo.fulfillmentHolds.filter((h) => h.handle === HOLD_HANDLE && h.heldByRequestingApp);
      if (!ship) {
        const key = `hold|${fo.id}`;
        if (done.has(key)) {
          if (ours.length === 0 && done.get(key) !== "failed" && !result.has(`override|${fo.id}`)) {
            // We held it, and it is no longer held: a merchant released it. Respect that.
            record("override", fo.id, "skipped", "hold released by staff; not held again");
          }
          continue;
        }
        if (ours.length > 0) {
          record("hold", fo.id, "already");
          continue;
        }
        if (!fo.supportedActions.some((a) => a.action === "HOLD")) continue;
        const r = await call<FulfillmentOrderHoldMutation>(FulfillmentOrderHold, {
          id: fo.id,
          hold: { reason: "HIGH_RISK_OF_FRAUD", handle: HOLD_HANDLE, reasonNotes: `Held by Holdfast: risk score ${s.score}/1000`, notifyMerchant: false },
        });
        const errors: UserError[] = r.fulfillmentOrderHold?.userErrors ?? [];
        if (errors.some((e) => e.code === "DUPLICATE_FULFILLMENT_HOLD_HANDLE")) record("hold", fo.id, "already");
        else record("hold", fo.id, errors.length ? "failed" : "applied", messages(errors));
      } else if (ours.length > 0 && !done.has(`release|${fo.id}`)) {
        const r = await call<FulfillmentOrderReleaseHoldMutation>(FulfillmentOrderReleaseHold, { id: fo.id, holdIds: ours.map((h) => h.id) });
        const errors: UserError[] = r.fulfillmentOrderReleaseHold?.userErrors ?? [];
        record("release", fo.id, errors.length ? "failed" : "applied", messages(errors));
      }
    }

    // 4. Optional auto-cancel of the highest-risk orders (off by default).
    if (!ship && settings.autoCancel && s.score >= settings.autoCancelScore && !done.has("cancel|")) {
      if (order.cancelledAt) record("cancel", "", "already");
      else {
        const r = await call<OrderCancelMutation>(OrderCancel, { orderId: gid, staffNote: `Cancelled by Holdfast: risk score ${s.score}/1000` });
        const errors: UserError[] = r.orderCancel?.orderCancelUserErrors ?? [];
        record("cancel", "", errors.length ? "failed" : "applied", messages(errors));
      }
    }
  }
}

function messages(errors: UserError[]): string | undefined {
  return errors.length ? errors.map((e) => (e.code ? `${e.code}: ${e.message}` : e.message)).join("; ") : undefined;
}

/** The order already carries an assessment with exactly these facts (ours, from a run that crashed). */
function hasAssessment(order: AdminOrder, level: string, facts: { description: string; sentiment: string }[]): boolean {
  const want = JSON.stringify(facts.map((f) => [f.description, f.sentiment]));
  return (order.risk?.assessments ?? []).some(
    (a) => a.riskLevel === level && JSON.stringify(a.facts.map((f) => [f.description, f.sentiment])) === want,
  );
}
