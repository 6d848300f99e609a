// GET /api/order-block/:orderId: the compact answer Holdfast's order-page block reads
// (extensions/holdfast-order-block). The block runs in the admin, on another origin: its fetch
// carries the session token in the Authorization header, and every answer, refusals included,
// carries the CORS headers the library adds (`cors`). `authenticate.admin` answers the OPTIONS
// preflight itself (204 with the CORS headers). The shop is the verified token's, never the request's.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { authenticate } from "../shopify.server";
import { db } from "../db.server";
import { OrderBlockId, blockLocale, findOrderBlock, isShopOrder } from "../staff/order-block.server";

const NO_STORE = { "Cache-Control": "private, no-store" };

/** The headers the library's `cors` adds, for the refusals answered before it runs. */
const CORS_HEADERS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Headers": "Authorization, Content-Type",
  "Access-Control-Expose-Headers": "X-Shopify-API-Request-Failure-Reauthorize-Url",
};

/**
 * Without a session token in the Authorization header the library would treat the request as a
 * page load and redirect it to the login; this API answers 401 instead (the admin's fetch always
 * sends the token).
 */
function requireBearer(request: Request): void {
  if (request.method === "OPTIONS" || /^Bearer \S+$/.test(request.headers.get("Authorization") ?? "")) return;
  throw new Response("Unauthorized", {
    status: 401,
    headers: { ...NO_STORE, ...CORS_HEADERS, "Content-Type": "text/plain; charset=utf-8", "X-Shopify-Retry-Invalid-Session-Request": "1" },
  });
}

/**
 * `authenticate.admin`, whose every refusal carries the CORS headers: the library adds them to its
 * own, Holdfast's checks before it (app/shopify/auth-requests.ts, e.g. a token not for a shop) do not.
 */
async function authenticateBlock(request: Request) {
  try {
    return await authenticate.admin(request);
  } catch (error) {
    if (error instanceof Response && !error.headers.has("Access-Control-Allow-Origin")) {
      for (const [name, value] of Object.entries(CORS_HEADERS)) error.headers.set(name, value);
    }
    throw error;
  }
}

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  requireBearer(request);
  const { session, admin, cors } = await authenticateBlock(request);
  const refuse = (status: number, error: string) => cors(json({ error }, { status, headers: NO_STORE }));

  const id = OrderBlockId.safeParse(params.orderId ?? "");
  if (!id.success) throw refuse(400, "orderBlock.error.invalidOrderId");
  const url = new URL(request.url);
  const locale = blockLocale(url.searchParams.get("locale"), request.headers.get("Accept-Language"));
  if (!locale) throw refuse(400, "orderBlock.error.invalidLocale");

  const block = await findOrderBlock(db, session.shop, id.data, locale);
  if (!block.screened) {
    // No row of Holdfast's: an order of this shop not screened yet, or not this shop's order at all.
    let ours: boolean;
    try {
      ours = await isShopOrder(admin, id.data);
    } catch (error) {
      // The library answers a revoked access token with its own 401 (the admin retries with a new
      // session token); any other failure it forwards as Shopify's answer, which is not passed on.
      if (error instanceof Response && error.status === 401) throw cors(error);
      const detail = error instanceof Response ? `Admin API answered ${error.status}` : String(error).slice(0, 300);
      console.warn(JSON.stringify({ event: "order_block_lookup_failed", shop: session.shop, error: detail }));
      throw refuse(502, "orderBlock.error.lookupFailed");
    }
    if (!ours) throw cors(new Response("Not found", { status: 404, headers: NO_STORE }));
  }
  return cors(json(block, { headers: NO_STORE }));
};
