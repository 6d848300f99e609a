import { Session } from "@shopify/shopify-api";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { expect, it } from "vitest";
import type { Db } from "../../app/db-client.server";
import { deliveryRow, type DeliveryHeaders, type DeliveryOutcome } from "../../app/webhooks/deliveries.server";
import { intakeWriter } from "../../app/webhooks/intake-writer.server";
import { markUninstalled, updateScopes } from "../../app/webhooks/shop-lifecycle.server";
import { describeEachDb } from "../support/db";

const SHOP = "dedupe-shop.myshopify.com";
const OTHER = "other-shop.myshopify.com";

/** The path acceptWebhook takes: the delivery's row, written by the intake writer (here without jobs). */
const recordDelivery = (db: Db, headers: DeliveryHeaders, outcome: DeliveryOutcome) => intakeWriter(db).write(deliveryRow(headers, outcome), []);

describeEachDb("webhook deliveries", (get) => {
  it("records a delivery once per (shop, webhookId); a redelivery is a duplicate", async () => {
    const { db } = get();
    const headers = { shop: SHOP, webhookId: "wh-1", topic: "ORDERS_CREATE", triggeredAt: "2026-11-24T10:00:00.000Z" };
    expect(await recordDelivery(db, headers, { status: "received" })).toBe("recorded");
    expect(await recordDelivery(db, headers, { status: "received" })).toBe("duplicate");
    // The same webhook id from another shop is a different delivery.
    expect(await recordDelivery(db, { ...headers, shop: OTHER }, { status: "received" })).toBe("recorded");
    const rows = await db.webhookDelivery.findMany({ where: { shop: SHOP } });
    expect(rows).toHaveLength(1);
    expect(rows[0]?.triggeredAt?.toISOString()).toBe("2026-11-24T10:00:00.000Z");
  });

  it("keeps a bad X-Shopify-Triggered-At as unknown rather than failing", async () => {
    const { db } = get();
    await recordDelivery(db, { shop: SHOP, webhookId: "wh-bad-date", topic: "ORDERS_CREATE", triggeredAt: "yesterday-ish" }, { status: "received" });
    const row = await db.webhookDelivery.findUniqueOrThrow({ where: { shop_webhookId: { shop: SHOP, webhookId: "wh-bad-date" } } });
    expect(row.triggeredAt).toBeNull();
  });
});

describeEachDb("sessions and install state", (get) => {
  function offlineSession(shop: string) {
    const session = new Session({ id: `offline_${shop}`, shop, state: "s", isOnline: false, scope: "read_orders", accessToken: "shpat_x" });
    session.expires = new Date("2026-11-24T11:00:00.000Z");
    session.refreshToken = "shprt_refresh";
    session.refreshTokenExpires = new Date("2027-01-01T00:00:00.000Z");
    return session;
  }

  it("stores expiring offline tokens with their refresh token", async () => {
    const storage = new PrismaSessionStorage(get().db);
    await storage.storeSession(offlineSession(SHOP));
    const loaded = await storage.loadSession(`offline_${SHOP}`);
    expect(loaded?.refreshToken).toBe("shprt_refresh");
    expect(loaded?.refreshTokenExpires?.toISOString()).toBe("2027-01-01T00:00:00.000Z");
  });

  it("app/uninstalled deletes only that shop's sessions, keeps its data, and is idempotent", async () => {
    const { db } = get();
    const storage = new PrismaSessionStorage(db);
    await storage.storeSession(offlineSession(SHOP));
    await storage.storeSession(offlineSession(OTHER));
    await recordDelivery(db, { shop: SHOP, webhookId: "wh-keep", topic: "ORDERS_CREATE" }, { status: "received" });
    const at = new Date("2026-11-24T12:00:00.000Z");
    await markUninstalled(db, SHOP, at);
    await markUninstalled(db, SHOP, at);
    expect(await db.session.count({ where: { shop: SHOP } })).toBe(0);
    expect(await db.session.count({ where: { shop: OTHER } })).toBe(1);
    expect((await db.shop.findUniqueOrThrow({ where: { shop: SHOP } })).uninstalledAt?.toISOString()).toBe(at.toISOString());
    expect(await db.webhookDelivery.count({ where: { shop: SHOP, webhookId: "wh-keep" } })).toBe(1);
  });

  it("app/scopes_update updates the session's scope for that shop only", async () => {
    const { db } = get();
    const storage = new PrismaSessionStorage(db);
    await storage.storeSession(offlineSession(OTHER));
    await updateScopes(db, OTHER, `offline_${OTHER}`, ["read_orders", "write_orders"]);
    expect((await db.session.findUniqueOrThrow({ where: { id: `offline_${OTHER}` } })).scope).toBe("read_orders,write_orders");
    expect((await db.shop.findUniqueOrThrow({ where: { shop: OTHER } })).scopes).toBe("read_orders,write_orders");
  });
});
