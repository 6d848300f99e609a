// The operator's side of claims (`npm run claims -- list | pay | export`, scripts/claims.ts):
// listing claims, recording a payout, and a shop's claims as CSV. Paying is the only way a claim
// becomes `paid`: approved -> paid, with a ClaimEvent (source operator) and the ledger's
// `payout:<claim>` entry, once, in one transaction (docs/guarantee.md, "Claims").
import { stringify } from "csv-stringify/sync";
import type { Db } from "../db-client.server";
import { claimKey, monthOf, payoutKey } from "./ledger.server";

/** A refusal the operator must read (the command exits 1). */
export class ClaimCommandError extends Error {
  override name = "ClaimCommandError";
}

export interface ClaimFilter {
  shop?: string;
  state?: string;
}

const STATES = new Set(["open", "approved", "paid", "closed"]);

export async function listClaims(db: Db, filter: ClaimFilter = {}) {
  if (filter.state && !STATES.has(filter.state)) throw new ClaimCommandError(`unknown state "${filter.state}" (open, approved, paid, closed)`);
  return db.claim.findMany({
    where: { ...(filter.shop ? { shop: filter.shop } : {}), ...(filter.state ? { state: filter.state } : {}) },
    orderBy: [{ shop: "asc" }, { openedAt: "asc" }],
  });
}

const REFERENCE = /^[\x20-\x7e]{1,200}$/;

/**
 * Record the payout of an approved claim. Refused (ClaimCommandError), changing nothing, for an
 * unknown claim, a claim not approved (open, closed) or already paid, or an empty reference.
 */
export async function payClaim(db: Db, claimId: string, reference: string, opts: { now?: Date; shop?: string } = {}) {
  const now = opts.now ?? new Date();
  const ref = reference.trim();
  if (!REFERENCE.test(ref)) throw new ClaimCommandError("a payout needs --reference <text> (printable, at most 200 characters)");
  const found = await db.claim.findUnique({ where: { id: claimId } });
  if (!found || (opts.shop && found.shop !== opts.shop)) throw new ClaimCommandError(`no claim ${claimId}${opts.shop ? ` in ${opts.shop}` : ""}`);
  const shop = found.shop;
  return db.$transaction(async (tx) => {
    const moved = await tx.claim.updateMany({ where: { id: claimId, shop, state: "approved" }, data: { state: "paid", payoutReference: ref, paidAt: now } });
    if (moved.count !== 1) {
      const current = await tx.claim.findUnique({ where: { id: claimId }, select: { state: true, payoutReference: true } });
      if (current?.state === "paid") throw new ClaimCommandError(`claim ${claimId} is already paid (reference ${current.payoutReference ?? "?"})`);
      throw new ClaimCommandError(`claim ${claimId} is ${current?.state ?? "gone"}: only an approved claim can be paid`);
    }
    const claim = await tx.claim.findUniqueOrThrow({ where: { id: claimId } });
    await tx.claimEvent.create({
      data: { shop, claimId, fromState: "approved", toState: "paid", amount: claim.amount, currency: claim.currency, source: "operator", detail: `payout ${ref}`, at: now },
    });
    await tx.ledgerEntry.updateMany({ where: { shop, key: claimKey(claimId), state: "owed" }, data: { state: "paid" } });
    await tx.ledgerEntry.create({
      data: {
        shop, key: payoutKey(claimId), kind: "claim_paid", state: "paid", orderId: claim.orderId, claimId, amount: claim.amount, currency: claim.currency,
        detail: `payout ${ref}`, month: monthOf(now),
      },
    });
    await tx.auditEvent.create({
      data: { shop, orderId: claim.orderId, kind: "claim_paid", actor: "operator", message: `Claim ${claimId} paid: ${claim.amount} ${claim.currency} (reference ${ref})` },
    });
    return claim;
  });
}

export const CSV_COLUMNS = [
  "claim_id", "shop", "order_id", "dispute_id", "state", "amount", "currency", "guarantee_amount", "guarantee_currency", "dispute_reason",
  "dispute_status", "opened_at", "approved_at", "closed_at", "paid_at", "payout_reference",
] as const;

/** A shop's claims as CSV (one header line, one line per claim; amounts exact, as stored). */
export async function claimsCsv(db: Db, shop: string): Promise<string> {
  const [claims, disputes, events] = await Promise.all([
    db.claim.findMany({ where: { shop }, orderBy: { openedAt: "asc" } }),
    db.dispute.findMany({ where: { shop }, select: { disputeId: true, reason: true, status: true } }),
    db.claimEvent.findMany({ where: { shop }, select: { claimId: true, toState: true, fromState: true, at: true }, orderBy: { at: "asc" } }),
  ]);
  const byDispute = new Map(disputes.map((d) => [d.disputeId, d]));
  const reached = (claimId: string, state: string) => events.find((e) => e.claimId === claimId && e.toState === state && e.fromState !== state)?.at.toISOString() ?? "";
  const rows = claims.map((c) => [
    c.id, c.shop, c.orderId, c.disputeId, c.state, c.amount, c.currency, c.guaranteeAmount, c.guaranteeCurrency, byDispute.get(c.disputeId)?.reason ?? "",
    byDispute.get(c.disputeId)?.status ?? "", c.openedAt.toISOString(), reached(c.id, "approved"), reached(c.id, "closed"), c.paidAt?.toISOString() ?? "",
    c.payoutReference ?? "",
  ]);
  return stringify([[...CSV_COLUMNS], ...rows]);
}
