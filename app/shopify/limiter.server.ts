// Per-shop, cost-aware Admin API limiter shared by every worker process through the database.
//
// Shopify's GraphQL budget is a leaky bucket per app and store: `throttleStatus` on each answer
// says how many points are available, the bucket size and the restore rate. Each process keeps a
// view of every shop's bucket, projected forward at the restore rate, and the last reported state
// is shared through the database (ApiBudget):
//   - while the bucket is more than half full, a call reserves its expected cost in the process's
//     own view, and the view is written to and read back from the database at most every
//     SYNC_MS: plenty of room, so no query per call;
//   - when the bucket is short, every call reserves through the database with a compare-and-set on
//     `version`, so processes share what is left exactly, waiting `(cost - available) / restoreRate`
//     when it is not there, and every answer's status is written.
// A process can overspend only while the bucket is more than half full and its view is at most
// SYNC_MS old; Shopify then answers THROTTLED, and the gateway waits and sends again.
// With `maxWaitMs`, a caller that would wait longer than that gets a BudgetWaitError at once
// instead of sleeping (a job then gives its worker slot back and runs again later).
import type { ApiBudget } from "@prisma/client";
import type { Db } from "../db-client.server";

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface LimiterDeps {
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /**
   * The longest a caller waits for points (default: as long as it takes). One that would wait
   * longer gets a BudgetWaitError at once, unless its own cost alone takes longer than this to
   * restore (a large query on a low plan): deferred, it could find the bucket emptied by small
   * calls every time, so it waits, and is not starved (STARVING_MS).
   */
  maxWaitMs?: number;
}

/** The shop's budget would keep the caller waiting longer than the limiter's `maxWaitMs`: try again in about `waitMs`. */
export class BudgetWaitError extends Error {
  override name = "BudgetWaitError";
  constructor(readonly shop: string, readonly waitMs: number) {
    super(`Admin API budget of ${shop} is short: ${waitMs} ms to wait`);
  }
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

/** How often a process syncs its view of a bucket with the database while the bucket is full enough. */
export const SYNC_MS = 1000;
/** When the bucket is short, reservations leave this much restore time (ms) of points unused. */
export const MARGIN_MS = 50;
/** A caller waiting longer than this for points has them set aside (no starvation). */
export const STARVING_MS = 2000;
/** Below this share of the bucket, every reservation goes through the database. */
export const SHORT_SHARE = 0.5;

interface View {
  available: number;
  maximum: number;
  restoreRate: number;
  /** When `available` was true (ms). */
  at: number;
  /** When the view was last read from or written to the database (ms). */
  syncedAt: number;
}

export class CostLimiter {
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly views = new Map<string, View>();
  /** Per shop, the one caller that has waited too long, and the points set aside for it. */
  private readonly starving = new Map<string, { caller: symbol; need: number }>();
  /** Points this process reserved for calls still waiting for their answer, per shop. */
  private readonly inFlight = new Map<string, number>();
  private readonly maxWaitMs: number;

  constructor(private readonly db: Db, deps: LimiterDeps = {}) {
    this.now = deps.now ?? Date.now;
    this.sleep = deps.sleep ?? sleep;
    this.maxWaitMs = deps.maxWaitMs ?? Infinity;
  }

  /**
   * Wait until `cost` points are available for `shop`, and reserve them. Returns the points
   * reserved; `release` them when the call is answered. A caller that has waited longer than
   * STARVING_MS gets its points set aside: the others leave room for it, so a large request is
   * not starved by a stream of small ones. Throws BudgetWaitError rather than wait beyond `maxWaitMs`.
   */
  async acquire(shop: string, cost: number, signal?: AbortSignal): Promise<number> {
    const me = Symbol("caller");
    const started = this.now();
    try {
      return await this.acquireFor(me, started, shop, cost, signal);
    } finally {
      if (this.starving.get(shop)?.caller === me) this.starving.delete(shop);
    }
  }

