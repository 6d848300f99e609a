// What Holdfast's order-page block (extensions/holdfast-order-block) shows for one order: the
// verdict, score, threshold, probability, the top three reasons in the requested language, the
// guarantee state and why, and the path of the receipt. Read from the current shop's rows only; the
// route (app/routes/api.order-block.$orderId.tsx) gives the shop from the verified session token.
// An order Holdfast has not screened is `screened: false`, never shown as approved.
import { z } from "zod";
import type { Db } from "../db-client.server";
import { isMessageKey, localeOf, translate, type Locale } from "../i18n";
import { formatDate, formatMoney } from "../i18n/format";
import { OrderCancellation } from "../shopify/operations";
import { StoredReasons, parseStored } from "./stored";

/** How many reasons the block shows (the engine stores them largest contribution first). */
export const TOP_REASONS = 3;

/**
 * The order id the block sends: the numeric id or the admin's GID (`shopify.data.selected[0].id`,
 * `gid://shopify/Order/<n>`). Resolves to the numeric id as a string (as OrderScreening.orderId).
 */
export const OrderBlockId = z
  .string()
  .regex(/^(?:gid:\/\/shopify\/Order\/)?[1-9][0-9]{0,15}$/, "orderBlock.error.invalidOrderId")
  .transform((raw) => raw.slice(raw.lastIndexOf("/") + 1))
  .refine((id) => Number.isSafeInteger(Number(id)), "orderBlock.error.invalidOrderId");

/** A language tag as `?locale=` carries it (`ja`, `ja-JP`, `en-US`). */
const LocaleTag = z.string().regex(/^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,3}$/, "orderBlock.error.invalidLocale");

/**
 * The language of the answer: `?locale=` when given (and a language tag), else the best of
 * Accept-Language that Holdfast speaks, else English. `null` = the `locale` parameter is not a tag.
 */
export function blockLocale(param: string | null, acceptLanguage: string | null): Locale | null {
  if (param !== null) {
    const tag = LocaleTag.safeParse(param);
    return tag.success ? localeOf(tag.data) : null;
  }
  const ranked = (acceptLanguage ?? "")
    .split(",")
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((l) => l.tag !== "" && Number.isFinite(l.q) && l.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  const spoken = ranked.find((l) => l.tag === "en" || l.tag.startsWith("en-") || l.tag === "ja" || l.tag.startsWith("ja-"));
  return spoken ? localeOf(spoken.tag) : "en";
}

/** OrderScreening.reasons as stored: `{en: string[], ja: string[]}`. */

export type BlockVerdict = "ship" | "hold" | "unknown";
export type BlockGuaranteeState = "active" | "none" | "void";

export type OrderBlock =
  | { screened: false; orderId: string; locale: Locale }
  | {
      screened: true;
      orderId: string;
      orderName: string | null;
      locale: Locale;
      /** "unknown" for a value Holdfast does not know: never read as approved. */
      verdict: BlockVerdict;
      score: number;
      threshold: number;
      /** Calibrated probability of a fraud chargeback (0..1); null for decisions made before calibration. */
      probability: number | null;
      /** Up to three reasons, largest first, in `locale` only (never the other language). */
      reasons: string[];
      guarantee: { state: BlockGuaranteeState; reasonKey: string | null; reasonText: string | null };
      /** The receipt in the embedded app. */
      receiptPath: string;
      screenedAt: string;
    };

/** Reads the stored reasons; unreadable JSON gives none (the receipt shows the details). */
export function topReasons(stored: string, locale: Locale): string[] {
  return parseStored(StoredReasons, stored)?.[locale].slice(0, TOP_REASONS) ?? [];
}

const GuaranteeStates = z.enum(["active", "none", "void"]);

/** The guarantee's reason in `locale`, with what its placeholders need from the Guarantee row. */
function guaranteeText(
  locale: Locale,
  key: string | null,
  row: { amount: string; currency: string; voidedAt: Date | null; updatedAt: Date } | null,
  timeZone: string | undefined,
): string | null {
  if (!key || !isMessageKey(key)) return null;
  return translate(locale, key, {
    amount: row ? formatMoney(locale, row.amount, row.currency) : translate(locale, "orderBlock.orderTotal"),
    // Which frozen facts changed is kept only in the English note: both languages name them generally.
    fields: translate(locale, "orderBlock.changedFacts"),
    date: formatDate(locale, row?.voidedAt ?? row?.updatedAt ?? null, timeZone),
  });
}

export async function findOrderBlock(db: Db, shop: string, orderId: string, locale: Locale): Promise<OrderBlock> {
  const [screening, guarantee, shopRow] = await Promise.all([
    db.orderScreening.findUnique({
      where: { shop_orderId: { shop, orderId } },
      select: { orderName: true, verdict: true, score: true, threshold: true, probability: true, reasons: true, guarantee: true, screenedAt: true },
    }),
    db.guarantee.findUnique({
      where: { shop_orderId: { shop, orderId } },
      select: { state: true, reason: true, amount: true, currency: true, voidedAt: true, updatedAt: true },
    }),
    db.shop.findUnique({ where: { shop }, select: { ianaTimezone: true } }),
  ]);
  if (!screening) return { screened: false, orderId, locale };
  // The Guarantee row is the record; the screening's copy stands in for rows written before it existed.
  // A state Holdfast does not know reads as not guaranteed.
  const state = GuaranteeStates.catch("none").parse(guarantee?.state ?? screening.guarantee);
  const reasonKey = guarantee?.reason ?? null;
  const verdict: BlockVerdict = screening.verdict === "ship" || screening.verdict === "hold" ? screening.verdict : "unknown";
  return {
    screened: true,
    orderId,
    orderName: screening.orderName,
    locale,
    verdict,
    score: screening.score,
    threshold: screening.threshold,
    probability: screening.probability,
    reasons: topReasons(screening.reasons, locale),
    guarantee: { state, reasonKey, reasonText: guaranteeText(locale, reasonKey, guarantee, shopRow?.ianaTimezone ?? undefined) },
    receiptPath: `/app/orders/${orderId}`,
    screenedAt: screening.screenedAt.toISOString(),
  };
}

/** The library's Admin API client, as `authenticate.admin` gives it (the current shop's offline session). */
export interface AdminGraphql {
  graphql(query: string, options?: { variables?: Record<string, unknown> }): Promise<Response>;
}

const OrderLookupAnswer = z.object({ data: z.object({ order: z.object({ id: z.string() }).nullable() }) });

/**
 * Is `orderId` an order of the session's shop? Asked of the Admin API (only for an order Holdfast has
 * no row of), so that another shop's order is a 404 and not "not screened". Throws when the answer
 * cannot be read: the route answers 502 and the block shows its error state.
 */
export async function isShopOrder(admin: AdminGraphql, orderId: string): Promise<boolean> {
  const response = await admin.graphql(OrderCancellation, { variables: { id: `gid://shopify/Order/${orderId}` } });
  const parsed = OrderLookupAnswer.safeParse(await response.json());
  if (!parsed.success) throw new Error("the Admin API's answer to OrderCancellation could not be read");
  return parsed.data.data.order !== null;
}
