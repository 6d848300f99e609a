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

function parseTriggeredAt(value: string | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

export interface DeliveryOutcome {
  status: DeliveryStatus;
  error?: string;
  rawBody?: string;
}

/** The row for a delivery (one shape for every writer of WebhookDelivery). */
export function deliveryRow(headers: DeliveryHeaders, outcome: DeliveryOutcome) {
  return {
    shop: headers.shop,
    webhookId: headers.webhookId,
    topic: headers.topic,
    apiVersion: headers.apiVersion ?? null,
    eventId: headers.eventId ?? null,
    triggeredAt: parseTriggeredAt(headers.triggeredAt),
    status: outcome.status,
    error: outcome.error ?? null,
    rawBody: outcome.rawBody ?? null,
  };
}

/** Delivery counts per topic for one shop (dashboard). */
export async function deliveryCounts(db: Db, shop: string) {
  const rows = await db.webhookDelivery.groupBy({ by: ["topic", "status"], where: { shop }, _count: { _all: true } });
  return rows.map((r) => ({ topic: r.topic, status: r.status, count: r._count._all }));
}
