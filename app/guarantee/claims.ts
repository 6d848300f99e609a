// The claim rules (docs/guarantee.md, "Claims"): whether a dispute opens a claim, and what state a
// claim is in for a dispute status. Pure (no I/O): the record_dispute job reads the dispute from the
// shop's Admin API, the guarantee and the shop's settings from the database, and asks here.
//
//   not a chargeback (inquiry)               -> not covered (decided again if it becomes one)
//   no order                                 -> not covered
//   order not screened, screening pending    -> waiting (decided once screened)
//   order not screened, nothing pending      -> not covered (not_screened)
//   guarantee none | void                    -> not covered, with the guarantee's own reason
//   reason fraudulent | unrecognized         -> claim
//   reason product_not_received              -> claim if the shop covers it AND the order reads delivered
//   reason unknown                           -> not covered (the raw value is shown)
//   any other reason                         -> not covered
//
// Claim states only move forward: open -> approved | closed, approved -> paid (the operator's payout).
import type { MessageKey } from "../i18n/index";

export type ClaimState = "open" | "approved" | "paid" | "closed";

/** How far a claim has come: a read of the dispute never moves a claim to a lower rank. */
export const CLAIM_RANK: Record<ClaimState, number> = { open: 0, approved: 1, closed: 1, paid: 2 };

/** The dispute as Holdfast normalised it from the Admin API (app/guarantee/disputes.server.ts). */
export interface DisputeFacts {
  /** chargeback | inquiry | unknown */
  type: string;
  /** A known DisputeReason in lower case, or `unknown`. */
  reason: string;
  /** What Shopify sent, for the message when the reason is unknown. */
  rawReason: string;
  status: string;
  orderId: string | null;
}

export interface GuaranteeFacts {
  /** active | none | void (anything else reads as not guaranteed). */
  state: string;
  /** The catalogue key of why not (Guarantee.reason), when not active. */
  reason: string | null;
}

export interface CoverageInput {
  dispute: DisputeFacts;
  /** The order's guarantee row; null when Holdfast has not recorded one (not screened). */
  guarantee: GuaranteeFacts | null;
  /** A screening job of the order is queued or running. */
  screeningPending: boolean;
  /** The shop covers `product_not_received` on delivered orders (Shop.coverNotReceived). */
  coverNotReceived: boolean;
  /** The order's fulfilment, as read from the Admin API, shows it delivered. */
  delivered: boolean;
}

export type Coverage =
  | { coverage: "claim"; reason: "claim.opened"; vars: Record<string, string> }
  | { coverage: "not_covered"; reason: MessageKey; vars: Record<string, string> }
  | { coverage: "waiting"; reason: "claim.waiting_for_screening"; vars: Record<string, string> };

const COVERED = new Set(["fraudulent", "unrecognized"]);

export function decideCoverage(input: CoverageInput): Coverage {
  const { dispute: d, guarantee: g } = input;
  const no = (reason: MessageKey, vars: Record<string, string> = {}): Coverage => ({ coverage: "not_covered", reason, vars });
  if (d.type === "inquiry") return no("claim.inquiry");
  if (!d.orderId) return no("claim.no_order");
  if (!g) return input.screeningPending ? { coverage: "waiting", reason: "claim.waiting_for_screening", vars: {} } : no("claim.not_screened");
  if (g.state !== "active") return no("claim.not_guaranteed", { why: g.reason ?? `guarantee ${g.state}` });
  if (COVERED.has(d.reason)) return { coverage: "claim", reason: "claim.opened", vars: {} };
  if (d.reason === "product_not_received") {
    if (!input.coverNotReceived) return no("claim.reason_not_covered", { reason: d.reason });
    if (!input.delivered) return no("claim.not_received_not_delivered");
    return { coverage: "claim", reason: "claim.opened", vars: {} };
  }
  if (d.reason === "unknown") return no("claim.reason_unknown", { raw: d.rawReason });
  return no("claim.reason_not_covered", { reason: d.reason });
}

/**
 * The claim state a dispute status calls for:
 *   needs_response, under_review -> open;
 *   lost, accepted               -> approved (Holdfast owes the disputed amount);
 *   charge_refunded              -> approved (the merchant refunded the disputed charge: the money is
 *                                   gone as surely as in a lost dispute, and the goods with it);
 *   won, prevented               -> closed (the merchant keeps the money: nothing owed);
 *   anything else (unknown)      -> open (never closed or approved on a value Holdfast does not know).
 * `paid` is never reached from a dispute: only the operator's payout records it.
 */
export function claimStateFor(status: string): "open" | "approved" | "closed" {
  switch (status) {
    case "lost":
    case "accepted":
    case "charge_refunded":
      return "approved";
    case "won":
    case "prevented":
      return "closed";
    default:
      return "open";
  }
}

/** The states a claim goes through from `from` to reach `to`, forward only ([] when `to` is not ahead of `from`). */
export function transitions(from: ClaimState | null, to: "open" | "approved" | "closed"): { from: ClaimState | null; to: ClaimState }[] {
  const steps: { from: ClaimState | null; to: ClaimState }[] = [];
  let at = from;
  if (at === null) {
    steps.push({ from: null, to: "open" });
    at = "open";
  }
  if (at === "open" && to !== "open") steps.push({ from: "open", to });
  return steps;
}

// Dispute rows: a read never replaces a later state with an earlier one (an inquiry before its
// chargeback; needs_response before under_review before a final status).
const TYPE_RANK: Record<string, number> = { inquiry: 0, chargeback: 1 };
const STATUS_RANK: Record<string, number> = {
  needs_response: 0, under_review: 1, unknown: 1, accepted: 2, won: 2, lost: 2, prevented: 2, charge_refunded: 2,
};

/** How far a dispute has come: compare with `>=` to know whether a read is as new as what is stored. */
export function disputeRank(type: string, status: string): number {
  return (TYPE_RANK[type] ?? 1) * 10 + (STATUS_RANK[status] ?? 1);
}

export const DISPUTE_STATUSES = new Set(["needs_response", "under_review", "accepted", "won", "lost", "prevented", "charge_refunded"]);

/** Lower-cased; anything Holdfast does not know is `unknown` (the raw value is kept beside it). */
export function normaliseStatus(raw: string | null | undefined): string {
  const s = (raw ?? "").toLowerCase();
  return DISPUTE_STATUSES.has(s) ? s : "unknown";
}

export function normaliseType(raw: string | null | undefined): string {
  const t = (raw ?? "").toLowerCase();
  return t === "chargeback" || t === "inquiry" ? t : "unknown";
}

/**
 * Whether an order reads delivered: all of it fulfilled (`displayFulfillmentStatus` FULFILLED) and
 * every shipment's `displayStatus` DELIVERED (a cancelled one aside), at least one shipment.
 */
export function isDelivered(order: { displayFulfillmentStatus: string; fulfillments: { displayStatus?: string | null }[] } | null | undefined): boolean {
  if (!order || order.displayFulfillmentStatus !== "FULFILLED") return false;
  const live = order.fulfillments.filter((f) => f.displayStatus !== "CANCELED");
  return live.length > 0 && live.every((f) => f.displayStatus === "DELIVERED");
}
