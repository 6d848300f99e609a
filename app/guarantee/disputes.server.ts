// Disputes and claims (docs/guarantee.md, "Claims"). disputes/create|update webhooks and
// reconciliation only *trigger* the record_dispute job (its payload: the dispute id and what dedupe
// needs); the job reads the dispute from the shop's own Admin API (docs/security.md: a claim is made
// only from the dispute as Shopify answers it with that shop's token, never from a webhook body),
// records it (normalised and raw reason/status, amount, evidence due date), decides the coverage
// (app/guarantee/claims.ts) and opens or moves the claim, with every transition in ClaimEvent and
// the money owed in the ledger.
//
// Order-independent and idempotent: the work on one dispute holds a lease (`dispute:<shop>:<id>`), so
// two jobs of the same dispute (a webhook's and a reconciliation's, with different dedupe keys) never
// interleave their read and write, and the later read is written later; a read older than what is
// stored (lower type/status rank) changes nothing; claim states only move forward (compare-and-set
// on the state); the claim, its ledger entries and its evidence job are unique per shop and dispute.
import { z } from "zod";
import { isUniqueViolation, type Db, type Tx } from "../db-client.server";
import { translate, isMessageKey } from "../i18n/index";
import { enqueue, type NewJob } from "../jobs/queue.server";
import type { AdminGateway } from "../shopify/gateway.server";
import { Dispute } from "../shopify/operations";
import type { DeliveryPlan, WebhookContext } from "../webhooks/accept.server";
import { DisputePayload, describeIssues, gidTail } from "../webhooks/payloads";
import {
  CLAIM_RANK, claimStateFor, decideCoverage, disputeRank, isDelivered, normaliseStatus, normaliseType, transitions, type ClaimState, type Coverage,
} from "./claims";
import { OutcomeError, recordOutcome } from "../learning/outcomes.server";
import { claimOnApproval, claimAmountChanged } from "./ledger.server";
import { evidenceJob } from "./evidence.server";
import { money } from "./money";

export const RECORD_DISPUTE = "record_dispute";

const REASONS = new Set([
  "bank_cannot_process", "credit_not_processed", "customer_initiated", "debit_not_authorized", "duplicate", "fraudulent", "general",
  "incorrect_account_details", "insufficient_funds", "noncompliant", "product_not_received", "product_unacceptable",
  "subscription_cancelled", "unrecognized",
]);
const SPELLINGS: Record<string, string> = { bank_not_process: "bank_cannot_process", subscription_canceled: "subscription_cancelled" };

/** Lower-cased, both spellings mapped, anything else `unknown` (never a reason to reject a delivery). */
export function normaliseReason(raw: string | null | undefined): string {
  const r = (raw ?? "").toLowerCase();
  const mapped = SPELLINGS[r] ?? r;
  return REASONS.has(mapped) ? mapped : "unknown";
}

/**
 * The record_dispute job's payload, parsed when the job is claimed: what triggered it, never what the
 * dispute is (that is read from the Admin API). type/status/amount only make the dedupe key.
 */
export const DisputeJobPayload = z.object({
  disputeId: z.string().regex(/^\d{1,20}$/, "must be a numeric dispute id"),
  status: z.string().min(1).max(40),
  type: z.string().min(1).max(40).optional(),
  amount: z.string().max(40).optional(),
  source: z.enum(["webhook", "reconcile"]),
  /** The delivery that triggered it (kept in the claim's history), when it came by webhook. */
  webhookId: z.string().max(100).optional(),
  topic: z.string().max(40).optional(),
  /** A reconciliation's slot: its job for a state differs from the webhook's for the same state. */
  slot: z.number().int().min(0).optional(),
});
export type DisputeJobPayload = z.infer<typeof DisputeJobPayload>;

/**
 * One job per (dispute, type, status, amount) and trigger: a redelivery of the same state is a
 * duplicate; an inquiry turned into a chargeback (same id, often the same `needs_response` status)
 * or an amount change is new. A reconciliation's job carries its slot, so a webhook job that died
 * does not stop reconciliation from reading the dispute again.
 */
export function disputeJob(shop: string, payload: DisputeJobPayload): NewJob {
  const state = `${payload.type ?? "unknown"}:${payload.status}:${payload.amount ?? ""}`;
  const trigger = payload.source === "reconcile" ? `:reconcile:${payload.slot ?? 0}` : "";
  return { shop, kind: RECORD_DISPUTE, dedupeKey: `dispute:${payload.disputeId}:${state}${trigger}`, payload };
}

