import type { ActionFunctionArgs } from "@remix-run/node";
import { acceptWebhook } from "../webhooks/accept.server";
import { methodNotAllowed } from "../http/refusals";
import { WEBHOOK_ROUTES } from "../webhooks/subscriptions.server";

// customers/data_request, customers/redact, shop/redact: validated and enqueued (export, erasure).
// Shopify delivers with POST only; anything else is a 405, not a server error.
export const loader = () => methodNotAllowed(["POST"]);
export const action = async ({ request }: ActionFunctionArgs) =>
  request.method === "POST" ? acceptWebhook(request, WEBHOOK_ROUTES["/webhooks/compliance"]) : methodNotAllowed(["POST"]);
