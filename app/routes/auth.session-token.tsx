// The bounce page: a document request without a session token is sent here with `shopify-reload`,
// and App Bridge's script reloads it with a fresh `id_token`. The library renders Shopify's script;
// in the demo and tests (HOLDFAST_APP_BRIDGE_URL, refused unless the app talks to the emulator) the
// page loads the stand-in instead, so the pages work in a plain browser.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticate } from "../shopify.server";
import { env } from "../env.server";

const escapeAttr = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const config = env();
  if (!config.HOLDFAST_APP_BRIDGE_URL) {
    await authenticate.admin(request);
    return null;
  }
  const html = `<!doctype html><html><head><meta charset="utf-8"><script data-api-key="${escapeAttr(config.SHOPIFY_API_KEY)}" src="${escapeAttr(config.HOLDFAST_APP_BRIDGE_URL)}"></script></head><body></body></html>`;
  return new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } });
};
