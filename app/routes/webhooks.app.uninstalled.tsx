import type { ActionFunctionArgs } from "@remix-run/node";
import { acceptWebhook } from "../webhooks/accept.server";
import { markUninstalled } from "../webhooks/shop-lifecycle.server";
import { db } from "../db.server";

// app/uninstalled: sessions are deleted and the shop marked uninstalled; data stays until shop/redact.
export const action = ({ request }: ActionFunctionArgs) =>
  acceptWebhook(request, (ctx) => markUninstalled(db, ctx.shop, new Date()));
