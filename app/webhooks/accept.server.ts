// The one path every webhook route takes:
//   1. verify the HMAC of the raw body (401 when missing or wrong; 400 when other headers are missing);
//   2. parse the JSON and let the topic's handler validate it and plan its work (jobs to enqueue) or
//      do an idempotent follow-up (uninstall);
//   3. record the delivery and enqueue the planned jobs in one transaction, deduplicated on
//      (shop, X-Shopify-Webhook-Id), with concurrent deliveries grouped into one commit
//      (intake-writer.server.ts); answer 200.
// A body that verifies but is not valid JSON, or fails its topic's schema, is recorded as
// `invalid` with the reason and answered 200 (Shopify would retry it for hours to the same end).
//
// Why not `authenticate.webhook`: it loads the shop's offline session on every delivery and may
// refresh an expiring token there, outside Holdfast's per-shop refresh lease, and it throws on a
// body that is not JSON. Verification here is the same HMAC-SHA256 check (constant time).
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { db } from "../db.server";
import { env } from "../env.server";
import type { Db } from "../db-client.server";
import type { NewJob } from "../jobs/queue.server";
import { notifyWork } from "../jobs/worker.server";
import { deliveryRow, type DeliveryHeaders, type DeliveryStatus } from "./deliveries.server";
import { intakeWriter } from "./intake-writer.server";

export interface WebhookContext {
  shop: string;
  topic: string;
  webhookId: string;
  apiVersion?: string;
  eventId?: string;
  triggeredAt?: string;
  payload: unknown;
}

/** What a topic's handler decided: jobs to enqueue with the delivery, or why it is invalid/ignored. */
export interface DeliveryPlan {
  jobs?: NewJob[];
  status?: Extract<DeliveryStatus, "received" | "ignored">;
  invalid?: string;
}

export type WebhookHandler = (ctx: WebhookContext, db: Db) => Promise<DeliveryPlan | void> | DeliveryPlan | void;

export function verifyHmac(rawBody: string, hmacHeader: string, secret: string): boolean {
  const expected = createHmac("sha256", secret).update(rawBody, "utf8").digest();
  const given = Buffer.from(hmacHeader, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Normalise `orders/create` and `ORDERS_CREATE` to the header spelling. */
function topicOf(header: string): string {
  return header.includes("/") ? header : header.toLowerCase().replace("_", "/");
}

export async function acceptWebhook(request: Request, handler?: WebhookHandler, database: Db = db): Promise<Response> {
  if (request.method !== "POST") return new Response("Method not allowed", { status: 405 });
  const h = request.headers;
  const hmac = h.get("x-shopify-hmac-sha256");
  if (!hmac) return new Response("Missing X-Shopify-Hmac-Sha256", { status: 401 });
  const rawBody = await request.text();
  if (!verifyHmac(rawBody, hmac, env().SHOPIFY_API_SECRET)) return new Response("Invalid HMAC", { status: 401 });

  const shop = h.get("x-shopify-shop-domain");
  const topic = h.get("x-shopify-topic");
  const webhookId = h.get("x-shopify-webhook-id");
  if (!shop || !topic || !webhookId) {
    return new Response("Missing X-Shopify-Shop-Domain, X-Shopify-Topic or X-Shopify-Webhook-Id", { status: 400 });
  }
  const headers: DeliveryHeaders = {
    shop,
    topic: topicOf(topic),
    webhookId,
    apiVersion: h.get("x-shopify-api-version") ?? undefined,
    eventId: h.get("x-shopify-event-id") ?? undefined,
    triggeredAt: h.get("x-shopify-triggered-at") ?? undefined,
  };

  let plan: DeliveryPlan = {};
  let payload: unknown;
  try {
    payload = JSON.parse(rawBody);
  } catch (error) {
    plan = { invalid: `body is not JSON: ${(error as Error).message}` };
  }
  if (!plan.invalid && handler) plan = (await handler({ ...headers, payload }, database)) ?? {};

  const row = deliveryRow(headers, {
    status: plan.invalid ? "invalid" : (plan.status ?? "received"),
    error: plan.invalid,
    // Kept only for invalid deliveries, so staff can see what arrived.
    rawBody: plan.invalid ? rawBody.slice(0, 100_000) : undefined,
  });
  const jobs = plan.invalid ? [] : (plan.jobs ?? []).map((job) => ({ ...job, id: job.id ?? randomUUID() }));
  const outcome = await intakeWriter(database).write(row, jobs);
  if (outcome === "duplicate") return new Response(null, { status: 200 });
  if (jobs.length > 0) notifyWork(jobs.map(({ id, shop }) => ({ id, shop })));
  return new Response(null, { status: 200 });
}
