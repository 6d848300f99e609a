// The order receipt (app/routes/app.orders.$orderId.tsx): everything Holdfast stored about one
// screened order of the shop, read back through schemas (never cast) and returned as raw data
// (ids, numbers, ISO dates, catalogue keys, the engine's reasons in both languages) for the page to
// translate. Every query is scoped by shop; an order the shop has not screened reads as null (404).
import { z } from "zod";
import type { Db } from "../db-client.server";
import { isMessageKey, type MessageKey } from "../i18n";
import { SIGNALS } from "../risk";
import { SCREEN_ORDER } from "../screening/intake.server";
import { STAFF_DECISION } from "../screening/staff-decision.server";
import { StoredReasons, parseStored } from "./stored";

/** The order id in a URL: Shopify's numeric id. */
export const OrderIdParam = z.string().regex(/^\d{1,20}$/, "must be a numeric order id");

const Outcome = z.object({
  id: z.string(),
  outcome: z.enum(["hit", "no_hit", "error", "skipped"]),
  value: z.union([z.number(), z.string(), z.boolean(), z.null()]),
  feature: z.number(),
  contribution: z.number(),
  evidence: z.string().optional(),
});
const Coverage = z.object({ account: z.boolean(), payment: z.boolean(), network: z.boolean(), contact: z.boolean(), addresses: z.boolean(), groups: z.number() });
/** OrderScreening.facts (minimisedFacts + coverage); every field optional, unknown fields ignored. */
const StoredFacts = z.object({
  createdAt: z.string().optional(),
  totalPrice: z.number().optional(),
  currency: z.string().optional(),
  ipCountry: z.string().optional(),
  emailDomain: z.string().optional(),
  hasPhone: z.boolean().optional(),
  phoneCountry: z.string().optional(),
  billingCountry: z.string().optional(),
  shippingCountry: z.string().optional(),
  customer: z.object({ previousOrders: z.number().optional(), createdAt: z.number().optional(), verifiedEmail: z.boolean().optional() }).optional(),
  payment: z.object({ avs: z.string().optional(), cvv: z.string().optional(), company: z.string().optional(), failedAttempts: z.number().optional() }).optional(),
  lineItems: z.number().optional(),
  units: z.number().optional(),
  sourceName: z.string().optional(),
  shopifyRecommendation: z.string().optional(),
  test: z.boolean().optional(),
  history: z.object({ shopOrders: z.number().optional() }).passthrough().optional(),
  coverage: Coverage.optional(),
});
const AuditData = z.object({ note: z.string().nullable().optional() }).passthrough();

/** A row of "facts used": a label key and a typed value the page formats in its locale. */
export type FactRow =
  | { label: MessageKey; type: "text" | "country"; value: string }
  | { label: MessageKey; type: "number"; value: number }
  | { label: MessageKey; type: "bool"; value: boolean }
  | { label: MessageKey; type: "key"; value: MessageKey }
  | { label: MessageKey; type: "date"; value: string }
  | { label: MessageKey; type: "money"; value: number; currency: string };

export interface SignalRow {
  id: string;
  outcome: "hit" | "error";
  contribution: number;
  reason: { en: string; ja: string };
}


const BY_ID = new Map(SIGNALS.map((s) => [s.id, s]));

/** The signals that moved the score (hits of at least 0.05 log-odds, and errors), largest first, each with its reason. */
export function signalRows(outcomes: z.infer<typeof Outcome>[]): { rows: SignalRow[]; quiet: number } {
  const moved = outcomes
    .filter((o) => o.outcome === "error" || (o.outcome === "hit" && Math.abs(o.contribution) >= 0.05))
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || a.id.localeCompare(b.id));
  const rows = moved.map((o): SignalRow => {
    const s = BY_ID.get(o.id);
    const r = { feature: o.feature, value: o.value, evidence: o.evidence };
    let reason = { en: "", ja: "" };
    if (o.outcome === "hit" && s) {
      try {
        reason = { en: s.reason(r, "en"), ja: s.reason(r, "ja") };
      } catch {
        reason = { en: "", ja: "" };
      }
    }
    return { id: o.id, outcome: o.outcome === "error" ? "error" : "hit", contribution: Math.round(o.contribution * 1000) / 1000, reason };
  });
  return { rows, quiet: outcomes.length - moved.length };
}

