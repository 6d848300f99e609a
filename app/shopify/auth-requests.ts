// What an embedded-auth request may carry before the Shopify library sees it (docs/security.md,
// "Auth routes and response headers"). Pure: a request and the app's URL in, a refusal or nothing out.
//
// The library (@shopify/shopify-app-remix 4.2) trusts these values more than Holdfast does:
//   - /auth/exit-iframe opens `exitIframe` in the top frame if it is any http(s) URL;
//   - /auth/session-token (the bounce page) and /auth/exit-iframe put the raw `shop` into
//     `Content-Security-Policy: frame-ancestors https://{shop} …`, so `shop=*` allows any framer;
//   - App Bridge on the bounce page reloads `shopify-reload` with a fresh session token;
//   - a session token is read with `new URL(payload.dest)`, so a signed token whose `dest` is not a
//     shop's URL is a 500 (an exception), not a 401.
// Each rule below answers one of these. A refusal names the rule, never echoes the value: the
// library's error boundary renders a thrown response's text as HTML.
import { z } from "zod";
import { isShopDomain } from "./shop-domain";

export const EXIT_IFRAME_PATH = "/auth/exit-iframe";
export const BOUNCE_PATH = "/auth/session-token";

export type AuthRefusal = { status: 400 | 401; reason: string };

/** Whitespace, control characters and backslashes: browsers strip or reinterpret them in URLs. */
function hasUnsafeCharacter(value: string): boolean {
  for (const c of value) {
    const code = c.codePointAt(0) ?? 0;
    if (code <= 0x20 || (code >= 0x7f && code <= 0x9f) || c === "\\") return true;
  }
  return false;
}

/**
 * Is `value` a page of this app: a path (`/…`, not `//host`) or an absolute URL of the app's
 * origin? `appOrigin` is the origin of SHOPIFY_APP_URL (the library resolves paths against it).
 */
export function isAppUrl(value: string, appOrigin: string): boolean {
  if (hasUnsafeCharacter(value)) return false;
  if (!value.startsWith("/") && !value.startsWith(`${appOrigin}/`) && value !== appOrigin) return false;
  if (value.startsWith("//")) return false;
  const url = parseUrl(value, appOrigin);
  return url !== undefined && url.origin === appOrigin && url.username === "" && url.password === "";
}

/**
 * May /auth/exit-iframe send the top frame to `value`? Only to a page of this app, or to the
 * admin of `shop` (already checked to be a shop domain): `https://{shop}/admin…` or
 * `https://admin.shopify.com/store/{handle}…`.
 */
export function isExitIframeDestination(value: string, shop: string, appOrigin: string): boolean {
  if (isAppUrl(value, appOrigin)) return true;
  if (hasUnsafeCharacter(value) || !value.startsWith("https://")) return false;
  const url = parseUrl(value);
  if (!url || url.protocol !== "https:" || url.port !== "" || url.username !== "" || url.password !== "") return false;
  const under = (prefix: string) => url.pathname === prefix || url.pathname.startsWith(`${prefix}/`);
  if (url.hostname === shop) return under("/admin");
  if (url.hostname === "admin.shopify.com") return under(`/store/${shop.slice(0, -".myshopify.com".length)}`);
  return false;
}

/** Is `dest` (a session token's claim) the URL of a shop, as Shopify writes it: `https://{shop}`? */
export function isShopDest(dest: string): boolean {
  const url = parseUrl(dest);
  return (
    url !== undefined &&
    url.protocol === "https:" &&
    isShopDomain(url.hostname) &&
    url.port === "" &&
    url.username === "" &&
    url.password === "" &&
    url.pathname === "/" &&
    url.search === "" &&
    url.hash === "" &&
    (dest === url.origin || dest === `${url.origin}/`)
  );
}

const SessionTokenClaims = z.object({ dest: z.unknown() }).passthrough();

/**
 * The session token the library will read (an `Authorization: Bearer` header first, else the
 * `id_token` parameter), if it is a JWT whose claims can be read. Its signature is not checked
 * here: the library does that, and refuses an unsigned token itself (401, or the bounce page).
 */
function sessionTokenClaims(request: Request, url: URL): z.infer<typeof SessionTokenClaims> | undefined {
  const header = request.headers.get("authorization");
  const token = header ? header.replace("Bearer ", "") : url.searchParams.get("id_token");
  const payload = token?.split(".")[1];
  if (!payload) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  const parsed = SessionTokenClaims.safeParse(decoded);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Checks a request to `authenticate.admin` (the embedded app's pages and /auth/*) before the
 * library sees it. `undefined` means: let the library decide.
 */
export function refuseAdminRequest(request: Request, appOrigin: string): AuthRefusal | undefined {
  const url = new URL(request.url);
  const shop = url.searchParams.get("shop");
  const rendersAppBridge = url.pathname === BOUNCE_PATH || url.pathname === EXIT_IFRAME_PATH;
  if (shop === null ? rendersAppBridge : !isShopDomain(shop)) return { status: 400, reason: "shop must be a myshopify.com domain" };

  if (url.pathname === EXIT_IFRAME_PATH) {
    const destination = url.searchParams.get("exitIframe");
    if (destination === null || !isExitIframeDestination(destination, shop ?? "", appOrigin)) {
      return { status: 400, reason: "exitIframe must be a page of this app or the shop's admin" };
    }
  }
  const reload = url.searchParams.get("shopify-reload");
  if (reload !== null && !isAppUrl(reload, appOrigin)) return { status: 400, reason: "shopify-reload must be a page of this app" };

  const claims = sessionTokenClaims(request, url);
  if (claims && !(typeof claims.dest === "string" && isShopDest(claims.dest))) {
    return { status: 401, reason: "session token is not for a shop" };
  }
  return undefined;
}

function parseUrl(value: string, base?: string): URL | undefined {
  try {
    return new URL(value, base);
  } catch {
    return undefined;
  }
}
