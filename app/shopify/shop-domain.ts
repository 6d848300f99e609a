// What a shop is called: the one rule for a shop's myshopify domain, shared by the webhook intake
// (X-Shopify-Shop-Domain) and the auth routes (`shop=`, a session token's `dest`). Pure.

/** A myshopify domain as Shopify sends it: lowercase, one label before .myshopify.com. */
export const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;
export const MAX_SHOP_DOMAIN_LENGTH = 255;

export function isShopDomain(value: string): boolean {
  return value.length <= MAX_SHOP_DOMAIN_LENGTH && SHOP_DOMAIN.test(value);
}
