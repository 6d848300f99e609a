// acceptWebhook, in process, against a real signed request: a follow-up that failed on the first
// delivery runs again when Shopify retries (same X-Shopify-Webhook-Id); the delivery is recorded once.
import { beforeAll, expect, it, vi } from "vitest";
import { describeEachDb } from "../support/db";
import { signedWebhook } from "../../scripts/lib/app-process";
import type { acceptWebhook as AcceptWebhook, WebhookHandler } from "../../app/webhooks/accept.server";

const SHOP = "accept-retry.myshopify.com";

describeEachDb("acceptWebhook", (get) => {
  let acceptWebhook: typeof AcceptWebhook;
  beforeAll(async () => {
    // The app's db singleton is this test database for the modules imported below.
    globalThis.__holdfastDb = get().db;
    vi.resetModules();
    ({ acceptWebhook } = await import("../../app/webhooks/accept.server"));
    // An uninstall is acted on only for a shop Holdfast knows.
    await get().db.shop.create({ data: { shop: SHOP } });
  });
  const uninstalled = (handle: WebhookHandler) => ({ topics: ["app/uninstalled"], handle });

  it("re-runs a failed follow-up on the retry and records the delivery once", async () => {
    const body = JSON.stringify({ id: 1, myshopify_domain: SHOP });
    const headers = signedWebhook("app/uninstalled", SHOP, body);
    const request = () => new Request("https://holdfast.test/webhooks/app/uninstalled", { method: "POST", headers, body });

    const failing = vi.fn(async () => {
      throw new Error("database blip");
    });
    await expect(acceptWebhook(request(), uninstalled(failing))).rejects.toThrow("database blip");
    expect(await get().db.webhookDelivery.count({ where: { shop: SHOP } })).toBe(0);

    const followUp = vi.fn(async () => {});
    expect((await acceptWebhook(request(), uninstalled(followUp))).status).toBe(200);
    expect((await acceptWebhook(request(), uninstalled(followUp))).status).toBe(200);
    expect(followUp).toHaveBeenCalledTimes(2); // idempotent follow-ups run on every verified delivery
    expect(await get().db.webhookDelivery.count({ where: { shop: SHOP } })).toBe(1);
  });

  it("answers 401 to an unsigned delivery without running anything", async () => {
    const body = "{}";
    const { "X-Shopify-Hmac-Sha256": _sig, ...unsigned } = signedWebhook("app/uninstalled", SHOP, body);
    const followUp = vi.fn(async () => {});
    const res = await acceptWebhook(new Request("https://holdfast.test/webhooks/app/uninstalled", { method: "POST", headers: unsigned, body }), uninstalled(followUp));
    expect(res.status).toBe(401);
    expect(followUp).not.toHaveBeenCalled();
  });
});
