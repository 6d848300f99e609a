// This process's background work (the worker and scheduler), configured from the environment.
// The web process starts it once on import of the server entry, unless HOLDFAST_WORKER=off;
// `npm run worker` (scripts/worker.ts) starts the same thing in a process of its own.
import type { Db } from "../db-client.server";
import { db } from "../db.server";
import { env, type Env } from "../env.server";
import { startBackgroundWork, type Background } from "./runtime.server";

declare global {
  // One per process, also across Vite dev-server module reloads.
  var __holdfastBackground: Background | undefined;
}

/** Background work for `database` with the worker settings of `config`. */
export function backgroundFromEnv(config: Env, database: Db): Background {
  return startBackgroundWork(
    { db: database, apiKey: config.SHOPIFY_API_KEY, apiSecret: config.SHOPIFY_API_SECRET, originOverride: config.SHOPIFY_API_ORIGIN_OVERRIDE },
    { concurrency: config.HOLDFAST_WORKER_CONCURRENCY, leaseMs: config.HOLDFAST_JOB_LEASE_MS, pollMs: config.HOLDFAST_WORKER_POLL_MS },
  );
}

/** Start the web process's in-process worker once (the embedded default). */
export function ensureBackgroundWork(): Background | undefined {
  const config = env();
  if (config.HOLDFAST_WORKER === "off") return undefined;
  globalThis.__holdfastBackground ??= backgroundFromEnv(config, db);
  return globalThis.__holdfastBackground;
}
