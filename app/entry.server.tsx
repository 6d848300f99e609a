import { PassThrough } from "node:stream";
import { renderToPipeableStream } from "react-dom/server";
import { RemixServer } from "@remix-run/react";
import { createReadableStreamFromReadable, type EntryContext } from "@remix-run/node";
import { isbot } from "isbot";
import { addDocumentResponseHeaders } from "./shopify.server";
import { ensureBackgroundWork } from "./background/process.server";
import { applySecurityHeaders } from "./http/security-headers";
import { isShopDomain } from "./shopify/shop-domain";
import { env } from "./env.server";

// The worker starts with the server (the embedded default: one process, SQLite).
ensureBackgroundWork();

/** How the server (scripts/serve.mjs) stops the app on SIGTERM/SIGINT: background work, then the database. */
export { shutdownProcess as shutdown } from "./background/process.server";

/** The headers every response carries; scripts/serve.mjs applies them to everything it answers. */
export { applySecurityHeaders };

export const streamTimeout = 5000;

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  // The library's frame-ancestors for an embedded page of a shop; ours (framed by no one) for the
  // rest. Only for a myshopify domain: the library's own check also lets other Shopify hosts frame.
  const shop = new URL(request.url).searchParams.get("shop");
  if (shop !== null && isShopDomain(shop)) addDocumentResponseHeaders(request, responseHeaders);
  // The library preloads App Bridge from Shopify's CDN; with the emulator's stand-in, preload that.
  const stub = env().HOLDFAST_APP_BRIDGE_URL;
  if (stub && responseHeaders.has("Link")) responseHeaders.set("Link", `<${stub}>; rel="preload"; as="script";`);
  applySecurityHeaders(responseHeaders);
  const userAgent = request.headers.get("user-agent");
  const callbackName = isbot(userAgent ?? "") ? "onAllReady" : "onShellReady";

  return new Promise((resolve, reject) => {
    const { pipe, abort } = renderToPipeableStream(<RemixServer context={remixContext} url={request.url} />, {
      [callbackName]: () => {
        const body = new PassThrough();
        const stream = createReadableStreamFromReadable(body);
        responseHeaders.set("Content-Type", "text/html");
        resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
        pipe(body);
      },
      onShellError(error) {
        reject(error);
      },
      onError(error) {
        responseStatusCode = 500;
        console.error(error);
      },
    });
    setTimeout(abort, streamTimeout + 1000);
  });
}

/** Loader and action data (`?_data=`): the same headers as documents. */
export function handleDataRequest(response: Response) {
  applySecurityHeaders(response.headers);
  return response;
}
