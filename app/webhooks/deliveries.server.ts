// Webhook deliveries: every accepted delivery is recorded once per (shop, webhookId).
// Shopify redelivers the same X-Shopify-Webhook-Id on retries and sometimes duplicates
// deliveries, so a unique-key violation simply means "seen before" (still answered 200). The rows
// are written by intake-writer.server.ts, with the jobs they plan, in one transaction.
import type { Db } from "../db-client.server";

export interface DeliveryHeaders {
  shop: string;
  webhookId: string;
  topic: string;
  apiVersion?: string;
  eventId?: string;
  triggeredAt?: string;
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
