// Local-store support: when SHOPIFY_API_ORIGIN_OVERRIDE is set (demo, integration tests), every
// request to https://<shop>.myshopify.com/<path> goes to <override>/shops/<shop>.myshopify.com/<path>
// instead, the routing the local store emulator (emulator/) serves. Unset in real deployments.
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";

const SHOP_HOST = /^https:\/\/([a-z0-9][a-z0-9-]*\.myshopify\.com)(\/.*)?$/i;

export function rewriteShopUrl(url: string, origin: string): string {
  const m = SHOP_HOST.exec(url);
  return m ? `${origin.replace(/\/$/, "")}/shops/${m[1]!.toLowerCase()}${m[2] ?? "/"}` : url;
}

/** A fetch that sends shop traffic to `origin` and everything else where it was going. */
export function originOverrideFetch(origin: string, base: typeof fetch = fetch): typeof fetch {
  return (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const target = rewriteShopUrl(url, origin);
    if (target === url) return base(input, init);
    return input instanceof Request ? base(new Request(target, input), init) : base(target, init);
  };
}

/** Route the Shopify library's own HTTP (token exchange, refresh, GraphQL) through the override. */
export function installOriginOverride(origin: string): void {
  setAbstractFetchFunc(originOverrideFetch(origin) as Parameters<typeof setAbstractFetchFunc>[0]);
}