export function factRows(f: z.infer<typeof StoredFacts>): FactRow[] {
  const rows: FactRow[] = [];
  const text = (label: MessageKey, v: string | undefined, type: "text" | "country" = "text") => v && rows.push({ label, type, value: v });
  const num = (label: MessageKey, v: number | undefined) => v !== undefined && Number.isFinite(v) && rows.push({ label, type: "number", value: v });
  const bool = (label: MessageKey, v: boolean | undefined) => v !== undefined && rows.push({ label, type: "bool", value: v });
  if (f.createdAt) rows.push({ label: "staff.fact.created_at", type: "date", value: f.createdAt });
  if (f.totalPrice !== undefined && f.currency) rows.push({ label: "staff.fact.total", type: "money", value: f.totalPrice, currency: f.currency });
  text("staff.fact.ip_country", f.ipCountry, "country");
  text("staff.fact.email_domain", f.emailDomain);
  bool("staff.fact.has_phone", f.hasPhone);
  text("staff.fact.phone_country", f.phoneCountry, "country");
  text("staff.fact.billing_country", f.billingCountry, "country");
  text("staff.fact.shipping_country", f.shippingCountry, "country");
  num("staff.fact.previous_orders", f.customer?.previousOrders);
  if (f.customer?.createdAt !== undefined) rows.push({ label: "staff.fact.customer_since", type: "date", value: new Date(f.customer.createdAt).toISOString() });
  bool("staff.fact.verified_email", f.customer?.verifiedEmail);
  text("staff.fact.avs", f.payment?.avs);
  text("staff.fact.cvv", f.payment?.cvv);
  text("staff.fact.card_company", f.payment?.company);
  num("staff.fact.failed_attempts", f.payment?.failedAttempts);
  num("staff.fact.line_items", f.lineItems);
  num("staff.fact.units", f.units);
  text("staff.fact.source", f.sourceName);
  const rec = f.shopifyRecommendation?.toLowerCase();
  if (rec === "accept" || rec === "investigate" || rec === "cancel" || rec === "none") rows.push({ label: "staff.fact.shopify_recommendation", type: "key", value: `staff.recommendation.${rec}` });
  else text("staff.fact.shopify_recommendation", f.shopifyRecommendation);
  bool("staff.fact.test", f.test);
  num("staff.fact.history_orders", f.history?.shopOrders);
  return rows;
}

/** Work pending on this order: its screening job or a staff decision, queued or running. */
export async function pendingWork(db: Db, shop: string, orderIds: string[]): Promise<Set<string>> {
  if (orderIds.length === 0) return new Set();
  const jobs = await db.job.findMany({
    where: { shop, state: { in: ["queued", "running"] }, kind: { in: [SCREEN_ORDER, STAFF_DECISION] }, OR: orderIds.map((id) => ({ dedupeKey: { startsWith: `order:${id}:` } })) },
    select: { dedupeKey: true },
  });
  return new Set(jobs.map((j) => j.dedupeKey.split(":")[1]!));
}

