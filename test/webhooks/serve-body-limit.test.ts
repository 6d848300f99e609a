// The production server's webhook fast path (scripts/serve.mjs) collects the body before the app
// sees it, so it caps it too (issue 11, finding 2; docs/security.md): a Content-Length above the
// cap is answered 413 at once, and a body that grows past it is answered 413 while it is still being
// sent, without the server waiting for (or buffering) the rest. Before, it buffered everything, then
// answered 401 for a garbage HMAC.
import http from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import { signedWebhook, startApp, type RunningApp } from "../../scripts/lib/app-process";
import { MAX_WEBHOOK_BODY_BYTES } from "../../app/webhooks/limits.mjs";
import { describeEachDb } from "../support/db";

const SHOP = "serve-limit.myshopify.com";
const CHUNK = Buffer.alloc(64 * 1024, 0x20);

/**
 * POSTs up to `total` bytes in 64 KB chunks, as fast as the server reads them but letting the
 * answer in between chunks (as a client that reads while it sends), and stops writing as soon as a
 * response arrives. Resolves with the status and how much had been written by then.
 */
function postStreaming(url: string, headers: Record<string, string>, total: number): Promise<{ status: number; written: number }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", headers });
    let written = 0;
    let answered = false;
    req.on("response", (res) => {
      answered = true;
      res.resume();
      resolve({ status: res.statusCode ?? 0, written });
    });
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    const pump = () => {
      if (answered) return;
      if (written >= total) return void req.end();
      written += CHUNK.length;
      if (req.write(CHUNK)) setImmediate(pump);
      else req.once("drain", pump);
    };
    pump();
  });
}

describeEachDb("production server: webhook body cap", (get) => {
  let app: RunningApp;
  // Stopped before the database is dropped (after hooks run in reverse order).
  afterAll(() => app?.stop());
  beforeAll(async () => {
    app = await startApp({ DATABASE_URL: get().url });
  }, 60_000);

  it("answers 413 to a Content-Length above the cap before the body is sent", async () => {
    const headers = { ...signedWebhook("orders/create", SHOP, "garbage"), "Content-Length": String(MAX_WEBHOOK_BODY_BYTES + 1) };
    // Nothing of the body is written until the answer is in: it must come without it.
    const res = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${app.baseUrl}/webhooks/orders/create`, { method: "POST", headers });
      req.on("response", (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
        req.destroy();
      });
      req.on("error", reject);
      req.flushHeaders();
    });
    expect(res).toBe(413);
  });

  it("answers 413 to a chunked body with a garbage HMAC as soon as it passes the cap, not after 256 MB", async () => {
    const total = 256 * 1024 * 1024;
    const headers = { ...signedWebhook("orders/create", SHOP, "garbage"), "Transfer-Encoding": "chunked" };
    const { status, written } = await postStreaming(`${app.baseUrl}/webhooks/orders/create`, headers, total);
    expect(status).toBe(413);
    // The cap, plus what the sockets' buffers held when the answer came.
    expect(written).toBeLessThan(total / 4);
    expect(await get().db.webhookDelivery.count({ where: { shop: SHOP } })).toBe(0);
  }, 60_000);

  it("still answers a signed delivery under the cap after refusing", async () => {
    const body = JSON.stringify({ current: ["read_orders"] });
    const res = await fetch(`${app.baseUrl}/webhooks/app/scopes_update`, { method: "POST", headers: signedWebhook("app/scopes_update", SHOP, body), body });
    expect(res.status).toBe(200);
  });
});
