// The review queue (app/routes/app.review.tsx): the shop's held orders that no person has decided
// since (verdict hold, decidedBy not "staff"), oldest first (order creation time), a page at a time.
import { z } from "zod";
import type { Db } from "../db-client.server";
import { pendingWork } from "./receipt.server";

export const REVIEW_PAGE_SIZE = 25;

export const ReviewQuery = z.object({
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});

const Reasons = z.object({ en: z.array(z.string()), ja: z.array(z.string()) });

function firstReason(text: string): { en: string; ja: string } | null {
  try {
    const r = Reasons.safeParse(JSON.parse(text));
    return r.success && r.data.en[0] ? { en: r.data.en[0], ja: r.data.ja[0] ?? r.data.en[0] } : null;
  } catch {
    return null;
  }
}

export async function reviewQueue(db: Db, shop: string, page: number, pageSize = REVIEW_PAGE_SIZE) {
  const where = { shop, verdict: "hold", decidedBy: { not: "staff" } };
  const [total, rows] = await Promise.all([
    db.orderScreening.count({ where }),
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
