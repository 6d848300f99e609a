// The shop's IANA timezone is read with its identity (ShopIdentity) and stored for hour-of-day
// signals; an answer without one, or with one the runtime does not know, never costs the shop id.
import { expect, it } from "vitest";
import { describeEachDb } from "../support/db";
import { rememberShopId } from "../../app/webhooks/shop-lifecycle.server";

describeEachDb("Shop.ianaTimezone from the ShopIdentity answer", (get) => {
  const shop = "tz.myshopify.com";
  const answer = (ianaTimezone?: unknown) => ({ shop: { id: "gid://shopify/Shop/77", myshopifyDomain: shop, ...(ianaTimezone === undefined ? {} : { ianaTimezone }) } });
  const row = () => get().db.shop.findUniqueOrThrow({ where: { shop }, select: { shopId: true, ianaTimezone: true } });

  it("stores a known timezone, keeps it when an answer has none, and ignores one the runtime does not know", async () => {
    expect(await rememberShopId(get().db, shop, answer("Asia/Tokyo"))).toBe("77");
    expect(await row()).toEqual({ shopId: "77", ianaTimezone: "Asia/Tokyo" });
    await rememberShopId(get().db, shop, answer());
    expect(await row()).toEqual({ shopId: "77", ianaTimezone: "Asia/Tokyo" });
    await rememberShopId(get().db, shop, answer("Mars/Olympus_Mons"));
    expect(await row()).toEqual({ shopId: "77", ianaTimezone: "Asia/Tokyo" });
    await rememberShopId(get().db, shop, answer(42));
    expect(await row()).toEqual({ shopId: "77", ianaTimezone: "Asia/Tokyo" });
    await rememberShopId(get().db, shop, answer("America/New_York"));
    expect((await row()).ianaTimezone).toBe("America/New_York");
  });
});
