// Starts this process's background work once (the worker and scheduler), unless HOLDFAST_WORKER=off.
import { db } from "./db.server";
import { env } from "./env.server";
import { startBackgroundWork, type Background } from "./jobs/runtime.server";

declare global {
  // One per process, also across Vite dev-server module reloads.
  var __holdfastBackground: Background | undefined;
}

export function ensureBackgroundWork(): Background | undefined {
  const config = env();
  if (config.HOLDFAST_WORKER === "off") return undefined;
  globalThis.__holdfastBackground ??= startBackgroundWork(
    { db, apiKey: config.SHOPIFY_API_KEY, apiSecret: config.SHOPIFY_API_SECRET, originOverride: config.SHOPIFY_API_ORIGIN_OVERRIDE },
    { concurrency: config.HOLDFAST_WORKER_CONCURRENCY, leaseMs: config.HOLDFAST_JOB_LEASE_MS, pollMs: config.HOLDFAST_WORKER_POLL_MS },
  );
  return globalThis.__holdfastBackground;
}