export async function loadReceipt(db: Db, shop: string, orderId: string) {
  const s = await db.orderScreening.findUnique({ where: { shop_orderId: { shop, orderId } } });
  if (!s) return null;
  const [actions, guarantee, audits, disputes, claims, outcomes, pending] = await Promise.all([
    // The newest 200 of each (an order's long history keeps its latest rows), shown oldest first.
    db.storeAction.findMany({ where: { shop, orderId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 200 }).then((rows) => rows.reverse()),
    db.guarantee.findUnique({ where: { shop_orderId: { shop, orderId } } }),
    db.auditEvent.findMany({ where: { shop, orderId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 200 }).then((rows) => rows.reverse()),
    db.dispute.findMany({ where: { shop, orderId }, orderBy: { createdAt: "asc" } }),
    db.claim.findMany({ where: { shop, orderId }, select: { id: true, disputeId: true, state: true } }),
    db.riskOutcome.findMany({ where: { shop, orderId }, select: { label: true, source: true } }),
    pendingWork(db, shop, [orderId]),
  ]);
  const claimEvents = claims.length
    ? (await db.claimEvent.findMany({ where: { shop, claimId: { in: claims.map((c) => c.id) } }, orderBy: [{ at: "desc" }, { id: "desc" }], take: 200 })).reverse()
    : [];
  const facts = parseStored(StoredFacts, s.facts);
  const parsedOutcomes = parseStored(z.array(Outcome), s.outcomes);
  const signals = parsedOutcomes ? signalRows(parsedOutcomes) : null;
  const staffOutcome = outcomes.find((o) => o.source === "staff");
  const timeline = [
    ...audits.map((a) => ({
      type: "audit" as const, id: a.id, kind: a.kind, actor: a.actor, at: a.createdAt.toISOString(),
      note: a.kind.startsWith("staff_") || a.kind.startsWith("outcome") ? (parseStored(AuditData, a.data)?.note ?? null) : null,
    })),
    ...claimEvents.map((e) => ({ type: "claim" as const, id: e.id, kind: e.toState, actor: e.source, at: e.at.toISOString(), note: null, claimId: e.claimId })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  return {
    order: {
      orderId: s.orderId, name: s.orderName, revision: s.revision, status: s.status, verdict: s.verdict, score: s.score, threshold: s.threshold,
      probability: s.probability, decidedBy: s.decidedBy, totalPrice: s.totalPrice, currency: s.currency, test: s.test,
      orderCreatedAt: s.orderCreatedAt.toISOString(), screenedAt: s.screenedAt.toISOString(), actedAt: s.actedAt?.toISOString() ?? null,
      // Cancelled in Shopify by Holdfast (a staff decline with cancel, or the shop's auto-cancel).
      cancelled: actions.some((a) => a.action === "cancel" && (a.outcome === "applied" || a.outcome === "already")),
    },
    reasons: parseStored(StoredReasons, s.reasons),
    signals,
    facts: facts ? factRows(facts) : [],
    coverage: facts?.coverage ?? null,
    storeActions: actions.map((a) => ({ id: a.id, revision: a.revision, action: a.action, target: a.target, outcome: a.outcome, at: a.createdAt.toISOString() })),
    guarantee: guarantee
      ? {
          state: guarantee.state, reason: guarantee.reason && isMessageKey(guarantee.reason) ? guarantee.reason : null, amount: guarantee.amount,
          currency: guarantee.currency, fee: guarantee.fee, approvedAt: guarantee.approvedAt?.toISOString() ?? null, voidedAt: guarantee.voidedAt?.toISOString() ?? null,
        }
      : null,
    timeline,
    disputes: disputes.map((d) => ({
      id: d.id, disputeId: d.disputeId, reason: d.reason, status: d.status, amount: d.amount, currency: d.currency,
      initiatedAt: d.initiatedAt?.toISOString() ?? null, claimId: claims.find((c) => c.disputeId === d.disputeId)?.id ?? null,
      claimState: claims.find((c) => c.disputeId === d.disputeId)?.state ?? null,
    })),
    outcome: staffOutcome && (staffOutcome.label === "fraud" || staffOutcome.label === "good") ? staffOutcome.label : null,
    pending: pending.has(orderId),
  };
}

export type Receipt = NonNullable<Awaited<ReturnType<typeof loadReceipt>>>;
