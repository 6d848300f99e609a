// Every webhook route Holdfast serves: its path, the topics Shopify delivers to it (as declared
// in shopify.app.toml; test/app/config.test.ts checks they agree) and the handler that plans its
// work. acceptWebhook refuses a delivery whose X-Shopify-Topic is not one of the route's topics.
import { z } from "zod";
import { planCompliance } from "../compliance/compliance.server";
import { planDispute } from "../guarantee/disputes.server";
import { FULFILLMENT_ORDER_TOPICS, planFulfillmentOrders } from "../screening/fulfillment-orders.server";
import { planOrderCreate, planOrderUpdated } from "../screening/intake.server";
import type { WebhookRoute } from "./accept.server";
import { handleAppUninstalled, updateScopes } from "./shop-lifecycle.server";

const ScopesUpdatePayload = z.object({ current: z.array(z.string()) });

export const WEBHOOK_ROUTES = {
  "/webhooks/app/uninstalled": { topics: ["app/uninstalled"], handle: (ctx, db) => handleAppUninstalled(ctx, db) },
  "/webhooks/app/scopes_update": {
    topics: ["app/scopes_update"],
    handle: async (ctx, db) => {
      const parsed = ScopesUpdatePayload.safeParse(ctx.payload);
      if (!parsed.success) return { invalid: `app/scopes_update payload: ${parsed.error.issues[0]?.message ?? "invalid"}` };
      await updateScopes(db, ctx.shop, `offline_${ctx.shop}`, parsed.data.current);
    },
  },
  "/webhooks/orders/create": { topics: ["orders/create"], handle: planOrderCreate },
  "/webhooks/orders/updated": { topics: ["orders/updated"], handle: planOrderUpdated },
  "/webhooks/fulfillment_orders": { topics: FULFILLMENT_ORDER_TOPICS, handle: planFulfillmentOrders },
  "/webhooks/disputes": { topics: ["disputes/create", "disputes/update"], handle: planDispute },
  "/webhooks/compliance": { topics: ["customers/data_request", "customers/redact", "shop/redact"], handle: planCompliance },
} as const satisfies Record<string, WebhookRoute>;

export type WebhookPath = keyof typeof WEBHOOK_ROUTES;

/** The route Shopify delivers a topic to. */
export function routeOfTopic(topic: string): { path: WebhookPath; route: WebhookRoute } {
  for (const [path, route] of Object.entries(WEBHOOK_ROUTES) as [WebhookPath, WebhookRoute][]) {
    if (route.topics.includes(topic)) return { path, route };
  }
  throw new Error(`no webhook route for topic ${topic}`);
}
