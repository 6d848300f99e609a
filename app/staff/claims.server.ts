// The claims pages' queries (app/routes/app.claims.*): the shop's claims, filtered by state and
// paginated on the server; one claim with its history, its dispute, the evidence Holdfast filed
// and the guarantee it rests on; the ledger's monthly totals; the CSV export. Every query is scoped
// by shop: a claim of another shop is not found, never shown.
import { stringify } from "csv-stringify/sync";
import { z } from "zod";
import type { Db } from "../db-client.server";
import { StoredReasons, buildEvidence } from "../guarantee/evidence";
import { parseStored } from "./stored";
import { decisionOf } from "../guarantee/evidence.server";
import { monthlyTotals } from "../guarantee/ledger-totals";
import { CLAIM_STATES } from "./constants";

export { CLAIM_STATES } from "./constants";

export const CLAIMS_PAGE_SIZE = 25;
/** The CSV export's bound (a shop with more claims exports the newest this many). */
export const CSV_MAX_ROWS = 50_000;

export const ClaimsQuery = z.object({
  state: z.enum(CLAIM_STATES).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});
export type ClaimsQuery = z.infer<typeof ClaimsQuery>;

/** Search params as the list reads them: an empty `state` is "all". A bad value is a ZodError. */
export function parseClaimsQuery(params: URLSearchParams): ClaimsQuery {
  const raw = Object.fromEntries([...params.entries()].filter(([k, v]) => (k === "state" || k === "page") && v !== ""));
  return ClaimsQuery.parse(raw);
}

/** A claim id as Prisma makes them (cuid): anything else is not found, never a query. */
export const ClaimId = z.string().regex(/^[a-z0-9]{8,40}$/i);

const claimSelect = {
  id: true, disputeId: true, orderId: true, state: true, amount: true, currency: true, guaranteeAmount: true, guaranteeCurrency: true,
  payoutReference: true, paidAt: true, openedAt: true,
} as const;

export async function listClaims(db: Db, shop: string, q: ClaimsQuery) {
  const where = { shop, ...(q.state ? { state: q.state } : {}) };
  const [rows, total, counts] = await Promise.all([
    db.claim.findMany({ where, orderBy: [{ openedAt: "desc" }, { id: "desc" }], skip: (q.page - 1) * CLAIMS_PAGE_SIZE, take: CLAIMS_PAGE_SIZE, select: claimSelect }),
    db.claim.count({ where }),
    db.claim.groupBy({ by: ["state"], where: { shop }, _count: { _all: true } }),
  ]);
  const names = await orderNames(db, shop, rows.map((r) => r.orderId));
  return {
    claims: rows.map((r) => ({ ...r, orderName: names.get(r.orderId) ?? null, openedAt: r.openedAt.toISOString(), paidAt: r.paidAt?.toISOString() ?? null })),
    total,
    page: q.page,
    pageSize: CLAIMS_PAGE_SIZE,
    hasNext: q.page * CLAIMS_PAGE_SIZE < total,
    byState: Object.fromEntries(counts.map((c) => [c.state, c._count._all])) as Record<string, number>,
  };
}

/** Ids per query: well under PostgreSQL's 32,767 bind parameters (a CSV export has up to 50,000 claims). */
const NAMES_CHUNK = 5_000;

async function orderNames(db: Db, shop: string, orderIds: string[]): Promise<Map<string, string>> {
  const ids = [...new Set(orderIds)];
  const names = new Map<string, string>();
  for (let i = 0; i < ids.length; i += NAMES_CHUNK) {
    const rows = await db.orderScreening.findMany({ where: { shop, orderId: { in: ids.slice(i, i + NAMES_CHUNK) } }, select: { orderId: true, orderName: true } });
    for (const r of rows) if (r.orderName) names.set(r.orderId, r.orderName);
  }
  return names;
}

/** How many calendar months (UTC, this one included) the claims page's ledger totals cover. */
export const LEDGER_MONTHS = 12;

/** The first month ("YYYY-MM", UTC) of the last `months` calendar months up to `now`'s month. */
export function firstLedgerMonth(now: number, months: number = LEDGER_MONTHS): string {
  const d = new Date(now);
  const first = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - (months - 1), 1));
  return `${first.getUTCFullYear()}-${String(first.getUTCMonth() + 1).padStart(2, "0")}`;
}

/**
 * The ledger's totals per month and currency (app/guarantee/ledger-totals.ts) over the last
 * LEDGER_MONTHS months only (the entries of older months are not read), newest month first.
 */
export async function ledgerTotals(db: Db, shop: string, now: number = Date.now()) {
  const entries = await db.ledgerEntry.findMany({
    where: { shop, month: { gte: firstLedgerMonth(now) } },
    select: { kind: true, state: true, month: true, amount: true, currency: true, billedAmount: true, billedCurrency: true },
  });
  return monthlyTotals(entries).reverse();
}

export const CLAIMS_CSV_COLUMNS = [
  "claim_id", "dispute_id", "order_id", "order_name", "state", "amount", "currency", "guarantee_amount", "guarantee_currency",
  "opened_at", "paid_at", "payout_reference",
] as const;

