// The guarantee policy: whether a screened order is covered, and why not. Pure (no I/O), so the
// screening job, a re-screen, the cancellation void and, later, the extended review and the staff
// pages all ask one place. Every answer carries a catalogue key (app/i18n, shown to merchants in
// English and Japanese) and an English note with the detail.
//
// First decision (no active guarantee before):
//   held                                   -> none   guarantee.held
//   approved, and
//     the shop's usage charges not approved -> none   guarantee.subscription_not_approved
//     a test order                          -> none   guarantee.test_order
//     cancelled before it was fulfilled     -> none   guarantee.cancelled
//     fulfilled (even partly) before Holdfast decided
//                                           -> none   guarantee.fulfilled_before_decision
//     Shopify Protect covers it             -> none   guarantee.shopify_protect
//     otherwise                             -> active guarantee.active
// Re-screen of an order whose guarantee is active (its frozen facts changed, staff asked, ...):
//   cancelled meanwhile                     -> void   guarantee.void_cancelled
//   approved again                          -> active guarantee.reapproved (kept, recorded as such;
//                                                      guarantee.reapproved_staff when a person asked)
//   held                                    -> void   guarantee.void_rescreen_held (guarantee.void_rescreen_staff)
// An active guarantee is never taken away by a later change of subscription, Shopify Protect or
// fulfilment: the exclusions are stated when Holdfast approves, not applied after the fact.
// A guarantee voided because a person declined the order (guarantee.void_declined_by_staff) stays
// void through any later screening, a staff re-screen included.
//
// Shopify Protect (ShopifyProtectStatus, Admin API 2026-07): ACTIVE (protection active) and
// PROTECTED (a fraud chargeback was reimbursed) mean Shopify covers the order. INACTIVE and
// NOT_PROTECTED mean it does not. PENDING (not determined yet) and any value Holdfast does not
// know are read as *not* covered by Shopify, so Holdfast guarantees the order and says so in the
// note: reading them as covered would leave the merchant with no cover at all if Shopify then
// declines, while the other error only costs Holdfast a claim Shopify might also have paid.
import { translate, type MessageKey } from "../i18n";

export type GuaranteeState = "active" | "none" | "void";

/** Why a screening ran (the screen_order job's reason; "address_changed" is the older name of "facts_changed"). */
export type ScreenReason = "orders/create" | "reconcile" | "facts_changed" | "address_changed" | "staff";

/** Shopify Protect statuses under which Shopify, not Holdfast, covers fraud chargebacks. */
export const PROTECT_COVERED = new Set(["ACTIVE", "PROTECTED"]);
/** Shopify Protect statuses that say Shopify does not cover the order. */
const PROTECT_NOT_COVERED = new Set(["INACTIVE", "NOT_PROTECTED"]);

/** Fulfilment statuses (OrderDisplayFulfillmentStatus) under which goods have left: fulfilled before Holdfast decided. */
export const FULFILLED_STATUSES = new Set(["FULFILLED", "PARTIALLY_FULFILLED"]);
/** The other statuses of 2026-07: nothing has left yet. A status not listed is read as not fulfilled, and the note says so. */
const UNFULFILLED_STATUSES = new Set(["UNFULFILLED", "OPEN", "ON_HOLD", "IN_PROGRESS", "PENDING_FULFILLMENT", "SCHEDULED", "REQUEST_DECLINED", "RESTOCKED"]);

export interface GuaranteeInput {
  verdict: "ship" | "hold";
  /** A test order (the webhook's or the Admin API's flag). */
  test: boolean;
  /** When the order was cancelled, as read from the Admin API (null: not cancelled). */
  cancelledAt: string | null;
  /** The order's displayFulfillmentStatus when it was screened (null: unknown). */
  fulfillmentStatus: string | null;
  /** shopifyProtect.status (null: no Shopify Protect summary). */
  shopifyProtect: string | null;
  /** Shop.subscriptionStatus: only "ACTIVE" is approved (null: none created yet). */
  subscriptionStatus: string | null;
  /** Why this screening ran. */
  reason: ScreenReason;
  /** The guarantee before this screening (undefined on the first). */
  previous: GuaranteeState | string | undefined;
  /** Why the guarantee before this screening was in its state (Guarantee.reason), when known. */
  previousReason?: string | null;
  /** The engine found the order too thin to judge (fewer than two groups of facts): never guaranteed. */
  thinData?: boolean;
  /** The frozen facts that changed since approval (for the note), e.g. ["shipping address", "email"]. */
  changed?: string[];
  /** When this is decided (the date in a void's note). */
  at: Date;
  /** The covered amount and currency (the note of an active guarantee). */
  amount?: string;
  currency?: string;
}

