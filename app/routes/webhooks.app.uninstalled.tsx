import type { ActionFunctionArgs } from "@remix-run/node";
import { acceptWebhook } from "../webhooks/accept.server";
import { methodNotAllowed } from "../http/refusals";
import { WEBHOOK_ROUTES } from "../webhooks/subscriptions.server";

// app/uninstalled (for a shop Holdfast knows, named by the body): sessions deleted, queued work stopped, shop marked uninstalled; data stays until shop/redact.
// Shopify delivers with POST only; anything else is a 405, not a server error.
export const loader = () => methodNotAllowed(["POST"]);
export const action = async ({ request }: ActionFunctionArgs) =>
  request.method === "POST" ? acceptWebhook(request, WEBHOOK_ROUTES["/webhooks/app/uninstalled"]) : methodNotAllowed(["POST"]);
