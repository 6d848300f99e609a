// The per-shop ledger's entries for the guarantee's fee (docs/guarantee.md). Each entry exists once
// per shop and key (LedgerEntry @@unique([shop, key])):
//   fee:<orderId>     kind fee:        pending (to charge) -> charged | owed (cannot be charged now) |
//                                      netted (covered by credits) | void (the guarantee was voided before any charge);
//   credit:<orderId>  kind fee_credit: open -> applied (netted against later charges), when a guarantee
//                                      whose fee was charged is voided (usage records cannot be negative);
//   credit:<orderId>:rest:<feeOrderId> the open remainder of a credit that the fee of feeOrderId used in
//                                      part (the credit itself keeps the part applied);
//   claim_approved / claim_paid (written by the claims code): what Holdfast owes and paid on claims.
// Billing (app/guarantee/billing.server.ts) fixes a fee's price before it calls Shopify: billedAmount
// (the price sent, after credits), billedCurrency, rate, rateSource, idempotencyKey.
import type { PrismaPromise } from "@prisma/client";
import type { Db, Tx } from "../db-client.server";
import { money, roundTo } from "./money";

export const feeKey = (orderId: string) => `fee:${orderId}`;
export const creditKey = (orderId: string) => `credit:${orderId}`;

/** Calendar month (UTC) an entry counts in. */
export function monthOf(at: Date): string {
  return at.toISOString().slice(0, 7);
}

/**
 * The fee of a guarantee that became active: a `pending` fee entry, created once (a re-approval or a
 * redelivery leaves the first one as it is). To run in the transaction that records the guarantee.
 */
export function feeOnApproval(db: Db, g: { shop: string; orderId: string; fee: string; currency: string; at: Date }): PrismaPromise<unknown> {
  return db.ledgerEntry.upsert({
    where: { shop_key: { shop: g.shop, key: feeKey(g.orderId) } },
    create: { shop: g.shop, key: feeKey(g.orderId), kind: "fee", state: "pending", orderId: g.orderId, amount: g.fee, currency: g.currency, month: monthOf(g.at) },
    update: {},
  });
}

/**
 * A guarantee was voided: a fee not charged yet is not charged (void); a fee already charged, or
 * netted against credits, becomes an open credit of what it billed in the billing currency (its
 * converted amount: the price paid plus the credits it used), netted against the shop's next charges.
 * A fee whose price was fixed but whose usage record may or may not exist yet (prepared, still
 * pending or owed) is left to its charge_fee job, which completes it under its idempotency key and
 * then credits it here: never a charge without its credit.
 */
export async function feeOnVoid(db: Db, shop: string, orderId: string, at: Date): Promise<void> {
  await db.ledgerEntry.updateMany({
    where: { shop, key: feeKey(orderId), state: { in: ["pending", "owed"] }, billedAmount: null },
    data: { state: "void", detail: "guarantee voided before the fee was charged" },
  });
  const fee = await db.ledgerEntry.findUnique({ where: { shop_key: { shop, key: feeKey(orderId) } } });
  if ((fee?.state !== "charged" && fee?.state !== "netted") || !fee.billedAmount || !fee.billedCurrency) return;
  const billed = fee.rate ? roundTo(money(fee.amount).times(money(fee.rate)), fee.billedCurrency) : fee.billedAmount;
  if (money(billed).isZero()) return;
  await db.ledgerEntry.upsert({
    where: { shop_key: { shop, key: creditKey(orderId) } },
    create: {
      shop, key: creditKey(orderId), kind: "fee_credit", state: "open", orderId, amount: billed, currency: fee.billedCurrency,
      detail: `guarantee voided after its fee was ${fee.state} (usage record ${fee.usageRecordId ?? "none"})`, month: monthOf(at),
    },
    update: {},
  });
}

export const claimKey = (claimId: string) => `claim:${claimId}`;
export const payoutKey = (claimId: string) => `payout:${claimId}`;

/** A claim was approved: Holdfast owes its amount. Once per claim (a second approval leaves the first entry). */
export function claimOnApproval(db: Db | Tx, c: { shop: string; claimId: string; orderId: string; amount: string; currency: string; at: Date }): Promise<unknown> {
  return db.ledgerEntry.upsert({
    where: { shop_key: { shop: c.shop, key: claimKey(c.claimId) } },
    create: {
      shop: c.shop, key: claimKey(c.claimId), kind: "claim_approved", state: "owed", orderId: c.orderId, claimId: c.claimId,
      amount: c.amount, currency: c.currency, month: monthOf(c.at), detail: "claim approved: the dispute was lost or accepted",
    },
    update: {},
  });
}

/** The disputed amount of an approved claim changed before it was paid: what is owed follows it. */
export function claimAmountChanged(db: Db | Tx, shop: string, claimId: string, amount: string, currency: string): Promise<unknown> {
  return db.ledgerEntry.updateMany({ where: { shop, key: claimKey(claimId), state: "owed" }, data: { amount, currency } });
}
