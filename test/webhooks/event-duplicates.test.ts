// One event delivered twice under two webhook ids (issue 12, point 3). Shopify's "ignore
// duplicates" page keys on X-Shopify-Event-Id; a retry keeps the webhook id, but the same event can
// also come again as a new delivery. Holdfast records it once and runs its work once, on every
// topic; an unsigned event id claimed by a replayed body cannot swallow the genuine delivery.
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDb } from "../support/db";
import { startPipeline, type Pipeline } from "../support/pipeline";
import { OrderFactory } from "../../emulator/index";

const SHOP = "event-duplicates.myshopify.com";

describeEachDb("duplicate events under new webhook ids", (get) => {
  let p: Pipeline;
  const factory = new OrderFactory({ seed: 77 });

  beforeAll(async () => {
    p = await startPipeline(get().db, SHOP);
  }, 60_000);
  afterAll(() => p.stop());

  const deliveries = (eventId: string) => get().db.webhookDelivery.count({ where: { shop: SHOP, eventId } });

  it("a customers/redact event sent again under a new webhook id queues one erasure", async () => {
    const order = p.store.addOrder(factory.legit().draft);
    const first = p.sender.customersRedact(SHOP, order.customerId!);
    const again = p.sender.duplicateEvent(first);
    expect(again.webhookId).not.toBe(first.webhookId);
    expect((await p.deliver(first)).status).toBe(200);
    expect((await p.deliver(again)).status).toBe(200);
    expect(await deliveries(first.eventId)).toBe(1);
    expect(await get().db.job.count({ where: { shop: SHOP, kind: "customers_redact" } })).toBe(1);
  });

  it("an orders/create event sent again is one delivery and one screening", async () => {
    const order = p.store.addOrder(factory.legit().draft);
    const first = p.sender.ordersCreate(SHOP, order.id);
    await Promise.all([p.deliver(first), p.deliver(p.sender.duplicateEvent(first)), p.deliver(p.sender.duplicateEvent(first))]);
    expect(await deliveries(first.eventId)).toBe(1);
    expect(await get().db.job.count({ where: { shop: SHOP, kind: "screen_order", dedupeKey: { startsWith: `order:${order.id}:` } } })).toBe(1);
  });

  it("the same event id on two topics is two deliveries (one merchant action reaches several topics)", async () => {
    const order = p.store.addOrder(factory.legit().draft);
    const created = p.sender.ordersCreate(SHOP, order.id);
    const updated = { ...p.sender.ordersUpdated(SHOP, order.id), eventId: created.eventId };
    expect((await p.deliver(created)).status).toBe(200);
    expect((await p.deliver(updated)).status).toBe(200);
    expect(await deliveries(created.eventId)).toBe(2);
  });

  it("an event id claimed by a replayed body does not make the genuine delivery of that event a duplicate", async () => {
    // Someone holding an earlier signed body of this shop sends it again with the event id of a
    // delivery still to come (the header is unsigned). Shopify's genuine delivery still counts.
    const earlier = p.sender.ordersCreate(SHOP, p.store.addOrder(factory.legit().draft).id);
    await p.deliver(earlier);
    const order = p.store.addOrder(factory.legit().draft);
    const genuine = p.sender.ordersCreate(SHOP, order.id);
    const forged = { ...earlier, webhookId: "forged-webhook-id", eventId: genuine.eventId };
    expect((await p.deliver(forged)).status).toBe(200);
    expect((await p.deliver(genuine)).status).toBe(200);
    expect(await get().db.webhookDelivery.count({ where: { shop: SHOP, webhookId: genuine.webhookId } })).toBe(1);
    expect(await get().db.job.count({ where: { shop: SHOP, dedupeKey: { startsWith: `order:${order.id}:` } } })).toBe(1);
  });
});