export function planDispute(ctx: WebhookContext): DeliveryPlan {
  const parsed = DisputePayload.safeParse(ctx.payload);
  if (!parsed.success) return { invalid: `${ctx.topic} payload: ${describeIssues(parsed.error)}` };
  const d = parsed.data;
  return {
    jobs: [
      disputeJob(ctx.shop, {
        disputeId: String(d.id), status: d.status.toLowerCase().slice(0, 40), type: d.type.toLowerCase().slice(0, 40),
        amount: String(d.amount).slice(0, 40), source: "webhook", webhookId: ctx.webhookId.slice(0, 100), topic: ctx.topic.slice(0, 40),
      }),
    ],
  };
}

/** The dispute as the Admin API answers it (parsed: it decides money). */
const DisputeRead = z.object({
  dispute: z
    .object({
      id: z.string(),
      type: z.string(),
      status: z.string(),
      initiatedAt: z.string().nullish(),
      evidenceDueBy: z.string().nullish(),
      amount: z.object({ amount: z.union([z.string(), z.number()]).transform(String), currencyCode: z.string().regex(/^[A-Z]{3}$/) }),
      reasonDetails: z.object({ reason: z.string().nullish() }),
      order: z
        .object({
          id: z.string(),
          displayFulfillmentStatus: z.string(),
          fulfillments: z.array(z.object({ displayStatus: z.string().nullish() })),
        })
        .nullish(),
    })
    .nullish(),
});

/** Run again later: the order's screening is still queued or running (the composition root defers the job). */
export class WaitForScreening extends Error {
  override name = "WaitForScreening";
  constructor(message: string, readonly retryInMs: number) {
    super(message);
  }
}

/** Another job holds this dispute's lease: run again in a moment (the composition root defers the job). */
export class DisputeBusy extends Error {
  override name = "DisputeBusy";
  constructor(message: string, readonly retryInMs: number) {
    super(message);
  }
}

export const SCREENING_WAIT_MS = 60_000;
export const BUSY_WAIT_MS = 250;
const LEASE_MS = 2 * 60_000;

export interface DisputeDeps {
  db: Db;
  gateway: AdminGateway;
  now?: () => number;
}

export interface RecordDisputeResult {
  outcome: "recorded" | "stale" | "not_found" | "waiting";
  coverage?: string;
  claim?: { id: string; state: ClaimState; amount: string; currency: string };
}

/** The record_dispute job: read the dispute, record it, decide, move the claim. */
export async function recordDispute(
  deps: DisputeDeps, shop: string, p: DisputeJobPayload, opts: { signal?: AbortSignal; jobId?: string } = {},
): Promise<RecordDisputeResult> {
  const now = deps.now ?? Date.now;
  const lease = `dispute:${shop}:${p.disputeId}`;
  const owner = opts.jobId ?? `job-${Math.random().toString(36).slice(2)}`;
  if (!(await takeLease(deps.db, shop, lease, owner, now()))) throw new DisputeBusy(`dispute ${p.disputeId} is being recorded by another job`, BUSY_WAIT_MS);
  try {
    return await recordLocked(deps, shop, p, opts.signal);
  } finally {
    await deps.db.$transaction([deps.db.lock.deleteMany({ where: { name: lease, owner } })]);
  }
}

/**
 * The dispute's lease (a `Lock` row named `dispute:<shop>:<id>`, owned by the job id). Each write is
 * its own transaction: on SQLite a write outside one runs on the connection inside whatever
 * transaction another job has open, and is lost if that one rolls back (a lost release would leave
 * the lease held). A lease whose holder is no longer a running job (it finished or died without
 * releasing it) is free, as is an expired one.
 */
