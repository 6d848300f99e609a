// This process's background work (the worker and scheduler), configured from the environment,
// and the process's one way to stop. The web process starts the work once on import of the server
// entry, unless HOLDFAST_WORKER=off; `npm run worker` (scripts/worker.ts) starts the same thing in
// a process of its own. On SIGTERM/SIGINT both call `shutdownProcess` (the web process through
// the server entry's `shutdown` export, from scripts/serve.mjs); see docs/decisions/009-shutdown.md.
import type { Db } from "../db-client.server";
import { db } from "../db.server";
import { env, type Env } from "../env.server";
import { settlesWithin } from "../jobs/worker.server";
import { billingOptions } from "../guarantee/billing.server";
import { startBackgroundWork, type Background } from "./runtime.server";

declare global {
  // One per process, also across Vite dev-server module reloads.
  var __holdfastBackground: Background | undefined;
}

/** Background work for `database` with the worker settings of `config`. */
export function backgroundFromEnv(config: Env, database: Db): Background {
  return startBackgroundWork(
    {
      db: database, apiKey: config.SHOPIFY_API_KEY, apiSecret: config.SHOPIFY_API_SECRET, originOverride: config.SHOPIFY_API_ORIGIN_OVERRIDE,
      billing: billingOptions(config),
    },
    { concurrency: config.HOLDFAST_WORKER_CONCURRENCY, leaseMs: config.HOLDFAST_JOB_LEASE_MS, pollMs: config.HOLDFAST_WORKER_POLL_MS },
  );
}

/** Start this process's background work once, on the app's database (`npm run worker`: whatever HOLDFAST_WORKER says). */
export function startProcessBackground(): Background {
  globalThis.__holdfastBackground ??= backgroundFromEnv(env(), db);
  return globalThis.__holdfastBackground;
}

/** Start the web process's in-process worker once (the embedded default). */
export function ensureBackgroundWork(): Background | undefined {
  if (env().HOLDFAST_WORKER === "off") return undefined;
  return startProcessBackground();
}

/** After the grace, how long the rest (releasing leases, closing the database) may take before shutdown gives up waiting. */
const CLOSE_MS = 3_000;

/**
 * Stop the process's work and close its database: stop claiming; give running jobs (and, via
 * `drain`, the HTTP server's open requests) HOLDFAST_SHUTDOWN_GRACE_MS to finish; abort and
 * release the jobs still running; then close the Prisma client and its pool. Bounded: resolves
 * within about the grace plus a few seconds, whatever hangs. The caller then exits the process.
 */
export async function shutdownProcess(drain?: (graceMs: number) => Promise<void>): Promise<void> {
  const graceMs = env().HOLDFAST_SHUTDOWN_GRACE_MS;
  const background = globalThis.__holdfastBackground;
  globalThis.__holdfastBackground = undefined;
  const stopped = Promise.all([background?.stop({ graceMs }), drain?.(graceMs)]);
  if (!(await settlesWithin(stopped, graceMs + CLOSE_MS))) console.warn("shutdown: background work or open requests did not stop in time");
  if (!(await settlesWithin(db.$disconnect(), CLOSE_MS))) console.warn("shutdown: the database did not close in time");
}
