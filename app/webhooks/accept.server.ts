// The one path every webhook route takes:
//   1. read the body, at most MAX_WEBHOOK_BODY_BYTES (413 past it, or when Content-Length says
//      more, before anything is read), through the HMAC as it arrives; 401 when the HMAC is missing
//      or is not that of the raw bytes; 400 when other headers are missing or malformed;
//   2. refuse (401, logged) what the HMAC does not vouch for (docs/security.md): a shop header that is
//      not a *.myshopify.com domain, a topic the route is not subscribed to, a body naming another
//      shop (by domain, or by the numeric id read at install), an uninstall/redaction whose body
//      does not name the shop, or a compliance body of another compliance topic (shop-identity.ts);
//   3. answer 200 and do nothing for an uninstall/redaction/data request of a shop Holdfast has never
//      known (no Shop row, no session): there is nothing of it to act on, and no row is created;
//   4. decode, bound and parse the body (body.ts: UTF-8, nesting depth, JSON, line items) and let
//      the topic's handler validate it and plan its work (jobs to enqueue) or do an idempotent
//      follow-up (uninstall); the planned jobs are serialized and size-checked here;
//   5. record the delivery and enqueue the planned jobs in one transaction, deduplicated on
//      (shop, X-Shopify-Webhook-Id) and on (shop, topic, X-Shopify-Event-Id, body HMAC), with concurrent deliveries grouped into one commit
//      (intake-writer.server.ts); answer 200.
// A body that verifies but fails step 4 (not UTF-8, nested too deep, not JSON, too many line items,
// fails its topic's schema, or plans a job too large to store) is recorded as `invalid` with the
// reason and answered 200 (Shopify would retry it for hours to the same end). Nothing of a
// delivery's content can make its write fail, so a failed write means the database failed (500,
// and Shopify retries).
//
// Why not `authenticate.webhook`: it loads the shop's offline session on every delivery and may
// refresh an expiring token there, outside Holdfast's per-shop refresh lease, and it throws on a
// body that is not JSON. Verification here is the same HMAC-SHA256 check (constant time).
import { randomUUID } from "node:crypto";
import { db } from "../db.server";
import { env } from "../env.server";
import type { Db } from "../db-client.server";
import { jobRow, type JobRow, type NewJob } from "../jobs/queue.server";
import { notifyWork } from "../jobs/worker.server";
import { parseBody } from "./body";
import { deliveryRow, eventKey, type DeliveryHeaders, type DeliveryStatus } from "./deliveries.server";
import { intakeWriter } from "./intake-writer.server";
import { MAX_JOB_KEY_LENGTH, MAX_JOB_PAYLOAD_BYTES, MAX_WEBHOOK_BODY_BYTES, MAX_WEBHOOK_ID_LENGTH } from "./limits.mjs";
import { readSignedBody } from "./signed-body.server";
import { SHOP_MUST_BE_KNOWN, checkBodyFitsTopic, checkBodyNamesShop, isShopDomain, shopIdNamedBy } from "./shop-identity";

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

/** What a webhook route accepts (subscriptions.server.ts, from shopify.app.toml) and how it handles it. */
export interface WebhookRoute {
  /** The topics Shopify delivers to this route; any other X-Shopify-Topic is refused. */
  topics: readonly string[];
  handle?: WebhookHandler;
}

/**
 * One structured line per refused delivery, to stderr: what was claimed and why it was refused,
 * never the body (it may hold personal data).
 */
function refuse(route: string, shop: string, topic: string, reason: string): Response {
  console.warn(
    JSON.stringify({ event: "webhook_refused", route, shop: shop.slice(0, 300), topic: topic.slice(0, 100), reason }),
  );
  return new Response("Unauthorized", { status: 401 });
}

/** Installed now or before: a Shop row (kept after uninstall until shop/redact) or a stored session. */
async function isKnownShop(database: Db, shop: string): Promise<boolean> {
  const [row, session] = await Promise.all([
    database.shop.findUnique({ where: { shop }, select: { shop: true } }),
    database.session.findFirst({ where: { shop }, select: { id: true } }),
  ]);
  return row !== null || session !== null;
}

/**
 * The numeric id Holdfast read for a shop at install, or null while unknown. A shop's id never
 * changes, so a known one is cached per database for good (bounded); "not known yet" is cached for
 * UNKNOWN_ID_TTL_MS, so a shop whose id could not be read costs no query per delivery either, and is
 * checked within a minute of reconciliation reading it.
 */
const UNKNOWN_ID_TTL_MS = 60_000;
const shopIds = new WeakMap<Db, Map<string, { id: string | null; until: number }>>();
async function knownShopId(database: Db, shop: string): Promise<string | null> {
  let cache = shopIds.get(database);
  if (!cache) shopIds.set(database, (cache = new Map()));
  const now = Date.now();
  const cached = cache.get(shop);
  if (cached && (cached.id !== null || cached.until > now)) return cached.id;
  const row = await database.shop.findUnique({ where: { shop }, select: { shopId: true } });
  const id = row?.shopId ?? null;
  if (cache.size >= 50_000) cache.clear();
  cache.set(shop, { id, until: id === null ? now + UNKNOWN_ID_TTL_MS : Infinity });
  return id;
}

/** 413, logged like a refusal (what was claimed, and how much; never the body). */
function tooLarge(route: string, h: Headers, declared: boolean): Response {
  console.warn(
    JSON.stringify({
      event: "webhook_too_large", route, shop: (h.get("x-shopify-shop-domain") ?? "").slice(0, 300),
      topic: (h.get("x-shopify-topic") ?? "").slice(0, 100), limit: MAX_WEBHOOK_BODY_BYTES,
      ...(declared ? { contentLength: h.get("content-length") } : {}),
    }),
  );
  return new Response("Payload Too Large", { status: 413 });
}

