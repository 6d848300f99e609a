// The composition root of Holdfast's background work: it wires every job kind to the room that
// does the work (screening, guarantee, compliance), builds the one Admin gateway, maps the
// gateway's errors onto the job layer's, and runs a small scheduler for reconciliation and upkeep.
// Nothing below it (jobs/, shopify/, screening/...) imports it; both the in-process worker
// (process.server.ts, the embedded default) and `npm run worker` start background work through it.
import type { Db } from "../db-client.server";
import { pruneLocks } from "../db-lock.server";
import {
  CUSTOMER_REDACT, CustomerJobPayload, DATA_REQUEST, SHOP_REDACT, ShopRedactJobPayload, customerJobIds, exportCustomerData, pruneExports,
  redactCustomer, redactShop,
} from "../compliance/compliance.server";
import { DEFAULT_BILLING, chargeFee, type BillingOptions } from "../guarantee/billing.server";
import { VOID_GUARANTEE, VoidGuaranteePayload, voidCancelledGuarantee } from "../guarantee/void.server";
import { CHARGE_FEE, ChargeFeePayload } from "../guarantee/fee-job";
import { DisputeBusy, DisputeJobPayload, RECORD_DISPUTE, WaitForScreening, recordDispute } from "../guarantee/disputes.server";
import { EvidenceJobPayload, FILE_EVIDENCE, fileEvidence } from "../guarantee/evidence.server";
import { DeferJob, PermanentJobError, RetrySoon, enqueue, minimiseAgedPayloads, pruneDone, type PayloadMinimiser } from "../jobs/queue.server";
import { Worker, defineJob, payloadMinimiser, type JobHandler, type StopOptions, type WorkerOptions } from "../jobs/worker.server";
import { REFIT_SHOP_MODEL, RefitPayload } from "../learning/refit-job";
import { refitShopModel } from "../learning/refit.server";
import { pruneIdentities } from "../screening/history.server";
import { SCREEN_ORDER, ScreenOrderPayload, withoutWebhook } from "../screening/intake.server";
import { RECONCILE, ReconcileJobPayload, SUSPENDED_WAIT_MS, reconcileJob, reconcileShop } from "../screening/reconcile.server";
import { NoFulfillmentOrderError, OrderScreener, WaitForShopify } from "../screening/screen-order.server";
import { STAFF_DECISION, StaffDecider, StaffDecisionPayload } from "../screening/staff-decision.server";
import { FOLLOW_HOLDS, FollowHoldsPayload, orderOfFulfillmentOrders } from "../screening/fulfillment-orders.server";
import { AdminApiError, AdminGateway, AmbiguousMutationError, ShopUnavailableError } from "../shopify/gateway.server";
import { BudgetWaitError } from "../shopify/limiter.server";
import { originOverrideFetch } from "../shopify/origin-override.server";
import { pruneDeliveries } from "../webhooks/deliveries.server";
import { ipCountry, loadGeoip } from "./geoip.server";

export interface RuntimeConfig {
  db: Db;
  apiKey: string;
  apiSecret: string;
  /** Where Shopify traffic goes instead of https://<shop>.myshopify.com (local emulator). */
  originOverride?: string;
  now?: () => number;
  gateway?: AdminGateway;
  /** Usage billing: test charges unless production (app/guarantee/billing.server.ts). */
  billing?: BillingOptions;
}

/**
 * The longest a job's Admin API call waits for its shop's budget in a worker slot. Beyond it the
 * job is deferred (BudgetWaitError -> DeferJob) and the slot goes to another shop's job: a shop
 * on a low plan or with a backlog does not hold up the others (docs/decisions/004-job-queue.md).
 */
export const JOB_BUDGET_WAIT_MS = 1000;

