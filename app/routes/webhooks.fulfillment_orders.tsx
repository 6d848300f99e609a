import type { ActionFunctionArgs } from "@remix-run/node";
import { acceptWebhook } from "../webhooks/accept.server";
import { WEBHOOK_ROUTES } from "../webhooks/subscriptions.server";

// fulfillment_orders/order_routing_complete, /split and /moved: a follow_holds job, so that a held
// order's new fulfillment orders are held too.
export const action = ({ request }: ActionFunctionArgs) => acceptWebhook(request, WEBHOOK_ROUTES["/webhooks/fulfillment_orders"]);
