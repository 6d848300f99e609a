// The shop's own tag names in the store actions: the verdict's tag under the shop's name, and the
// other verdict's tag removed under its current and its default name (orders tagged before a
// rename), never the tag the verdict wants, never a tag that is not Holdfast's.
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDb } from "../support/db";
import { startPipeline, type Pipeline } from "../support/pipeline";
import { OrderFactory } from "../../emulator/index";
import { StoreActions, shopTags, type ActionSettings, type AdminOrder } from "../../app/screening/store-actions.server";
import { OrderForScreening } from "../../app/shopify/operations";
import type { OrderForScreeningQuery } from "../../app/types/admin.generated";

describeEachDb("store actions with the shop's tag names", (get) => {
  const shop = "tag-names.myshopify.com";
  const factory = new OrderFactory({ seed: 41 });
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline(get().db, shop);
    await p.worker.stop();
  });
  afterAll(() => p?.stop());

  const run = async (verdict: "ship" | "hold", tags: string[], settings: ActionSettings) => {
    const order = p.store.addOrder({ ...factory.legit().draft, tags, fulfillmentOrders: [] });
    const read = (await p.gateway.request<OrderForScreeningQuery>(shop, OrderForScreening, { id: `gid://shopify/Order/${order.id}` })).order as AdminOrder;
    const screened = { orderId: String(order.id), revision: 0, verdict, score: verdict === "ship" ? 10 : 990, riskLevel: verdict === "ship" ? "LOW" : "HIGH", riskFacts: [] };
    await new StoreActions(get().db, p.gateway).apply(shop, screened, read, settings, { fresh: true }).catch(() => undefined); // a held order without fulfillment orders waits
    return p.store.orders.get(order.id)!.tags;
  };
  const custom = { autoCancel: false, autoCancelScore: 970, shipTag: "ok-to-ship", holdTag: "needs-review" };

  it("falls back to the defaults", () => {
    expect(shopTags(null)).toEqual({ shipTag: "holdfast:ship", holdTag: "holdfast:hold" });
    expect(shopTags({ shipTag: " ", holdTag: "x" })).toEqual({ shipTag: "holdfast:ship", holdTag: "x" });
  });

  it("an approved order gets the shop's ship tag and loses the hold tag under both names", async () => {
    const tags = await run("ship", ["Holdfast:Hold", "needs-review", "vip"], custom);
    expect(tags).toContain("ok-to-ship");
    expect(tags).toContain("vip");
    expect(tags.map((t) => t.toLowerCase())).not.toContain("holdfast:hold");
    expect(tags).not.toContain("needs-review");
  });

  it("a held order gets the shop's hold tag and loses the ship tag under both names", async () => {
    const tags = await run("hold", ["holdfast:ship", "ok-to-ship"], custom);
    expect(tags).toContain("needs-review");
    expect(tags).not.toContain("holdfast:ship");
    expect(tags).not.toContain("ok-to-ship");
  });

  it("never removes the tag the verdict wants, even when it is the other verdict's default name", async () => {
    const tags = await run("ship", ["holdfast:hold"], { autoCancel: false, autoCancelScore: 970, shipTag: "holdfast:hold", holdTag: "review" });
    expect(tags).toContain("holdfast:hold");
  });
});