export interface GuaranteeDecision {
  state: GuaranteeState;
  /** Catalogue key saying why (null never happens today; kept nullable for rows written before reasons existed). */
  reason: MessageKey | null;
  /** The English detail, as a merchant would read it. */
  note: string;
}

const day = (at: Date) => at.toISOString().slice(0, 10);

function decision(state: GuaranteeState, reason: MessageKey, vars: Record<string, string> = {}, detail?: string): GuaranteeDecision {
  const text = translate("en", reason, vars);
  return { state, reason, note: detail ? `${text} (${detail})` : text };
}

/** What the changed facts are called in a note ("the order's facts" when not known). */
function fieldList(changed: string[] | undefined): string {
  return changed && changed.length > 0 ? changed.join(", ") : "the order's facts";
}

export function guaranteeFor(input: GuaranteeInput): GuaranteeDecision {
  const amount = input.amount && input.currency ? `${input.amount} ${input.currency}` : "order total";
  // A person declined the order after Holdfast approved it: no later screening covers it again.
  if (input.previous === "void" && input.previousReason === "guarantee.void_declined_by_staff") return decision("void", "guarantee.void_declined_by_staff");
  // A guarantee already given is kept by a re-approval and voided by a hold or a cancellation.
  if (input.previous === "active") {
    if (input.cancelledAt) return decision("void", "guarantee.void_cancelled", { date: day(new Date(input.cancelledAt)) });
    if (input.verdict === "ship" && input.thinData) return decision("void", "guarantee.thin_data", {}, `re-screened after ${fieldList(input.changed)} changed`);
    // A re-screen a person asked for says so, not that facts changed.
    if (input.verdict === "ship") return input.reason === "staff" ? decision("active", "guarantee.reapproved_staff") : decision("active", "guarantee.reapproved", { fields: fieldList(input.changed) });
    if (input.reason === "staff") return decision("void", "guarantee.void_rescreen_staff", { date: day(input.at) });
    return decision("void", "guarantee.void_rescreen_held", { fields: fieldList(input.changed), date: day(input.at) });
  }
  if (input.verdict !== "ship") return decision("none", "guarantee.held");
  if (input.thinData) return decision("none", "guarantee.thin_data");
  if (input.subscriptionStatus !== "ACTIVE") {
    return decision("none", "guarantee.subscription_not_approved", {}, `subscription status: ${input.subscriptionStatus ?? "none created"}`);
  }
  if (input.test) return decision("none", "guarantee.test_order");
  if (input.cancelledAt) return decision("none", "guarantee.cancelled");
  if (input.fulfillmentStatus && FULFILLED_STATUSES.has(input.fulfillmentStatus)) {
    return decision("none", "guarantee.fulfilled_before_decision", {}, `fulfilment status: ${input.fulfillmentStatus}`);
  }
  const protect = input.shopifyProtect;
  if (protect && PROTECT_COVERED.has(protect)) return decision("none", "guarantee.shopify_protect", {}, `Shopify Protect status: ${protect}`);
  const notes = [
    ...(protect && !PROTECT_NOT_COVERED.has(protect) ? [`Shopify Protect status ${protect} is not a confirmed cover, so Holdfast covers the order`] : []),
    ...(input.fulfillmentStatus && !UNFULFILLED_STATUSES.has(input.fulfillmentStatus) ? [`fulfilment status ${input.fulfillmentStatus} is not known to Holdfast; read as not fulfilled`] : []),
  ];
  return decision("active", "guarantee.active", { amount }, notes.join("; ") || undefined);
}
