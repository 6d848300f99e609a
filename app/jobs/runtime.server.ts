// Background work of a Holdfast process: the job handlers, the worker running them, and a small
// scheduler that enqueues reconciliation for each installed shop and prunes old rows.
// The embedded default runs it inside the web process (app/entry.server.tsx); production can run
// more of it with `npm run worker` (scripts/worker.ts), each process claiming jobs atomically.
import { createRequire } from "node:module";
import type { Db } from "../db-client.server";
import { CUSTOMER_REDACT, DATA_REQUEST, SHOP_REDACT, exportCustomerData, redactCustomer, redactShop, type CustomerJobPayload } from "../compliance/compliance.server";
import { RECORD_DISPUTE, recordDispute, type DisputeJobPayload } from "../guarantee/disputes.server";
import { pruneIdentities } from "../screening/history.server";
import { SCREEN_ORDER } from "../screening/intake.server";
import { RECONCILE, reconcileJob, reconcileShop } from "../screening/reconcile.server";
import { OrderScreener } from "../screening/screen-order.server";
import { AdminGateway } from "../shopify/gateway.server";
import { originOverrideFetch } from "../shopify/origin-override.server";
import { enqueue, pruneDone } from "./queue.server";
import { Worker, type JobHandler, type WorkerOptions } from "./worker.server";

const require = createRequire(import.meta.url);
let geoip: { lookup(ip: string): { country?: string } | null } | undefined;

/** Country of an IP address (geoip-country's bundled table, loaded on first use). */
export function ipCountry(ip: string): string | undefined {
  geoip ??= require("geoip-country") as typeof geoip;
  try {
    return geoip!.lookup(ip)?.country || undefined;
  } catch {
    return undefined;
  }
}

export interface RuntimeConfig {
  db: Db;
  apiKey: string;
  apiSecret: string;
  /** Where Shopify traffic goes instead of https://<shop>.myshopify.com (local emulator). */
  originOverride?: string;
  now?: () => number;
  gateway?: AdminGateway;
}

export function createHandlers(config: RuntimeConfig): Record<string, JobHandler> {
  const { db } = config;
  const now = config.now ?? Date.now;
  const gateway =
    config.gateway ??
    new AdminGateway({
      db, apiKey: config.apiKey, apiSecret: config.apiSecret, now,
      fetch: config.originOverride ? originOverrideFetch(config.originOverride) : undefined,
    });
  const screener = new OrderScreener({ db, gateway, now, ipCountry });
  return {
    [SCREEN_ORDER]: (job, ctx) => screener.run(job, ctx),
    [RECONCILE]: async (job, { signal }) => ({ ...(job.payload as object), ...(await reconcileShop(db, gateway, job.shop, now(), signal)) }),
    [RECORD_DISPUTE]: async (job, { signal }) => {
      await recordDispute(db, gateway, job.shop, job.payload as DisputeJobPayload, signal);
      return undefined;
    },
    [DATA_REQUEST]: async (job) => {
      await exportCustomerData(db, job.shop, job.payload as CustomerJobPayload);
      return undefined;
    },
    [CUSTOMER_REDACT]: async (job) => {
      await redactCustomer(db, job.shop, job.payload as CustomerJobPayload);
      return undefined;
    },
    [SHOP_REDACT]: async (job) => {
      await redactShop(db, job.shop);
      return undefined;
    },
  };
}

/** Enqueue this slot's reconciliation for every installed shop, and prune what has aged out. */
export async function scheduleTick(db: Db, now: number): Promise<void> {
  const shops = await db.session.findMany({ where: { isOnline: false }, select: { shop: true }, distinct: ["shop"] });
  const uninstalled = new Set(
    (await db.shop.findMany({ where: { shop: { in: shops.map((s) => s.shop) }, uninstalledAt: { not: null } }, select: { shop: true } })).map((s) => s.shop),
  );
  for (const { shop } of shops) if (!uninstalled.has(shop)) await enqueue(db, reconcileJob(shop, now));
  await pruneDone(db, new Date(now - 7 * 24 * 3_600_000));
  await pruneIdentities(db, now);
  await db.lock.deleteMany({ where: { expiresAt: { lt: new Date(now - 3_600_000) } } });
}

export interface Background {
  worker: Worker;
  stop(): Promise<void>;
}

export function startBackgroundWork(config: RuntimeConfig, options: WorkerOptions & { scheduleEveryMs?: number } = {}): Background {
  ipCountry("127.0.0.1"); // load the GeoIP table now, not in the first order's screening
  const worker = new Worker(config.db, createHandlers(config), options).start();
  const now = config.now ?? Date.now;
  const tick = () =>
    scheduleTick(config.db, now()).catch((error: unknown) => (options.log ?? console.warn)(`scheduler: ${String(error)}`));
  const timer = setInterval(tick, options.scheduleEveryMs ?? 60_000);
  timer.unref();
  void tick();
  return {
    worker,
    async stop() {
      clearInterval(timer);
      await worker.stop();
    },
  };
}