async function takeLease(db: Db, shop: string, name: string, owner: string, now: number): Promise<boolean> {
  const expiresAt = new Date(now + LEASE_MS);
  const take = async (where: object) => (await db.$transaction([db.lock.updateMany({ where: { name, ...where }, data: { owner, expiresAt } })]))[0].count === 1;
  if (await take({ OR: [{ expiresAt: { lt: new Date(now) } }, { owner }] })) return true;
  try {
    await db.$transaction([db.lock.create({ data: { name, owner, expiresAt } })]);
    return true;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  const held = await db.lock.findUnique({ where: { name } });
  if (!held) return false;
  const holder = await db.job.findFirst({ where: { id: held.owner, shop }, select: { state: true } });
  return holder?.state === "running" ? false : take({ owner: held.owner });
}

async function recordLocked(deps: DisputeDeps, shop: string, p: DisputeJobPayload, signal?: AbortSignal): Promise<RecordDisputeResult> {
  const { db, gateway } = deps;
  const now = new Date((deps.now ?? Date.now)());
  const read = DisputeRead.parse(await gateway.request<unknown>(shop, Dispute, { id: `gid://shopify/ShopifyPaymentsDispute/${p.disputeId}` }, signal));
  // Not this shop's dispute (e.g. another shop's body replayed under this shop's header): nothing is recorded.
  const x = read.dispute;
  if (!x) return { outcome: "not_found" };
  const d = {
    orderId: x.order ? gidTail(x.order.id) : null,
    type: normaliseType(x.type), status: normaliseStatus(x.status), reason: normaliseReason(x.reasonDetails.reason),
    rawReason: x.reasonDetails.reason ?? "", rawStatus: x.status,
    amount: money(x.amount.amount).toString(), currency: x.amount.currencyCode,
    initiatedAt: x.initiatedAt ? new Date(x.initiatedAt) : null, evidenceDueBy: x.evidenceDueBy ? new Date(x.evidenceDueBy) : null,
  };
  const key = { shop_disputeId: { shop, disputeId: p.disputeId } };
  const stored = await db.dispute.findUnique({ where: key, select: { type: true, status: true, amount: true, currency: true, coverage: true, coverageReason: true } });
  // A read older than what is stored (Shopify's answer before a later one was recorded) changes nothing.
  if (stored && disputeRank(stored.type, stored.status) > disputeRank(d.type, d.status)) return { outcome: "stale" };

  const [guarantee, shopRow, claim] = await Promise.all([
    d.orderId ? db.guarantee.findUnique({ where: { shop_orderId: { shop, orderId: d.orderId } } }) : null,
    db.shop.findUnique({ where: { shop }, select: { coverNotReceived: true } }),
    db.claim.findUnique({ where: key }),
  ]);
  const screeningPending =
    !guarantee && d.orderId
      ? (await db.job.count({ where: { shop, kind: SCREEN_ORDER_KIND, state: { in: ["queued", "running"] }, dedupeKey: { startsWith: `order:${d.orderId}:screen:` } } })) > 0
      : false;
  const decision: Coverage = decideCoverage({
    dispute: d, guarantee: guarantee ? { state: guarantee.state, reason: guarantee.reason } : null, screeningPending,
    coverNotReceived: shopRow?.coverNotReceived ?? false, delivered: isDelivered(x.order),
  });
  // A claim once opened follows its dispute to the end: a later re-decision never withdraws it.
  const coverage = claim ? "claim" : decision.coverage;
  const coverageReason = claim ? "claim.opened" : decision.reason;
  const row = {
    orderId: d.orderId, type: d.type, reason: d.reason, status: d.status, amount: d.amount, currency: d.currency, initiatedAt: d.initiatedAt,
    rawReason: d.rawReason, rawStatus: d.rawStatus, evidenceDueBy: d.evidenceDueBy, coverage, coverageReason,
    coverageNote: coverageNote(coverageReason, claim ? {} : decision.vars, d),
  };
  const source = p.source === "webhook" ? "webhook" : "reconcile";
  const detail = p.source === "webhook" ? `${p.topic ?? "disputes"} delivery ${p.webhookId ?? "?"}` : `reconciliation slot ${p.slot ?? "?"}`;
  // One audit event per change a merchant would care about (not per re-read: a dispute waiting for its
  // order's screening is read again every minute).
  const changed =
    !stored || stored.type !== d.type || stored.status !== d.status || stored.amount !== d.amount || stored.currency !== d.currency ||
    stored.coverage !== coverage || stored.coverageReason !== coverageReason;
  await db.$transaction([
    db.dispute.upsert({ where: key, create: { shop, disputeId: p.disputeId, ...row }, update: row }),
    ...(changed
      ? [
          db.auditEvent.create({
            data: {
              shop, orderId: d.orderId, kind: "dispute",
              message: `Dispute ${p.disputeId} (${d.type}, ${d.reason}) is ${d.status}: ${d.amount} ${d.currency}; ${row.coverageNote}`,
            },
          }),
        ]
      : []),
  ]);
  // A fraud chargeback teaches the shop's model: its order is labelled fraud (once; staff's label wins).
  if (d.orderId && d.type === "chargeback" && FRAUD_REASONS.has(d.reason)) await recordFraudOutcome(db, shop, d.orderId, p.disputeId, now);
  if (decision.coverage === "waiting" && !claim) {
    throw new WaitForScreening(`dispute ${p.disputeId}: order ${d.orderId} is still being screened`, SCREENING_WAIT_MS);
  }
  if (coverage !== "claim" || (!guarantee && !claim)) return { outcome: "recorded", coverage };
  const moved = await moveClaim(db, shop, p.disputeId, {
    orderId: d.orderId ?? "", guaranteeId: guarantee?.id ?? claim?.guaranteeId ?? "", revision: guarantee?.revision ?? claim?.revision ?? 0,
    amount: d.amount, currency: d.currency, guaranteeAmount: guarantee?.amount ?? claim?.guaranteeAmount ?? "",
    guaranteeCurrency: guarantee?.currency ?? claim?.guaranteeCurrency ?? "", target: claimStateFor(d.status),
    source, detail: `${detail}: dispute ${d.status}`, at: now,
  });
  return { outcome: "recorded", coverage, claim: moved };
}

/** Dispute reasons that say the cardholder did not make the purchase (the ones the guarantee covers). */
const FRAUD_REASONS = new Set(["fraudulent", "unrecognized"]);

async function recordFraudOutcome(db: Db, shop: string, orderId: string, disputeId: string, now: Date): Promise<void> {
  try {
    await recordOutcome(db, { shop, orderId, label: "fraud", source: "chargeback", note: `dispute ${disputeId}` }, { now });
  } catch (error) {
    // An order Holdfast never screened (or not yet: the job runs again once it is) has nothing to learn from.
    if (!(error instanceof OutcomeError)) throw error;
  }
}

/** The kind of the screening job (app/screening/intake.server.ts), whose dedupe keys are `order:<id>:screen:<revision>`. */
const SCREEN_ORDER_KIND = "screen_order";

function coverageNote(reason: string, vars: Record<string, string>, d: { status: string; rawStatus: string }): string {
  const filled: Record<string, string> = { ...vars };
  if (filled.why && isMessageKey(filled.why)) filled.why = translate("en", filled.why, { amount: "the order total", fields: "details", date: "a later date" });
  const text = isMessageKey(reason) ? translate("en", reason, filled) : reason;
  return d.status === "unknown" ? `${text} ${translate("en", "claim.status_unknown", { raw: d.rawStatus })}` : text;
}

interface ClaimTarget {
  orderId: string;
  guaranteeId: string;
  revision: number;
  amount: string;
  currency: string;
  guaranteeAmount: string;
  guaranteeCurrency: string;
  target: "open" | "approved" | "closed";
  source: string;
  detail: string;
  at: Date;
}

/**
 * Open the claim (once per shop and dispute) and move it forward to the state the dispute calls for:
 * one transaction, each step a compare-and-set on the state with its ClaimEvent, and the ledger's
 * entry when approved. A unique violation (a racing writer created the claim first) is retried.
 */
async function moveClaim(db: Db, shop: string, disputeId: string, t: ClaimTarget): Promise<RecordDisputeResult["claim"]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction((tx) => moveClaimIn(tx, shop, disputeId, t));
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= 3) throw error;
    }
  }
}