/** This shop's claims (optionally one state) as CSV, newest first; cells a spreadsheet would run as a formula are escaped. */
export async function claimsCsv(db: Db, shop: string, state?: (typeof CLAIM_STATES)[number]): Promise<string> {
  const rows = await db.claim.findMany({
    where: { shop, ...(state ? { state } : {}) }, orderBy: [{ openedAt: "desc" }, { id: "desc" }], take: CSV_MAX_ROWS, select: claimSelect,
  });
  const names = await orderNames(db, shop, rows.map((r) => r.orderId));
  return stringify(
    rows.map((r) => [
      r.id, r.disputeId, r.orderId, names.get(r.orderId) ?? "", r.state, r.amount, r.currency, r.guaranteeAmount, r.guaranteeCurrency,
      r.openedAt.toISOString(), r.paidAt?.toISOString() ?? "", r.payoutReference ?? "",
    ]),
    { header: true, columns: [...CLAIMS_CSV_COLUMNS], escape_formulas: true },
  );
}

/** One claim of this shop with everything the detail page shows, or null (unknown, malformed or another shop's). */
export async function claimDetail(db: Db, shop: string, claimId: string) {
  const id = ClaimId.safeParse(claimId);
  if (!id.success) return null;
  const claim = await db.claim.findFirst({ where: { id: id.data, shop } });
  if (!claim) return null;
  const [events, dispute, guarantee, screening, decision] = await Promise.all([
    db.claimEvent.findMany({ where: { shop, claimId: claim.id }, orderBy: [{ at: "asc" }, { id: "asc" }] }),
    db.dispute.findUnique({ where: { shop_disputeId: { shop, disputeId: claim.disputeId } } }),
    db.guarantee.findUnique({
      where: { shop_orderId: { shop, orderId: claim.orderId } },
      select: { id: true, state: true, reason: true, amount: true, currency: true, feeRate: true, fee: true, approvedAt: true, voidedAt: true, revision: true },
    }),
    db.orderScreening.findUnique({ where: { shop_orderId: { shop, orderId: claim.orderId } }, select: { orderName: true, orderCreatedAt: true, reasons: true } }),
    decisionOf(db, shop, claim.orderId),
  ]);
  const filed = dispute?.evidenceState === "saved" || dispute?.evidenceState === "submitted";
  // The decision text Holdfast files (evidence.ts), rebuilt from the stored decision it is built
  // from; the rest (access log, customer's name, email, shipping address) is read from the order
  // in Shopify when filing and is not kept by Holdfast, so it is listed, not shown.
  const evidenceText = filed
    ? buildEvidence(
        { name: screening?.orderName ?? `#${claim.orderId}`, createdAt: screening?.orderCreatedAt.toISOString() ?? "", email: null, clientIp: null, customer: null, billingAddress: null, shippingAddress: null, firstVisit: null, lastVisit: null },
        decision,
      ).uncategorizedText
    : null;
  return {
    claim: {
      id: claim.id, disputeId: claim.disputeId, orderId: claim.orderId, orderName: screening?.orderName ?? null, state: claim.state, revision: claim.revision,
      amount: claim.amount, currency: claim.currency, guaranteeAmount: claim.guaranteeAmount, guaranteeCurrency: claim.guaranteeCurrency,
      payoutReference: claim.payoutReference, paidAt: claim.paidAt?.toISOString() ?? null, openedAt: claim.openedAt.toISOString(),
    },
    events: events.map((e) => ({ id: e.id, fromState: e.fromState, toState: e.toState, amount: e.amount, currency: e.currency, source: e.source, detail: e.detail, at: e.at.toISOString() })),
    dispute: dispute
      ? {
          disputeId: dispute.disputeId, type: dispute.type, reason: dispute.reason, rawReason: dispute.rawReason, status: dispute.status, rawStatus: dispute.rawStatus,
          amount: dispute.amount, currency: dispute.currency, initiatedAt: dispute.initiatedAt?.toISOString() ?? null,
          coverage: dispute.coverage, coverageReason: dispute.coverageReason,
          evidenceState: dispute.evidenceState, evidenceAt: dispute.evidenceAt?.toISOString() ?? null, evidenceDueBy: dispute.evidenceDueBy?.toISOString() ?? null,
          evidenceError: dispute.evidenceError,
        }
      : null,
    evidence: filed
      ? {
          text: evidenceText,
          decision: decision ? { ...decision, screenedAt: decision.screenedAt.toISOString() } : null,
          // The reasons in both languages (the filed text carries the English ones).
          reasons: storedReasons(screening?.reasons),
        }
      : null,
    guarantee: guarantee
      ? { ...guarantee, approvedAt: guarantee.approvedAt?.toISOString() ?? null, voidedAt: guarantee.voidedAt?.toISOString() ?? null }
      : null,
  };
}

export type ClaimDetail = NonNullable<Awaited<ReturnType<typeof claimDetail>>>;

function storedReasons(text: string | undefined): { en: string[]; ja: string[] } {
  // Evidence's schema: rows from before the Japanese reasons have English only.
  const parsed = parseStored(StoredReasons, text);
  return { en: parsed?.en ?? [], ja: parsed?.ja ?? [] };
}
