// Per-shop, cost-aware Admin API limiter shared by every worker process through the database.
//
// Shopify's GraphQL budget is a leaky bucket per app and store: `throttleStatus` on each answer
// says how many points are available, the bucket size and the restore rate. We keep the last
// reported state per shop (ApiBudget), project it forward at the restore rate, and before a call
// reserve its expected cost with a compare-and-set on `version`, waiting
// `(cost - available) / restoreRate` when the bucket is short. Each answer then replaces the
// projection with what Shopify reported.
import type { Db } from "../db-client.server";

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface LimiterDeps {
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Points available at `now` given a state reported at `at`. */
export function projectAvailable(b: { available: number; maximum: number; restoreRate: number }, at: number, now: number): number {
  return Math.min(b.maximum, b.available + (Math.max(0, now - at) / 1000) * b.restoreRate);
}

export class CostLimiter {
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(private readonly db: Db, deps: LimiterDeps = {}) {
    this.now = deps.now ?? Date.now;
    this.sleep = deps.sleep ?? sleep;
  }

  /** Wait until `cost` points are available for `shop`, and reserve them. */
  async acquire(shop: string, cost: number, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const row = await this.db.apiBudget.findUnique({ where: { shop } });
      if (!row) return; // nothing known yet: the first answer tells us
      const now = this.now();
      const available = projectAvailable(row, row.updatedAt.getTime(), now);
      const needed = Math.min(cost, row.maximum);
      if (available >= needed) {
        const won = await this.db.apiBudget.updateMany({
          where: { shop, version: row.version },
          data: { available: available - needed, updatedAt: new Date(now), version: { increment: 1 } },
        });
        if (won.count === 1) return;
        continue; // another worker reserved in between: look again
      }
      await this.sleep(Math.ceil(((needed - available) / Math.max(1, row.restoreRate)) * 1000), signal);
    }
  }

  /** Record what Shopify reported after a call (or a THROTTLED answer). */
  async report(shop: string, status: ThrottleStatus): Promise<void> {
    const data = {
      available: status.currentlyAvailable,
      maximum: status.maximumAvailable,
      restoreRate: status.restoreRate,
      updatedAt: new Date(this.now()),
    };
    await this.db.apiBudget.upsert({
      where: { shop },
      create: { shop, ...data },
      update: { ...data, version: { increment: 1 } },
    });
  }

  /** How long to wait after THROTTLED before `requested` points are there. */
  static waitMs(requested: number, status: Pick<ThrottleStatus, "currentlyAvailable" | "restoreRate">): number {
    return Math.max(0, Math.ceil(((requested - status.currentlyAvailable) / Math.max(1, status.restoreRate)) * 1000));
  }
}
