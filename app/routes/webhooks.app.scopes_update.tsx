import type { ActionFunctionArgs } from "@remix-run/node";
import { acceptWebhook } from "../webhooks/accept.server";
import { WEBHOOK_ROUTES } from "../webhooks/subscriptions.server";

// app/scopes_update: the stored offline session's scope follows what the merchant granted.
export const action = ({ request }: ActionFunctionArgs) => acceptWebhook(request, WEBHOOK_ROUTES["/webhooks/app/scopes_update"]);
