// The orders list: the shop's screened orders, searched and filtered from the URL's search params
// (each validated on its own: a bad value is dropped and named, the others still apply), paginated
// by offset on the server, newest order first.
import type { Prisma } from "@prisma/client";
import { z } from "zod";
import type { Db } from "../db-client.server";
import { localMidnight } from "./dashboard.server";

export const PAGE_SIZE = 25;
export const MAX_PAGE = 10_000;
/** The score bands offered as a filter (inclusive). */
export const SCORE_BAND_FILTERS = { low: [0, 299], medium: [300, 699], high: [700, 1000] } as const;
export type ScoreBandFilter = keyof typeof SCORE_BAND_FILTERS;

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((v) => {
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}, "not a calendar date");
const Score = z.coerce.number().int().min(0).max(1000);

/** Each filter's schema: a value that does not parse is dropped (and reported), never guessed. */
const FILTERS = {
  q: z.string().trim().min(1).max(100),
  verdict: z.enum(["ship", "hold"]),
  band: z.enum(["low", "medium", "high"]),
  min: Score,
  max: Score,
  guarantee: z.enum(["active", "none", "void"]),
  from: Day,
  to: Day,
  page: z.coerce.number().int().min(1).max(MAX_PAGE),
} as const;

export type FilterName = keyof typeof FILTERS;
export const FILTER_NAMES = Object.keys(FILTERS) as FilterName[];

export interface OrderFilters {
  q?: string;
  verdict?: "ship" | "hold";
  band?: ScoreBandFilter;
  min?: number;
  max?: number;
  guarantee?: "active" | "none" | "void";
  from?: string;
  to?: string;
  page: number;
}

/** The filters of a URL's search params, and the names of those whose value was not valid (ignored). */
export function parseOrderFilters(params: URLSearchParams): { filters: OrderFilters; invalid: FilterName[] } {
  const filters: Record<string, unknown> = { page: 1 };
  const invalid: FilterName[] = [];
  for (const name of FILTER_NAMES) {
    const raw = params.get(name);
    if (raw === null || raw.trim() === "") continue;
    const parsed = FILTERS[name].safeParse(raw);
    if (parsed.success) filters[name] = parsed.data;
    else invalid.push(name);
  }
  // A range whose bounds are the wrong way round is not guessed at either.
  if (typeof filters.min === "number" && typeof filters.max === "number" && filters.min > filters.max) {
    delete filters.min;
    delete filters.max;
    invalid.push("min", "max");
  }
  if (typeof filters.from === "string" && typeof filters.to === "string" && filters.from > filters.to) {
    delete filters.from;
    delete filters.to;
    invalid.push("from", "to");
  }
  return { filters: filters as unknown as OrderFilters, invalid };
}

function dayStart(day: string, tz: string | undefined): Date {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(localMidnight(y, m, d, tz));
}

function nextDayStart(day: string, tz: string | undefined): Date {
  const next = new Date(`${day}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return dayStart(next.toISOString().slice(0, 10), tz);
}

export function orderWhere(shop: string, f: OrderFilters, tz?: string): Prisma.OrderScreeningWhereInput {
  const and: Prisma.OrderScreeningWhereInput[] = [{ shop }];
  if (f.q) {
    const digits = f.q.replace(/^#/, "");
    const or: Prisma.OrderScreeningWhereInput[] = [{ orderName: f.q }, { orderName: `#${digits}` }, { orderName: { contains: f.q } }];
    if (/^\d{1,20}$/.test(digits)) or.push({ orderId: digits });
    and.push({ OR: or });
  }
  if (f.verdict) and.push({ verdict: f.verdict });
  if (f.band) and.push({ score: { gte: SCORE_BAND_FILTERS[f.band][0], lte: SCORE_BAND_FILTERS[f.band][1] } });
  if (f.min !== undefined) and.push({ score: { gte: f.min } });
  if (f.max !== undefined) and.push({ score: { lte: f.max } });
  if (f.guarantee) and.push({ guarantee: f.guarantee });
  if (f.from) and.push({ orderCreatedAt: { gte: dayStart(f.from, tz) } });
  if (f.to) and.push({ orderCreatedAt: { lt: nextDayStart(f.to, tz) } });
  return { AND: and };
}

export interface OrderRow {
  orderId: string;
  orderName: string | null;
  createdAt: string;
  totalPrice: string | null;
  currency: string | null;
  verdict: string;
  score: number;
  guarantee: string;
}

export async function listOrders(db: Db, shop: string, f: OrderFilters, opts: { timeZone?: string; pageSize?: number } = {}) {
  const size = opts.pageSize ?? PAGE_SIZE;
  const where = orderWhere(shop, f, opts.timeZone);
  const [rows, total] = await Promise.all([
    db.orderScreening.findMany({
      where, orderBy: [{ orderCreatedAt: "desc" }, { orderId: "desc" }], skip: (f.page - 1) * size, take: size,
      select: { orderId: true, orderName: true, orderCreatedAt: true, totalPrice: true, currency: true, verdict: true, score: true, guarantee: true },
    }),
    db.orderScreening.count({ where }),
  ]);
  const orders: OrderRow[] = rows.map((r) => ({
    orderId: r.orderId, orderName: r.orderName, createdAt: r.orderCreatedAt.toISOString(), totalPrice: r.totalPrice, currency: r.currency,
    verdict: r.verdict, score: r.score, guarantee: r.guarantee,
  }));
  return { orders, total, page: f.page, pageSize: size, hasPrevious: f.page > 1, hasNext: f.page * size < total };
}
