// Install-state changes that come in by webhook: app/uninstalled and app/scopes_update.
import { z } from "zod";
import type { Db } from "../db.server";
import { isKnownTimezone } from "../risk";
import type { DeliveryPlan, WebhookContext } from "./accept.server";
import { AppUninstalledPayload, describeIssues } from "./payloads";

/** After token exchange (install or reinstall): the shop is installed again, from now. */
export async function markInstalled(db: Db, shop: string, scope: string | undefined, at: Date): Promise<void> {
  await db.shop.upsert({
    where: { shop },
    create: { shop, installedAt: at, scopes: scope ?? null },
    update: { uninstalledAt: null, ...(scope ? { scopes: scope } : {}) },
  });
}

/** The ShopIdentity query's answer (app/shopify/operations.ts). */
const ShopIdentityAnswer = z.object({
  shop: z.object({
    id: z.string().regex(/^gid:\/\/shopify\/Shop\/[1-9][0-9]{0,19}$/), myshopifyDomain: z.string(),
    // A timezone this runtime does not know is kept as unknown (null: hour-of-day reads UTC), never as the id's failure.
    ianaTimezone: z.string().max(64).nullish().transform((tz) => (tz && isKnownTimezone(tz) ? tz : null)).catch(null),
  }),
});

/**
 * Store the shop's numeric id from a ShopIdentity answer read with the shop's own token, so
 * webhook bodies that carry only the id can be matched to the shop (docs/security.md), and its
 * IANA timezone (Shop.ianaTimezone, for hour-of-day signals). Returns the id, or throws when the
 * answer is malformed or is for another shop.
 */
export async function rememberShopId(db: Db, shop: string, answer: unknown): Promise<string> {
  const parsed = ShopIdentityAnswer.safeParse(answer);
  if (!parsed.success) throw new Error(`ShopIdentity answer for ${shop} is malformed: ${describeIssues(parsed.error)}`);
  if (parsed.data.shop.myshopifyDomain !== shop) throw new Error(`ShopIdentity answer for ${shop} names another shop`);
  const shopId = parsed.data.shop.id.slice("gid://shopify/Shop/".length);
  const ianaTimezone = parsed.data.shop.ianaTimezone;
  await db.shop.upsert({ where: { shop }, create: { shop, shopId, ianaTimezone }, update: { shopId, ...(ianaTimezone ? { ianaTimezone } : {}) } });
  return shopId;
}

/**
 * app/uninstalled (may arrive more than once): forget the shop's sessions so no work can
 * call Shopify for it any more, stop its queued jobs (dead-lettered with the reason, so they can
 * be retried after a reinstall), and mark it uninstalled. Its data stays until shop/redact.
 */
export async function markUninstalled(db: Db, shop: string, at: Date): Promise<void> {
  await db.$transaction([
    db.session.deleteMany({ where: { shop } }),
    db.job.updateMany({ where: { shop, state: "queued" }, data: { state: "dead", lastError: "shop uninstalled", finishedAt: at } }),
    db.shop.upsert({ where: { shop }, create: { shop, uninstalledAt: at }, update: { uninstalledAt: at } }),
  ]);
}

/**
 * The app/uninstalled handler: acts only on a body that names the shop in the header (acceptWebhook
 * has refused any other already; checked again here because this one deletes sessions).
 */
export async function handleAppUninstalled(ctx: WebhookContext, db: Db, at = new Date()): Promise<DeliveryPlan | void> {
  const parsed = AppUninstalledPayload.safeParse(ctx.payload);
  if (!parsed.success) return { invalid: `app/uninstalled payload: ${describeIssues(parsed.error)}` };
  if (parsed.data.myshopify_domain !== ctx.shop) return { invalid: "app/uninstalled payload: myshopify_domain is not the shop" };
  await markUninstalled(db, ctx.shop, at);
}

/** app/scopes_update: keep the stored sessions' scope in step with what the merchant granted. */
export async function updateScopes(db: Db, shop: string, sessionId: string | undefined, scopes: string[]): Promise<void> {
  const scope = scopes.join(",");
  await db.$transaction([
    ...(sessionId ? [db.session.updateMany({ where: { id: sessionId, shop }, data: { scope } })] : []),
    db.shop.upsert({ where: { shop }, create: { shop, scopes: scope }, update: { scopes: scope } }),
  ]);
}
