import type { ActionFunctionArgs } from "@remix-run/node";
import { acceptWebhook } from "../webhooks/accept.server";
import { markUninstalled } from "../webhooks/shop-lifecycle.server";

// app/uninstalled: sessions deleted, queued work stopped, shop marked uninstalled; data stays until shop/redact.
export const action = ({ request }: ActionFunctionArgs) =>
  acceptWebhook(request, (ctx, db) => markUninstalled(db, ctx.shop, new Date()));