/** Every job kind, with its payload schema and the room that runs it. */
export function createHandlers(config: RuntimeConfig): JobHandler[] {
  const { db } = config;
  const now = config.now ?? Date.now;
  const gateway =
    config.gateway ??
    new AdminGateway({
      db, apiKey: config.apiKey, apiSecret: config.apiSecret, now, maxBudgetWaitMs: JOB_BUDGET_WAIT_MS,
      fetch: config.originOverride ? originOverrideFetch(config.originOverride) : undefined,
    });
  const screener = new OrderScreener({ db, gateway, now, ipCountry });
  const staff = new StaffDecider({ db, gateway, now });
  return [
    defineJob(SCREEN_ORDER, ScreenOrderPayload, (payload, job, ctx) => screener.run(job.shop, payload, ctx)),
    defineJob(STAFF_DECISION, StaffDecisionPayload, (payload, job, ctx) => staff.run(job.shop, payload, ctx)),
    defineJob(FOLLOW_HOLDS, FollowHoldsPayload, async (payload, job, { signal }) => {
      if ("waiting" in payload) return { reason: payload.reason, ...(await screener.wakeWaitingHolds(job.shop)) };
      const orderId = "orderId" in payload ? payload.orderId : await orderOfFulfillmentOrders(gateway, job.shop, payload.fulfillmentOrderIds, signal);
      if (!orderId) return { ...payload, outcome: "fulfillment order not found" };
      return { ...payload, ...(await screener.follow(job.shop, orderId, signal)) };
    }),
    defineJob(RECONCILE, ReconcileJobPayload, async (payload, job, { signal }) => ({
      ...payload, ...(await reconcileShop(db, gateway, job.shop, now(), signal, config.billing ?? DEFAULT_BILLING)),
    })),
    defineJob(CHARGE_FEE, ChargeFeePayload, (payload, job, { signal }) => chargeFee(db, gateway, job.shop, payload.orderId, now(), signal)),
    defineJob(RECORD_DISPUTE, DisputeJobPayload, async (payload, job, { signal }) => ({
      ...payload, ...(await recordDispute({ db, gateway, now }, job.shop, payload, { signal, jobId: job.id })),
    })),
    defineJob(FILE_EVIDENCE, EvidenceJobPayload, async (payload, job, { signal }) => ({ ...payload, ...(await fileEvidence({ db, gateway, now }, job.shop, payload, signal)) })),
    defineJob(VOID_GUARANTEE, VoidGuaranteePayload, (payload, job, { signal }) => voidCancelledGuarantee(db, gateway, job.shop, payload, new Date(now()), signal)),
    defineJob(REFIT_SHOP_MODEL, RefitPayload, async (payload, job) => ({ ...payload, ...(await refitShopModel(db, job.shop, new Date(now()))) })),
    defineJob(DATA_REQUEST, CustomerJobPayload, async (payload, job) => {
      await exportCustomerData(db, job.shop, payload);
      return undefined;
    }),
    defineJob(CUSTOMER_REDACT, CustomerJobPayload, (payload, job) => redactCustomer(db, job.shop, payload)),
    defineJob(SHOP_REDACT, ShopRedactJobPayload, async (_payload, job) => {
      await redactShop(db, job.shop);
      return undefined;
    }),
  ];
}

/** The job layer's reading of another room's error (the Worker's `classify`). */
export function classifyError(error: unknown): unknown {
  // Waiting for the shop's budget: run again when it is there, without using an attempt, and
  // leave the shop's other jobs alone meanwhile. Store actions already applied are found again
  // by the re-run (they are checked against the order as re-read).
  if (error instanceof BudgetWaitError) return new DeferJob(error.message, error.waitMs, { wholeShop: true });
  if (error instanceof AmbiguousMutationError) return new RetrySoon(error.message, error.retryInMs);
  // A frozen or locked shop: wait without using attempts; reconciliation wakes the job once the
  // shop answers again (reconcile.server.ts), and uninstalling ends it.
  if (error instanceof ShopUnavailableError) return new DeferJob(error.message, SUSPENDED_WAIT_MS);
  if (error instanceof AdminApiError && error.permanent) return new PermanentJobError(error.message);
  // Shopify has not routed the held order's fulfillment orders yet, or a cancel job has not finished:
  // look again later, without using an attempt (the screening bounds the wait itself).
  if (error instanceof WaitForShopify) return new DeferJob(error.message, error.retryInMs);
  if (error instanceof NoFulfillmentOrderError) return new PermanentJobError(error.message);
  // A dispute whose order is still being screened waits for the screening, then is decided; a
  // dispute another job is recording is recorded again just after (app/guarantee/disputes.server.ts).
  if (error instanceof WaitForScreening || error instanceof DisputeBusy) return new DeferJob(error.message, error.retryInMs);
  return error;
}