/**
 * The rows of a delivery's planned jobs, ready to insert; or why they cannot be stored (a payload
 * that cannot be serialized or is over MAX_JOB_PAYLOAD_BYTES, a dedupe key over MAX_JOB_KEY_LENGTH).
 */
export function jobRows(jobs: NewJob[]): { rows: (JobRow & { id: string })[] } | { invalid: string } {
  const rows: (JobRow & { id: string })[] = [];
  for (const job of jobs) {
    if (job.dedupeKey.length > MAX_JOB_KEY_LENGTH) return { invalid: `${job.kind} job key is longer than ${MAX_JOB_KEY_LENGTH} characters` };
    let row: JobRow;
    try {
      row = jobRow(job);
    } catch (error) {
      return { invalid: `${job.kind} job payload cannot be serialized: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (typeof row.payload !== "string") return { invalid: `${job.kind} job payload cannot be serialized` };
    const bytes = Buffer.byteLength(row.payload);
    if (bytes > MAX_JOB_PAYLOAD_BYTES) return { invalid: `${job.kind} job payload is ${bytes} bytes, more than the ${MAX_JOB_PAYLOAD_BYTES} stored` };
    rows.push({ ...row, id: job.id ?? randomUUID() });
  }
  return { rows };
}

/** Normalise `orders/create` and `ORDERS_CREATE` to the header spelling. */
function topicOf(header: string): string {
  return header.includes("/") ? header : header.toLowerCase().replace("_", "/");
}

export async function acceptWebhook(request: Request, route: WebhookRoute, database: Db = db): Promise<Response> {
  if (request.method !== "POST") return new Response("Method not allowed", { status: 405 });
  const h = request.headers;
  const hmac = h.get("x-shopify-hmac-sha256");
  if (!hmac) return new Response("Missing X-Shopify-Hmac-Sha256", { status: 401 });
  const path = new URL(request.url).pathname;
  const body = await readSignedBody(request, hmac, env().SHOPIFY_API_SECRET, MAX_WEBHOOK_BODY_BYTES);
  if (!body.ok) return tooLarge(path, h, body.declared);
  if (!body.verified) return new Response("Invalid HMAC", { status: 401 });

  const shop = h.get("x-shopify-shop-domain");
  const topic = h.get("x-shopify-topic");
  const webhookId = h.get("x-shopify-webhook-id");
  if (!shop || !topic || !webhookId) {
    return new Response("Missing X-Shopify-Shop-Domain, X-Shopify-Topic or X-Shopify-Webhook-Id", { status: 400 });
  }
  if (webhookId.length > MAX_WEBHOOK_ID_LENGTH) return new Response(`X-Shopify-Webhook-Id is longer than ${MAX_WEBHOOK_ID_LENGTH} characters`, { status: 400 });
  const eventId = h.get("x-shopify-event-id") || undefined;
  if (eventId && eventId.length > MAX_WEBHOOK_ID_LENGTH) return new Response(`X-Shopify-Event-Id is longer than ${MAX_WEBHOOK_ID_LENGTH} characters`, { status: 400 });
  if (!isShopDomain(shop)) return refuse(path, shop, topic, "shop header is not a myshopify.com domain");
  const canonicalTopic = topicOf(topic);
  if (!route.topics.includes(canonicalTopic)) return refuse(path, shop, topic, "topic header is not one this route accepts");
  const headers: DeliveryHeaders = {
    shop,
    topic: canonicalTopic,
    webhookId,
    apiVersion: h.get("x-shopify-api-version") ?? undefined,
    eventId,
    triggeredAt: h.get("x-shopify-triggered-at") ?? undefined,
    eventKey: eventKey(canonicalTopic, eventId, body.digest),
  };

  const { text, payload, invalid } = parseBody(body.bytes);
  let plan: DeliveryPlan = invalid ? { invalid } : {};
  const identity = checkBodyNamesShop(canonicalTopic, shop, payload);
  if (!identity.ok) return refuse(path, shop, topic, identity.reason);
  const namedId = shopIdNamedBy(canonicalTopic, payload);
  if (namedId !== undefined) {
    const knownId = await knownShopId(database, shop);
    if (knownId !== null && knownId !== namedId) return refuse(path, shop, topic, "body names another shop id than the shop header's");
  }
  const shape = checkBodyFitsTopic(canonicalTopic, payload);
  if (!shape.ok) return refuse(path, shop, topic, shape.reason);
  if (SHOP_MUST_BE_KNOWN.has(canonicalTopic) && !(await isKnownShop(database, shop))) {
    // Nothing to uninstall, erase or export; answered 200 so Shopify does not retry, and not recorded.
    console.warn(JSON.stringify({ event: "webhook_unknown_shop", route: path, shop, topic: canonicalTopic }));
    return new Response(null, { status: 200 });
  }
  if (!plan.invalid && route.handle) plan = (await route.handle({ ...headers, payload }, database)) ?? {};
  let jobs: (JobRow & { id: string })[] = [];
  if (!plan.invalid) {
    const made = jobRows(plan.jobs ?? []);
    if ("invalid" in made) plan = { invalid: made.invalid };
    else jobs = made.rows;
  }

  const row = deliveryRow(headers, {
    status: plan.invalid ? "invalid" : (plan.status ?? "received"),
    error: plan.invalid,
    // Kept only for invalid deliveries, so staff can see what arrived (cut by deliveryRow).
    rawBody: plan.invalid ? text : undefined,
  });
  const outcome = await intakeWriter(database).write(row, jobs);
  if (outcome === "duplicate") return new Response(null, { status: 200 });
  if (jobs.length > 0) notifyWork(jobs.map(({ id, shop }) => ({ id, shop })));
  return new Response(null, { status: 200 });
}
