import type { ActionFunctionArgs } from "@remix-run/node";
import { acceptWebhook } from "../webhooks/accept.server";
import { methodNotAllowed } from "../http/refusals";
import { WEBHOOK_ROUTES } from "../webhooks/subscriptions.server";

// app/scopes_update: the stored offline session's scope follows what the merchant granted.
// Shopify delivers with POST only; anything else is a 405, not a server error.
export const loader = () => methodNotAllowed(["POST"]);
export const action = async ({ request }: ActionFunctionArgs) =>
  request.method === "POST" ? acceptWebhook(request, WEBHOOK_ROUTES["/webhooks/app/scopes_update"]) : methodNotAllowed(["POST"]);