const DAY_MS = 24 * 3_600_000;

/** How long Holdfast keeps what it prunes (docs/security.md, "Retention of personal data"). */
export const RETENTION = {
  /** Done jobs (their payloads were compacted when they finished). */
  doneJobsMs: 7 * DAY_MS,
  /** Personal data in the payloads of dead (and still queued) jobs and in the raw bodies of invalid deliveries. */
  personalDataMs: 30 * DAY_MS,
  /** Delivery rows (their webhook ids de-duplicate Shopify's retries, which stop after 48 hours). */
  deliveriesMs: 90 * DAY_MS,
} as const;

/** What each job kind whose payload holds personal data keeps of it past `RETENTION.personalDataMs`. */
export const PAYLOAD_MINIMISERS: ReadonlyMap<string, PayloadMinimiser> = new Map([
  [SCREEN_ORDER, payloadMinimiser(ScreenOrderPayload, withoutWebhook)],
  [CUSTOMER_REDACT, payloadMinimiser(CustomerJobPayload, customerJobIds)],
  // A staff decision's note is free text a person typed (it stays in the audit trail, not in the job).
  [STAFF_DECISION, payloadMinimiser(StaffDecisionPayload, ({ note: _note, ...kept }) => kept)],
]);

/** Enqueue this slot's reconciliation for every installed shop, and prune what has aged out. */
export async function scheduleTick(db: Db, now: number): Promise<void> {
  const shops = await db.session.findMany({ where: { isOnline: false }, select: { shop: true }, distinct: ["shop"] });
  const uninstalled = new Set(
    (await db.shop.findMany({ where: { shop: { in: shops.map((s) => s.shop) }, uninstalledAt: { not: null } }, select: { shop: true } })).map((s) => s.shop),
  );
  for (const { shop } of shops) if (!uninstalled.has(shop)) await enqueue(db, reconcileJob(shop, now));
  await pruneDone(db, new Date(now - RETENTION.doneJobsMs));
  await minimiseAgedPayloads(db, new Date(now - RETENTION.personalDataMs), PAYLOAD_MINIMISERS, new Date(now));
  await pruneDeliveries(db, { rawBodyBefore: new Date(now - RETENTION.personalDataMs), deleteBefore: new Date(now - RETENTION.deliveriesMs) });
  await pruneExports(db, now);
  await pruneIdentities(db, now);
  await pruneLocks(db, new Date(now - 3_600_000));
}

/** A worker wired with every job kind and the error classification. */
export function createWorker(config: RuntimeConfig, options: WorkerOptions = {}): Worker {
  return new Worker(config.db, createHandlers(config), { classify: classifyError, ...options });
}

export interface Background {
  worker: Worker;
  /** Stop the scheduler and the worker (see the Worker's StopOptions for `graceMs`). */
  stop(options?: StopOptions): Promise<void>;
}

export function startBackgroundWork(config: RuntimeConfig, options: WorkerOptions & { scheduleEveryMs?: number } = {}): Background {
  loadGeoip();
  const worker = createWorker(config, options).start();
  const now = config.now ?? Date.now;
  let ticking: Promise<void> | undefined;
  const tick = () => {
    ticking ??= scheduleTick(config.db, now())
      .catch((error: unknown) => (options.log ?? console.warn)(`scheduler: ${String(error)}`))
      .finally(() => (ticking = undefined));
  };
  const timer = setInterval(tick, options.scheduleEveryMs ?? 60_000);
  timer.unref();
  tick();
  return {
    worker,
    async stop(stopOptions) {
      clearInterval(timer);
      await Promise.all([ticking, worker.stop(stopOptions)]);
    },
  };
}
