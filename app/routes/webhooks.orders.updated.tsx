import type { ActionFunctionArgs } from "@remix-run/node";
import { acceptWebhook } from "../webhooks/accept.server";
import { WEBHOOK_ROUTES } from "../webhooks/subscriptions.server";

// orders/updated: re-screens an approved order whose shipping address changed; anything else is ignored.
export const action = ({ request }: ActionFunctionArgs) => acceptWebhook(request, WEBHOOK_ROUTES["/webhooks/orders/updated"]);
