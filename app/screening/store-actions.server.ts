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

interface UserError {
  message: string;
  code?: string | null;
}

export class StoreActions {
  constructor(private readonly db: Db, private readonly gateway: AdminGateway) {}

  async apply(shop: string, s: ScreenedOrder, order: AdminOrder, settings: ActionSettings, signal?: AbortSignal): Promise<Map<string, ActionOutcome>> {
    const db = this.db;
    const existing = await db.storeAction.findMany({ where: { shop, orderId: s.orderId, revision: s.revision }, select: { action: true, target: true, outcome: true } });
    const done = new Map(existing.map((a) => [`${a.action}|${a.target}`, a.outcome as ActionOutcome]));
    const result = new Map<string, ActionOutcome>(done);
    const record = async (action: string, target: string, outcome: ActionOutcome, detail?: string) => {
      result.set(`${action}|${target}`, outcome);
      try {
        await db.storeAction.create({ data: { shop, orderId: s.orderId, revision: s.revision, action, target, outcome, detail: detail?.slice(0, 1000) ?? null } });
      } catch (error) {
        if (!isUniqueViolation(error)) throw error; // recorded by a concurrent run: same effect
      }
      if (outcome === "failed") {
        await db.auditEvent.create({ data: { shop, orderId: s.orderId, kind: "store_action_failed", message: `${action} ${target}: ${detail ?? ""}`.trim().slice(0, 1000) } });
      }
    };
    const call = <T>(doc: string, vars: Record<string, unknown>) => this.gateway.request<T>(shop, doc, vars, signal);
    const gid = `gid://shopify/Order/${s.orderId}`;
    const ship = s.verdict === "ship";
    const want = ship ? SHIP_TAG : HOLD_TAG;
    const other = ship ? HOLD_TAG : SHIP_TAG;
    const tags = new Set(order.tags.map((t) => t.toLowerCase()));

    // 1. Tags.
    if (!done.has(`tag|${want}`)) {
      if (tags.has(want)) await record("tag", want, "already");
      else {
        const r = await call<AddTagsMutation>(AddTags, { id: gid, tags: [want] });
        const errors = r.tagsAdd?.userErrors ?? [];
        await record("tag", want, errors.length ? "failed" : "applied", messages(errors));
      }
    }
    if (tags.has(other) && !done.has(`untag|${other}`)) {
      const r = await call<RemoveTagsMutation>(RemoveTags, { id: gid, tags: [other] });
      const errors = r.tagsRemove?.userErrors ?? [];
      await record("untag", other, errors.length ? "failed" : "applied", messages(errors));
    }

    // 2. Risk assessment (the Fraud analysis card).
    if (!done.has("risk_assessment|")) {
      const facts = s.riskFacts.map((f) => ({ description: f.description, sentiment: f.sentiment }));
      if (hasAssessment(order, s.riskLevel, facts)) await record("risk_assessment", "", "already");
      else {
        const r = await call<RiskAssessmentCreateMutation>(RiskAssessmentCreate, { input: { orderId: gid, riskLevel: s.riskLevel, facts } });
        const errors: UserError[] = r.orderRiskAssessmentCreate?.userErrors ?? [];
        if (errors.some((e) => e.code === "ORDER_ALREADY_FULFILLED")) await record("risk_assessment", "", "skipped", "order already fulfilled");
        else await record("risk_assessment", "", errors.length ? "failed" : "applied", messages(errors));
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
            await record("override", fo.id, "skipped", "hold released by staff; not held again");
          }
          continue;
        }
        if (ours.length > 0) {
          await record("hold", fo.id, "already");
          continue;
        }
        if (!fo.supportedActions.some((a) => a.action === "HOLD")) continue;
        const r = await call<FulfillmentOrderHoldMutation>(FulfillmentOrderHold, {
          id: fo.id,
          hold: { reason: "HIGH_RISK_OF_FRAUD", handle: HOLD_HANDLE, reasonNotes: `Held by Holdfast: risk score ${s.score}/1000`, notifyMerchant: false },
        });
        const errors: UserError[] = r.fulfillmentOrderHold?.userErrors ?? [];
        if (errors.some((e) => e.code === "DUPLICATE_FULFILLMENT_HOLD_HANDLE")) await record("hold", fo.id, "already");
        else await record("hold", fo.id, errors.length ? "failed" : "applied", messages(errors));
      } else if (ours.length > 0 && !done.has(`release|${fo.id}`)) {
        const r = await call<FulfillmentOrderReleaseHoldMutation>(FulfillmentOrderReleaseHold, { id: fo.id, holdIds: ours.map((h) => h.id) });
        const errors: UserError[] = r.fulfillmentOrderReleaseHold?.userErrors ?? [];
        await record("release", fo.id, errors.length ? "failed" : "applied", messages(errors));
      }
    }

    // 4. Optional auto-cancel of the highest-risk orders (off by default).
    if (!ship && settings.autoCancel && s.score >= settings.autoCancelScore && !done.has("cancel|")) {
      if (order.cancelledAt) await record("cancel", "", "already");
      else {
        const r = await call<OrderCancelMutation>(OrderCancel, { orderId: gid, staffNote: `Cancelled by Holdfast: risk score ${s.score}/1000` });
        const errors: UserError[] = r.orderCancel?.orderCancelUserErrors ?? [];
        await record("cancel", "", errors.length ? "failed" : "applied", messages(errors));
      }
    }
    return result;
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
