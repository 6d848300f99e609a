// The headers every response carries (docs/security.md, "Auth routes and response headers").
// One rule, applied in two places: app/entry.server.tsx (Remix documents and data, also under the
// Vite dev server) and scripts/serve.mjs (everything the production server answers: static files,
// the webhook fast path, resource routes, errors), which gets it from the build's entry module.
// A header already set is kept: the embedded app's pages carry the library's
// `frame-ancestors https://{shop} https://admin.shopify.com …`, which App Bridge needs.

/** Set on every response. */
export const ALWAYS: Readonly<Record<string, string>> = {
  // A response is only ever read as the type it declares (no script from a JSON or text body).
  "X-Content-Type-Options": "nosniff",
  // Embedded URLs carry `id_token` (a session token) and `shop`: only the origin leaves the app.
  "Referrer-Policy": "strict-origin-when-cross-origin",
};

/**
 * The policy of a response that has none: the pages that are not embedded (`/`, `/auth/login`),
 * static files, data, webhooks and errors. Nothing may frame it, no `<base>` may move its links,
 * no plugin content.
 */
export const NOT_EMBEDDED_CSP = "frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

export interface HeaderTarget {
  has(name: string): boolean;
  set(name: string, value: string): void;
}

/** Adds the headers `target` lacks; never replaces one it has. */
export function applySecurityHeaders(target: HeaderTarget): void {
  for (const [name, value] of Object.entries(ALWAYS)) if (!target.has(name)) target.set(name, value);
  if (!target.has("Content-Security-Policy")) target.set("Content-Security-Policy", NOT_EMBEDDED_CSP);
}
