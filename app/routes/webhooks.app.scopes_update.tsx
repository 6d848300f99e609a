import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { acceptWebhook } from "../webhooks/accept.server";
import { updateScopes } from "../webhooks/shop-lifecycle.server";
import { db } from "../db.server";

const payload = z.object({ current: z.array(z.string()) });

export const action = ({ request }: ActionFunctionArgs) =>
  acceptWebhook(request, async (ctx) => {
    const parsed = payload.safeParse(ctx.payload);
    if (parsed.success) await updateScopes(db, ctx.shop, ctx.session?.id, parsed.data.current);
  });