async function moveClaimIn(tx: Tx, shop: string, disputeId: string, t: ClaimTarget): Promise<RecordDisputeResult["claim"]> {
  const event = (claimId: string, fromState: ClaimState | null, toState: ClaimState, detail = t.detail) =>
    tx.claimEvent.create({ data: { shop, claimId, fromState, toState, amount: t.amount, currency: t.currency, source: t.source, detail, at: t.at } });
  let claim = await tx.claim.findUnique({ where: { shop_disputeId: { shop, disputeId } } });
  if (!claim) {
    claim = await tx.claim.create({
      data: {
        shop, disputeId, orderId: t.orderId, guaranteeId: t.guaranteeId, revision: t.revision, state: "open", amount: t.amount, currency: t.currency,
        guaranteeAmount: t.guaranteeAmount, guaranteeCurrency: t.guaranteeCurrency, openedAt: t.at,
      },
    });
    await event(claim.id, null, "open");
    await enqueue(tx, evidenceJob(shop, { disputeId, submit: false }));
  }
  const state = claim.state as ClaimState;
  // The disputed amount changed (a partial chargeback, a correction): the claim follows it until it is paid.
  if (state !== "paid" && (claim.currency !== t.currency || !money(claim.amount).equals(money(t.amount)))) {
    const changed = await tx.claim.updateMany({ where: { id: claim.id, shop, state, amount: claim.amount }, data: { amount: t.amount, currency: t.currency } });
    if (changed.count === 1) {
      await event(claim.id, state, state, `${t.detail}; amount ${claim.amount} ${claim.currency} -> ${t.amount} ${t.currency}`);
      await claimAmountChanged(tx, shop, claim.id, t.amount, t.currency);
    }
  }
  let current: ClaimState = state;
  for (const step of transitions(state, t.target)) {
    if (step.from === null || CLAIM_RANK[step.to] <= CLAIM_RANK[current]) continue;
    const moved = await tx.claim.updateMany({ where: { id: claim.id, shop, state: step.from }, data: { state: step.to } });
    if (moved.count !== 1) break; // another writer moved it first: its event is the one kept
    current = step.to;
    await event(claim.id, step.from, step.to);
    if (step.to === "approved") await claimOnApproval(tx, { shop, claimId: claim.id, orderId: t.orderId, amount: t.amount, currency: t.currency, at: t.at });
  }
  return { id: claim.id, state: current, amount: t.amount, currency: t.currency };
}
