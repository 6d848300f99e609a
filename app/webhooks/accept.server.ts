// The one path every webhook route takes: verify the HMAC (401 when it is missing or wrong; the
// library answers 400 on other missing headers, 405 on non-POST), run the topic's follow-up, then
// record the delivery once. Follow-ups must be idempotent: they run on every verified delivery, so a
// delivery whose follow-up failed (500) is completed by Shopify's retry instead of being skipped as
// a duplicate. Screening never happens inline.
import { authenticate } from "../shopify.server";
import { db } from "../db.server";
import { recordDelivery } from "./deliveries.server";

export type WebhookContext = Awaited<ReturnType<typeof authenticate.webhook>>;

export async function acceptWebhook(
  request: Request,
  followUp?: (ctx: WebhookContext) => Promise<void>,
): Promise<Response> {
  // An unsigned delivery is unauthenticated: 401, like a wrong signature (the library would say 400).
  if (!request.headers.get("x-shopify-hmac-sha256")) {
    return new Response("Missing X-Shopify-Hmac-Sha256", { status: 401 });
  }
  const ctx = await authenticate.webhook(request);
  if (followUp) await followUp(ctx);
  await recordDelivery(
    db,
    {
      shop: ctx.shop,
      webhookId: ctx.webhookId,
      topic: String(ctx.topic),
      apiVersion: ctx.apiVersion,
      eventId: ctx.eventId,
      triggeredAt: ctx.triggeredAt,
    },
    { status: "received" },
  );
  return new Response(null, { status: 200 });
}
