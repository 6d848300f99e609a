// In-process order pipeline against the local store emulator: Holdfast's real webhook intake
// (acceptWebhook with each route's planner), job handlers, worker and Admin gateway, with the
// gateway's fetch going to the emulator in process. The HTTP-level tests start the built app instead.
import type { Db } from "../../app/db-client.server";
import { acceptWebhook } from "../../app/webhooks/accept.server";
import { routeOfTopic } from "../../app/webhooks/subscriptions.server";
import { rememberShopId } from "../../app/webhooks/shop-lifecycle.server";
import { createWorker } from "../../app/background/runtime.server";
import type { Worker } from "../../app/jobs/worker.server";
import { AdminGateway, type GatewayOptions } from "../../app/shopify/gateway.server";
import { ensureSubscription } from "../../app/guarantee/billing.server";
import { adminGraphql } from "../../emulator/helpers";
import { ShopifyEmulator, WebhookSender, type EmulatorOptions, type ShopState, type WebhookDelivery } from "../../emulator/index";
import { TEST_API_KEY, TEST_API_SECRET } from "../../scripts/lib/app-process";


/**
 * Store the offline session Holdfast gets by token exchange (tested end to end in test/server).
 * The shop's usage charges count as approved (subscriptionStatus "ACTIVE"), so that approved orders
 * are guaranteed, unless `subscriptionStatus` says otherwise (null: no subscription created); with
 * `subscription`, a real one is created in the emulator as afterAuth does.
 */
export async function installOffline(
  db: Db, emulator: ShopifyEmulator, shop: string, opts: { expiresInMs?: number; shopId?: false; subscription?: boolean; subscriptionStatus?: string | null } = {},
) {
  const grant = emulator.install(shop);
  const now = Date.now();
  const data = {
    shop, state: "", isOnline: false, scope: grant.scope, accessToken: grant.access_token,
    expires: new Date(now + (opts.expiresInMs ?? (grant.expires_in ?? 3600) * 1000)),
    refreshToken: grant.refresh_token ?? null,
    refreshTokenExpires: grant.refresh_token_expires_in ? new Date(now + grant.refresh_token_expires_in * 1000) : null,
  };
  await db.session.upsert({ where: { id: `offline_${shop}` }, create: { id: `offline_${shop}`, ...data }, update: data });
  const subscriptionStatus = opts.subscriptionStatus === undefined ? "ACTIVE" : opts.subscriptionStatus;
  await db.shop.upsert({ where: { shop }, create: { shop, subscriptionStatus }, update: { uninstalledAt: null, subscriptionStatus } });
  // As afterAuth does after a token exchange: the shop's numeric id (and timezone), from Shopify's own answer.
  if (opts.shopId !== false) {
    const info = emulator.shop(shop).info;
    await rememberShopId(db, shop, { shop: { id: `gid://shopify/Shop/${info.id}`, myshopifyDomain: shop, ianaTimezone: info.timezone } });
  }
  // With `subscription`, the usage subscription afterAuth creates, through the library's client
  // there (no limiter): here straight to the emulator, approved unless the emulator says otherwise.
  if (opts.subscription) {
    const direct = {
      async request(s: string, document: string, variables?: Record<string, unknown>) {
        return (await adminGraphql(emulator, s, grant.access_token, document, variables)).body.data;
      },
    };
    await ensureSubscription(db, direct, shop, { test: true }, { recreate: true });
  }
}

export interface Pipeline {
  emulator: ShopifyEmulator;
  store: ShopState;
  sender: WebhookSender;
  gateway: AdminGateway;
  worker: Worker;
  /** POST a delivery through Holdfast's intake, as the route does. */
  deliver(d: WebhookDelivery): Promise<Response>;
  /** Wait until the shop has no queued or running jobs that are due. */
  drain(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startPipeline(
  db: Db,
  shop: string,
  opts: {
    /** Fulfillment orders come with the order here (fulfillmentOrderDelayMs 0) unless set: tests of late ones say so. */
    emulator?: EmulatorOptions;
    gateway?: Partial<GatewayOptions>;
    concurrency?: number;
    emulatorInstance?: ShopifyEmulator;
    /** Holdfast's clock (screening times, waits), for tests that jump ahead. */
    now?: () => number;
    /** Shop.subscriptionStatus (default "ACTIVE": usage charges approved; null: none created). */
    subscriptionStatus?: string | null;
  } = {},
): Promise<Pipeline> {
  const emulator = opts.emulatorInstance ?? new ShopifyEmulator({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, fulfillmentOrderDelayMs: 0, ...opts.emulator });
  const store = emulator.hasShop(shop) ? emulator.shop(shop) : emulator.createShop(shop);
  const real = opts.subscriptionStatus === undefined || opts.subscriptionStatus === "ACTIVE";
  await installOffline(db, emulator, shop, { subscription: real, subscriptionStatus: opts.subscriptionStatus });
  const gateway = new AdminGateway({ db, apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, fetch: emulator.fetch, ...opts.gateway });
  const worker = createWorker({ db, apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, gateway, now: opts.now }, {
    concurrency: opts.concurrency ?? 4, pollMs: 10, log: () => {},
  }).start();
  const sender = new WebhookSender(emulator, { targetBaseUrl: "http://holdfast.invalid" });
  const deliver = (d: WebhookDelivery) =>
    acceptWebhook(new Request(`https://holdfast.test${routeOfTopic(d.topic).path}`, { method: "POST", headers: sender.headers(d), body: d.body }), routeOfTopic(d.topic).route, db);
  const drain = async (timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const busy = await db.job.count({ where: { shop, OR: [{ state: "running" }, { state: "queued", runAt: { lte: new Date() } }] } });
      if (busy === 0) return;
      if (Date.now() > deadline) throw new Error(`jobs still busy after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return { emulator, store, sender, gateway, worker, deliver, drain, stop: () => worker.stop() };
}
