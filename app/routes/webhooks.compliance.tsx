import type { ActionFunctionArgs } from "@remix-run/node";
import { acceptWebhook } from "../webhooks/accept.server";
import { WEBHOOK_ROUTES } from "../webhooks/subscriptions.server";

// customers/data_request, customers/redact, shop/redact: validated and enqueued (export, erasure).
export const action = ({ request }: ActionFunctionArgs) => acceptWebhook(request, WEBHOOK_ROUTES["/webhooks/compliance"]);