  private async acquireFor(me: symbol, started: number, shop: string, cost: number, signal?: AbortSignal): Promise<number> {
    const reserve = (points: number) => (this.inFlight.set(shop, (this.inFlight.get(shop) ?? 0) + points), points);
    for (;;) {
      signal?.throwIfAborted();
      let view = this.views.get(shop);
      let row: ApiBudget | null | undefined; // the shared state, once read in this round
      if (!view || this.now() - view.syncedAt >= SYNC_MS) {
        row = await this.db.apiBudget.findUnique({ where: { shop } });
        view = row ? this.adopt(shop, row) : undefined;
      }
      if (!view) return reserve(cost); // nothing known yet: the first answer tells us
      const now = this.now();
      const available = projectAvailable(view, view.at, now);
      const needed = Math.min(cost, view.maximum);
      if (available - needed >= view.maximum * SHORT_SHARE) {
        view.available = available - needed;
        view.at = now;
        return reserve(needed);
      }
      row ??= await this.db.apiBudget.findUnique({ where: { shop } });
      if (!row) return reserve(needed);
      const shared = projectAvailable(row, row.updatedAt.getTime(), now);
      // Keep a margin: the reported figure is rounded down and was true a moment before it arrived.
      const margin = (row.restoreRate * MARGIN_MS) / 1000;
      const starving = this.starving.get(shop);
      const setAside = starving && starving.caller !== me ? starving.need : 0;
      if (shared - margin - setAside + 1e-6 >= needed) {
        const won = await this.db.apiBudget.updateMany({
          where: { shop, version: row.version },
          data: { available: shared - needed, updatedAt: new Date(now), version: { increment: 1 } },
        });
        if (won.count === 1) {
          this.views.set(shop, { available: shared - needed, maximum: row.maximum, restoreRate: row.restoreRate, at: now, syncedAt: now });
          return reserve(needed);
        }
        this.views.delete(shop);
        continue; // another worker reserved in between: look again
      }
      if (!starving && now - started >= STARVING_MS) this.starving.set(shop, { caller: me, need: needed });
      this.views.set(shop, { available: shared, maximum: row.maximum, restoreRate: row.restoreRate, at: now, syncedAt: now });
      const rate = Math.max(1, row.restoreRate);
      const wait = Math.ceil(((needed + setAside + margin - shared) / rate) * 1000);
      const large = (needed / rate) * 1000 > this.maxWaitMs;
      if (now - started + wait > this.maxWaitMs && !large && this.starving.get(shop)?.caller !== me) throw new BudgetWaitError(shop, wait);
      await this.sleep(wait, signal);
    }
  }

  /** A call that reserved `points` was answered (or failed): Shopify has charged it by now. */
  release(shop: string, points: number): void {
    const left = (this.inFlight.get(shop) ?? 0) - points;
    if (left > 0) this.inFlight.set(shop, left);
    else this.inFlight.delete(shop);
  }

  /**
   * Record what Shopify reported after a call (or a THROTTLED answer). Calls of this process still
   * in flight were not charged yet when Shopify answered: their reservations stay subtracted.
   */
  async report(shop: string, status: ThrottleStatus): Promise<void> {
    const now = this.now();
    const available = Math.max(0, status.currentlyAvailable - (this.inFlight.get(shop) ?? 0));
    const view: View = {
      available, maximum: status.maximumAvailable, restoreRate: status.restoreRate,
      at: now, syncedAt: this.views.get(shop)?.syncedAt ?? 0,
    };
    this.views.set(shop, view);
    const short = available < status.maximumAvailable * SHORT_SHARE;
    if (!short && now - view.syncedAt < SYNC_MS) return;
    view.syncedAt = now;
    const data = { available, maximum: status.maximumAvailable, restoreRate: status.restoreRate, updatedAt: new Date(now) };
    await this.db.apiBudget.upsert({
      where: { shop },
      create: { shop, ...data },
      update: { ...data, version: { increment: 1 } },
    });
  }

  /** Take the shared state as this process's view. */
  private adopt(shop: string, row: ApiBudget): View {
    const view = { available: row.available, maximum: row.maximum, restoreRate: row.restoreRate, at: row.updatedAt.getTime(), syncedAt: this.now() };
    this.views.set(shop, view);
    return view;
  }

  /** How long to wait after THROTTLED before `requested` points are there. */
  static waitMs(requested: number, status: Pick<ThrottleStatus, "currentlyAvailable" | "restoreRate">): number {
    return Math.max(0, Math.ceil(((requested - status.currentlyAvailable) / Math.max(1, status.restoreRate)) * 1000));
  }
}
