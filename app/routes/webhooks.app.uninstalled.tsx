import type { ActionFunctionArgs } from "@remix-run/node";
import { acceptWebhook } from "../webhooks/accept.server";
import { WEBHOOK_ROUTES } from "../webhooks/subscriptions.server";

// app/uninstalled (for a shop Holdfast knows, named by the body): sessions deleted, queued work stopped, shop marked uninstalled; data stays until shop/redact.
export const action = ({ request }: ActionFunctionArgs) => acceptWebhook(request, WEBHOOK_ROUTES["/webhooks/app/uninstalled"]);
