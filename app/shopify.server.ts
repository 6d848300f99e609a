// The one module that owns the Shopify library (docs/style.md). Everything else imports from here.
import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { env } from "./env.server";
import { db } from "./db.server";
import { ADMIN_API_VERSION } from "./shopify/version.mjs";
import { installOriginOverride } from "./shopify/origin-override.server";
import { ShopIdentity } from "./shopify/operations";
import { markInstalled, rememberShopId } from "./webhooks/shop-lifecycle.server";
import { billingOptions, ensureSubscription, type AdminRequester } from "./guarantee/billing.server";
import { refuseAdminRequest } from "./shopify/auth-requests";
import { libraryLogLine } from "./shopify/library-log";
import { refusal } from "./http/refusals";

/** The library's member for the one pinned Admin API version (app/shopify/version.mjs). */
export const API_VERSION: ApiVersion = (() => {
  const member = Object.values(ApiVersion).find((v) => v === ADMIN_API_VERSION);
  if (!member) throw new Error(`@shopify/shopify-app-remix does not know Admin API ${ADMIN_API_VERSION}`);
  return member;
})();

const config = env();

const shopify = shopifyApp({
  apiKey: config.SHOPIFY_API_KEY,
  apiSecretKey: config.SHOPIFY_API_SECRET,
  appUrl: config.SHOPIFY_APP_URL,
  scopes: config.SCOPES,
  apiVersion: API_VERSION,
  authPathPrefix: "/auth",
  sessionStorage: new PrismaSessionStorage(db),
  distribution: AppDistribution.AppStore,
  // One JSON line per message: the library writes request values (`shop=`) into its messages.
  logger: {
    log: (severity, message) => {
      const { method, line } = libraryLogLine(severity, message);
      console[method](line);
    },
  },
  hooks: {
    // Runs after each token exchange that stores an offline session (install, reinstall).
    // It also reads the shop's numeric id, which webhook bodies are checked against (docs/security.md);
    // if that read fails, reconciliation reads it later.
    afterAuth: async ({ session, admin }) => {
      if (session.isOnline) return;
      await markInstalled(db, session.shop, session.scope, new Date());
      try {
        const answer: unknown = await (await admin.graphql(ShopIdentity)).json();
        const data = typeof answer === "object" && answer !== null && "data" in answer ? answer.data : undefined;
        await rememberShopId(db, session.shop, data);
      } catch (error) {
        console.warn(JSON.stringify({ event: "shop_id_unread", shop: session.shop, error: String(error).slice(0, 300) }));
      }
      // The usage subscription the guarantee's fees are billed through (a new one after a reinstall);
      // if this fails, reconciliation creates it.
      try {
        const viaLibrary: AdminRequester = {
          async request(_shop, document, variables) {
            const answer: unknown = await (await admin.graphql(document, { variables })).json();
            if (typeof answer !== "object" || answer === null || !("data" in answer)) throw new Error("Admin API answered no data");
            return answer.data;
          },
        };
        await ensureSubscription(db, viaLibrary, session.shop, billingOptions(config), { recreate: true });
      } catch (error) {
        console.warn(JSON.stringify({ event: "subscription_not_created", shop: session.shop, error: String(error).slice(0, 300) }));
      }
    },
  },
  future: {
    unstable_newEmbeddedAuthStrategy: true, // token exchange
    expiringOfflineAccessTokens: true,
  },
});

// After shopifyApp(): the library sets its own fetch when it loads.
if (config.SHOPIFY_API_ORIGIN_OVERRIDE) installOriginOverride(config.SHOPIFY_API_ORIGIN_OVERRIDE);

export default shopify;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;

/**
 * The library's `authenticate.admin`, after the checks it lacks (app/shopify/auth-requests.ts):
 * a `shop`, `exitIframe` or `shopify-reload` it would trust too far is a 400, a session token
 * that is not for a shop a 401.
 */
const appOrigin = new URL(config.SHOPIFY_APP_URL).origin;
async function authenticateAdmin(request: Request) {
  const refused = refuseAdminRequest(request, appOrigin);
  if (refused) throw refusal(refused.status, refused.reason);
  return shopify.authenticate.admin(request);
}

export const authenticate: typeof shopify.authenticate = { ...shopify.authenticate, admin: authenticateAdmin };
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
export const sessionStorage = shopify.sessionStorage;
