import type { ActionFunctionArgs } from "@remix-run/node";
import { acceptWebhook } from "../webhooks/accept.server";
import { methodNotAllowed } from "../http/refusals";
import { WEBHOOK_ROUTES } from "../webhooks/subscriptions.server";

// fulfillment_orders/order_routing_complete, /split and /moved: a follow_holds job, so that a held
// order's new fulfillment orders are held too.
// Shopify delivers with POST only; anything else is a 405, not a server error.
export const loader = () => methodNotAllowed(["POST"]);
export const action = async ({ request }: ActionFunctionArgs) =>
  request.method === "POST" ? acceptWebhook(request, WEBHOOK_ROUTES["/webhooks/fulfillment_orders"]) : methodNotAllowed(["POST"]);
