// The staff pages under test, as the admin serves them: the store emulator (HTTP), the production
// build of Holdfast with its in-process worker, and the demo shop installed by token exchange (the
// first page load). Requests carry a real session token minted by the emulator, as App Bridge adds
// it; `data` and `post` call a route's loader and action the way Remix's client does (`_data`).
// Orders go through the real webhook endpoints and the worker screens and acts on them in the
// emulator, so every page reads what the pipeline recorded.
import type { Db } from "../../app/db-client.server";
import { OrderFactory, ShopifyEmulator, WebhookSender, startEmulatorServer, type OrderDraft, type RunningEmulator } from "../../emulator/index";
import { TEST_API_KEY, TEST_API_SECRET, startApp, type RunningApp } from "../../scripts/lib/app-process";

export const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36";

export interface AdminApp {
  emulator: ShopifyEmulator;
  store: RunningEmulator;
  app: RunningApp;
  sender: WebhookSender;
  /** The installed shops: `shop` (the one under test) and `other` (for the cross-shop checks). */
  shop: string;
  other: string;
  /** A fresh session token for a shop (default: `shop`). */
  token(shop?: string): string;
  /** The document URL the admin opens (embedded, with an id_token). */
  documentUrl(path: string, opts?: { shop?: string; locale?: string }): string;
  /** GET with a session token in the Authorization header (as App Bridge's fetch does). */
  get(path: string, opts?: { shop?: string; headers?: Record<string, string> }): Promise<Response>;
  /** A route's loader data: GET `path?_data=<routeId>`. */
  data<T = unknown>(path: string, routeId: string, opts?: { shop?: string }): Promise<{ status: number; body: T; response: Response }>;
  /** A route's action: POST form fields to `path?_data=<routeId>`. */
  post<T = unknown>(path: string, routeId: string, form: Record<string, string | string[]>, opts?: { shop?: string }): Promise<{ status: number; body: T; response: Response }>;
  /** Place orders through orders/create; returns their ids (as strings). */
  placeOrders(drafts: OrderDraft[], shop?: string): Promise<string[]>;
  /** Wait until no job of the shop is queued or running (default 60 s). */
  settle(shop?: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startAdminApp(db: Db, databaseUrl: string, opts: { shop?: string; other?: string; env?: Record<string, string> } = {}): Promise<AdminApp> {
  const shop = opts.shop ?? "staff-pages.myshopify.com";
  const other = opts.other ?? "other-staff.myshopify.com";
  const emulator = new ShopifyEmulator({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET });
  emulator.createShop(shop);
  emulator.createShop(other);
  const store = await startEmulatorServer(emulator);
  const app = await startApp({
    DATABASE_URL: databaseUrl, SHOPIFY_API_ORIGIN_OVERRIDE: store.baseUrl, HOLDFAST_WORKER: "on",
    HOLDFAST_APP_BRIDGE_URL: `${store.baseUrl}/app-bridge.js`, HOLDFAST_WORKER_POLL_MS: "50", ...opts.env,
  });
  const sender = new WebhookSender(emulator, { targetBaseUrl: app.baseUrl, retrySchedule: [50, 100, 200], autoFulfillmentOrderEvents: true });
  const token = (s = shop) => emulator.sessionToken(s);
  const host = (s: string) => Buffer.from(`admin.shopify.com/store/${s.split(".")[0]}`).toString("base64url");
  const documentUrl = (path: string, o: { shop?: string; locale?: string } = {}) => {
    const s = o.shop ?? shop;
    const url = new URL(path, app.baseUrl);
    url.searchParams.set("embedded", "1");
    url.searchParams.set("shop", s);
    url.searchParams.set("host", host(s));
    url.searchParams.set("id_token", token(s));
    if (o.locale) url.searchParams.set("locale", o.locale);
    return url.toString();
  };
  const get = (path: string, o: { shop?: string; headers?: Record<string, string> } = {}) =>
    fetch(new URL(path, app.baseUrl), { headers: { "User-Agent": BROWSER_UA, Authorization: `Bearer ${token(o.shop)}`, ...o.headers }, redirect: "manual" });
  const parse = async <T,>(response: Response) => {
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: kept as text
    }
    return { status: response.status, body: body as T, response };
  };
  const withData = (path: string, routeId: string) => {
    const url = new URL(path, app.baseUrl);
    url.searchParams.set("_data", routeId);
    return url;
  };
  const adminApp: AdminApp = {
    emulator, store, app, sender, shop, other, token, documentUrl, get,
    async data(path, routeId, o = {}) {
      const response = await fetch(withData(path, routeId), { headers: { "User-Agent": BROWSER_UA, Authorization: `Bearer ${token(o.shop)}` }, redirect: "manual" });
      return parse(response);
    },
    async post(path, routeId, form, o = {}) {
      const body = new URLSearchParams();
      for (const [k, v] of Object.entries(form)) for (const value of Array.isArray(v) ? v : [v]) body.append(k, value);
      const response = await fetch(withData(path, routeId), {
        method: "POST", body, redirect: "manual",
        headers: { "User-Agent": BROWSER_UA, Authorization: `Bearer ${token(o.shop)}`, "content-type": "application/x-www-form-urlencoded" },
      });
      return parse(response);
    },
    async placeOrders(drafts, s = shop) {
      const ids: string[] = [];
      for (const draft of drafts) {
        const { order, result } = await sender.placeOrder(s, draft);
        if (!result.ok) throw new Error(`orders/create for order ${order.id} was not accepted: ${JSON.stringify(result)}\n${app.output()}`);
        ids.push(String(order.id));
      }
      return ids;
    },
    async settle(s = shop, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      let quiet = 0;
      while (Date.now() < deadline) {
        const busy = await db.job.count({ where: { shop: s, state: { in: ["queued", "running"] }, runAt: { lte: new Date(Date.now() + 5_000) } } });
        quiet = busy === 0 ? quiet + 1 : 0;
        if (quiet >= 3) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`jobs of ${s} did not settle in ${timeoutMs} ms\n${app.output().slice(-2000)}`);
    },
    async stop() {
      await app.stop();
      await store.stop();
    },
  };
  // Install both shops as the admin does: the first page load exchanges the session token.
  for (const s of [shop, other]) {
    const res = await fetch(documentUrl("/app", { shop: s }), { headers: { "User-Agent": BROWSER_UA } });
    if (res.status !== 200) throw new Error(`installing ${s}: the app answered ${res.status}\n${app.output()}`);
  }
  return adminApp;
}

/** A small mix of orders from the emulator's factory: mostly good, some with fraud patterns. */
export function mixedOrders(n: number, seed = 11, fraudShare = 0.3): { draft: OrderDraft; fraud: boolean }[] {
  const factory = new OrderFactory({ seed, startAt: Date.now() - 3600_000 });
  return factory.batch(n, fraudShare).map((g) => ({ draft: g.draft, fraud: g.fraud }));
}

export interface SeededShop {
  orderIds: string[];
  held: string[];
  guaranteed: string[];
  /** Disputes opened on guaranteed orders: the first lost (claim approved), the second open. */
  disputes: { disputeId: number; orderId: string }[];
}

/**
 * Real data for the pages: `n` factory orders (about a third with fraud patterns) through the
 * webhook and the worker, then fraud chargebacks on two guaranteed orders (one lost, one open).
 */
export async function seedShop(t: AdminApp, db: Db, n = 30, shop = t.shop): Promise<SeededShop> {
  const orderIds = await t.placeOrders(mixedOrders(n).map((o) => o.draft), shop);
  await t.settle(shop);
  const screenings = await db.orderScreening.findMany({ where: { shop, orderId: { in: orderIds } }, select: { orderId: true, verdict: true, guarantee: true } });
  const held = screenings.filter((s) => s.verdict === "hold").map((s) => s.orderId);
  const guaranteed = screenings.filter((s) => s.guarantee === "active").map((s) => s.orderId);
  const disputes: { disputeId: number; orderId: string }[] = [];
  for (const orderId of guaranteed.slice(0, 2)) {
    const { dispute } = await t.sender.openDispute(shop, Number(orderId), { reason: "FRAUDULENT" });
    disputes.push({ disputeId: dispute.id, orderId });
  }
  await t.settle(shop);
  if (disputes[0]) {
    await t.sender.updateDispute(shop, disputes[0].disputeId, { status: "LOST" });
    await t.settle(shop);
  }
  return { orderIds, held, guaranteed, disputes };
}
