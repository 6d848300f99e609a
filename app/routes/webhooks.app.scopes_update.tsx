import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { acceptWebhook } from "../webhooks/accept.server";
import { updateScopes } from "../webhooks/shop-lifecycle.server";

const payload = z.object({ current: z.array(z.string()) });

// app/scopes_update: the stored offline session's scope follows what the merchant granted.
export const action = ({ request }: ActionFunctionArgs) =>
  acceptWebhook(request, async (ctx, db) => {
    const parsed = payload.safeParse(ctx.payload);
    if (!parsed.success) return { invalid: `app/scopes_update payload: ${parsed.error.issues[0]?.message ?? "invalid"}` };
    await updateScopes(db, ctx.shop, `offline_${ctx.shop}`, parsed.data.current);
  });
