// The review queue (app/routes/app.review.tsx): the shop's held orders that no person has decided
// since (verdict hold, decidedBy not "staff"), oldest first (order creation time), a page at a time.
import { z } from "zod";
import type { Db } from "../db-client.server";
import { pendingWork } from "./receipt.server";
import { StoredReasons, parseStored } from "./stored";

export const REVIEW_PAGE_SIZE = 25;

export const ReviewQuery = z.object({
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});

/** The first stored reason per language; a language without one is null (the page shows its own generic text, never another language). */
function firstReason(text: string): { en: string | null; ja: string | null } | null {
  const r = parseStored(StoredReasons, text);
  return r && (r.en[0] || r.ja[0]) ? { en: r.en[0] || null, ja: r.ja[0] || null } : null;
}

/** The orders waiting for review: held, and no person has decided them since. The dashboard's "held now" counts the same. */
export function reviewWhere(shop: string) {
  return { shop, verdict: "hold", decidedBy: { not: "staff" } };
}

/** How many orders wait for review (the queue's total). */
export function reviewCount(db: Db, shop: string): Promise<number> {
  return db.orderScreening.count({ where: reviewWhere(shop) });
}

export async function reviewQueue(db: Db, shop: string, page: number, pageSize = REVIEW_PAGE_SIZE) {
  const where = reviewWhere(shop);
  const [total, rows] = await Promise.all([
    reviewCount(db, shop),
    db.orderScreening.findMany({
      where, orderBy: [{ orderCreatedAt: "asc" }, { id: "asc" }], skip: (page - 1) * pageSize, take: pageSize,
      select: { orderId: true, orderName: true, score: true, threshold: true, totalPrice: true, currency: true, orderCreatedAt: true, reasons: true, guarantee: true },
    }),
  ]);
  const pending = await pendingWork(db, shop, rows.map((r) => r.orderId));
  return {
    total, page, pageSize,
    hasPrevious: page > 1,
    hasNext: page * pageSize < total,
    orders: rows.map((r) => ({
      orderId: r.orderId, name: r.orderName, score: r.score, threshold: r.threshold, totalPrice: r.totalPrice, currency: r.currency,
      orderCreatedAt: r.orderCreatedAt.toISOString(), reason: firstReason(r.reasons), pending: pending.has(r.orderId),
    })),
  };
}
