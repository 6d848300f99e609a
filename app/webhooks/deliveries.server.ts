// Webhook deliveries: every accepted delivery is recorded once per (shop, webhookId) and once per
// (shop, eventKey) (see eventKey below). Shopify redelivers the same X-Shopify-Webhook-Id on
// retries and sometimes duplicates an event under a new webhook id, so a unique-key violation
// simply means "seen before" (still answered 200). The rows
// are written by intake-writer.server.ts, with the jobs they plan, in one transaction.
// Retention (pruneDeliveries, run by the scheduler): the raw body of an invalid delivery is kept
// for staff for a limited time (it may hold personal data), the rows themselves somewhat longer.
import type { Db } from "../db-client.server";

export interface DeliveryHeaders {
  shop: string;
  webhookId: string;
  topic: string;
  apiVersion?: string;
  eventId?: string;
  triggeredAt?: string;
  /** See eventKey(). */
  eventKey?: string;
}

/**
 * The second key a delivery is deduplicated on, besides (shop, webhook id). Shopify's pages
 * disagree on the idempotency key (the "ignore duplicates" page names X-Shopify-Event-Id, the
 * library's changelog X-Shopify-Webhook-Id), and one event can reach us again under a new webhook
 * id. The event id is unsigned, so the key also holds the body's HMAC (computed anyway): a replay of another signed
 * body that claims a future event id cannot make Shopify's genuine delivery of that event look
 * like a duplicate. One event reaches several topics with the same id, so the topic is in it too.
 */
export function eventKey(topic: string, eventId: string | undefined, bodyHmac: string): string | undefined {
  return eventId ? `${topic}|${eventId}|${bodyHmac.slice(0, 32)}` : undefined;
}

export type DeliveryStatus = "received" | "invalid" | "processed" | "ignored";

// X-Shopify-Triggered-At is unsigned: a time outside these years is not kept (PostgreSQL's
// timestamp cannot hold every JavaScript date).
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(10000, 0, 1);

function parseTriggeredAt(value: string | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  const t = date.getTime();
  return Number.isNaN(t) || t < EARLIEST || t >= LATEST ? null : date;
}

export const MAX_STORED_ERROR = 2000;
export const MAX_STORED_RAW_BODY = 100_000;

/**
 * Text from a delivery made storable: at most `max` characters (a surrogate pair is not cut in
 * two) and no NUL, which PostgreSQL's text type refuses (replaced by U+FFFD).
 */
function storable(text: string | undefined, max: number): string | null {
  if (text === undefined) return null;
  let cut = text.length > max ? text.slice(0, max) : text;
  const last = cut.charCodeAt(cut.length - 1);
  if (cut.length < text.length && last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return cut.includes("\0") ? cut.replaceAll("\0", "\uFFFD") : cut;
}

export interface DeliveryOutcome {
  status: DeliveryStatus;
  error?: string;
  /** Kept for invalid deliveries only; cut to MAX_STORED_RAW_BODY characters here. */
  rawBody?: string;
}

/** The row for a delivery (one shape for every writer of WebhookDelivery). Never throws. */
export function deliveryRow(headers: DeliveryHeaders, outcome: DeliveryOutcome) {
  return {
    shop: headers.shop,
    webhookId: headers.webhookId,
    topic: headers.topic,
    apiVersion: headers.apiVersion ?? null,
    eventId: headers.eventId ?? null,
    eventKey: headers.eventKey ?? null,
    triggeredAt: parseTriggeredAt(headers.triggeredAt),
    status: outcome.status,
    error: storable(outcome.error, MAX_STORED_ERROR),
    rawBody: storable(outcome.rawBody, MAX_STORED_RAW_BODY),
  };
}

/** Delivery counts per topic for one shop (dashboard). */
export async function deliveryCounts(db: Db, shop: string) {
  const rows = await db.webhookDelivery.groupBy({ by: ["topic", "status"], where: { shop }, _count: { _all: true } });
  return rows.map((r) => ({ topic: r.topic, status: r.status, count: r._count._all }));
}

const STATUSES: DeliveryStatus[] = ["received", "invalid", "processed", "ignored"];
const NOT_JSON = "body is not JSON";

export interface DeliveryPruning {
  /** Invalid deliveries received before this lose their raw body (and a JSON parser's message, which can quote the body). */
  rawBodyBefore: Date;
  /** Deliveries received before this are deleted. */
  deleteBefore: Date;
  batch?: number;
  /** Per call (the scheduler calls every minute); a backlog is worked off over several calls. */
  maxBatches?: number;
}

/**
 * Retention of deliveries, every shop at once, in batches read from the (status, receivedAt) index:
 * the raw bodies of old invalid deliveries are removed (the row, its topic and its error stay), and
 * rows past the longer limit are deleted. Returns what was done.
 */
export async function pruneDeliveries(db: Db, opts: DeliveryPruning): Promise<{ rawBodies: number; deleted: number }> {
  const { batch = 500, maxBatches = 10 } = opts;
  let rawBodies = 0;
  let deleted = 0;
  for (let i = 0; i < maxBatches; i++) {
    const rows = await db.webhookDelivery.findMany({
      where: { status: "invalid", receivedAt: { lt: opts.rawBodyBefore }, OR: [{ rawBody: { not: null } }, { error: { startsWith: `${NOT_JSON}:` } }] },
      select: { id: true },
      take: batch,
    });
    if (rows.length === 0) break;
    const ids = rows.map((r) => r.id);
    const [bodies] = await db.$transaction([
      db.webhookDelivery.updateMany({ where: { id: { in: ids }, rawBody: { not: null } }, data: { rawBody: null } }),
      db.webhookDelivery.updateMany({ where: { id: { in: ids }, error: { startsWith: `${NOT_JSON}:` } }, data: { error: `${NOT_JSON} (the parser's message was removed with the raw body)` } }),
    ]);
    rawBodies += bodies.count;
    if (rows.length < batch) break;
  }
  for (let i = 0; i < maxBatches; i++) {
    const rows = await db.webhookDelivery.findMany({ where: { status: { in: STATUSES }, receivedAt: { lt: opts.deleteBefore } }, select: { id: true }, take: batch });
    if (rows.length === 0) break;
    deleted += (await db.webhookDelivery.deleteMany({ where: { id: { in: rows.map((r) => r.id) } } })).count;
    if (rows.length < batch) break;
  }
  return { rawBodies, deleted };
}
