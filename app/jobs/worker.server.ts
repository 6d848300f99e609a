// The worker loop: claims due jobs, runs each with its kind's handler, renews leases while a job
// runs, and records the outcome (done, retry with backoff, dead). Several workers, in one process
// or many, can share a database (see queue.server.ts for why no job runs twice at once). Slots are
// shared between shops (`maxPerShop`), and a shop whose jobs all wait for the same thing (its Admin
// API budget) is left alone until then, its jobs deferred rather than sleeping in slots.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Db } from "../db-client.server";
import type { PrismaPromise } from "@prisma/client";
import type { z } from "zod";
import {
  DeferJob, PermanentJobError, REDACTED_PAYLOAD, claim, complete, completion, fail, heartbeat, isRedactedPayload, release, shareSlots,
  type ClaimedJob, type PayloadMinimiser,
} from "./queue.server";

export interface JobContext {
  /** Aborted when the lease is lost or the worker stops (after its grace): stop before the next store action. */
  signal: AbortSignal;
  /**
   * The job's "done" update, for a handler to commit in its own last transaction together with
   * its results; the worker then does not complete the job again.
   */
  completion(compactPayload?: unknown): PrismaPromise<unknown>;
}

/**
 * Runs one job kind. Only `defineJob` makes one, so every kind parses its stored payload: the
 * payload crossed a persistence boundary and is checked, never cast.
 */
export interface JobHandler {
  readonly kind: string;
  /** Resolves to a compacted payload to keep instead of the original, or undefined. */
  handle(job: ClaimedJob, ctx: JobContext): Promise<unknown>;
}

/** What `handle` returns for a job a compliance request redacted: it ends as done, and its payload stays redacted. */
export const REDACTED = Symbol("redacted");

/**
 * A job kind: its payload schema and what to do with a parsed payload. A payload that does not
 * parse dead-letters the job with the reason (retrying cannot fix it); a redacted payload ends
 * the job as done without running it.
 */
export function defineJob<P>(
  kind: string,
  payload: z.ZodType<P, z.ZodTypeDef, unknown>,
  run: (payload: P, job: ClaimedJob, ctx: JobContext) => Promise<unknown>,
): JobHandler {
  return {
    kind,
    async handle(job, ctx) {
      if (isRedactedPayload(job.payload)) return REDACTED;
      const parsed = payload.safeParse(job.payload);
      if (!parsed.success) {
        const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(payload)"}: ${i.message}`).join("; ");
        throw new PermanentJobError(`${kind} payload does not parse: ${issues}`);
      }
      return run(parsed.data, job, ctx);
    },
  };
}

/**
 * What of a kind's payload is kept past the personal-data limit (`minimiseAgedPayloads`): `keep`
 * of the parsed payload. A payload that does not parse is replaced by the redacted one (what it
 * holds is unknown, so nothing of it is kept); a redacted one stays redacted.
 */
export function payloadMinimiser<P>(payload: z.ZodType<P, z.ZodTypeDef, unknown>, keep: (payload: P) => unknown): PayloadMinimiser {
  return (stored) => {
    if (isRedactedPayload(stored)) return stored;
    const parsed = payload.safeParse(stored);
    return parsed.success ? keep(parsed.data) : REDACTED_PAYLOAD;
  };
}

export interface WorkerOptions {
  owner?: string;
  concurrency?: number;
  /**
   * Jobs of one shop running at once while other shops' jobs are waiting (default: half the
   * concurrency, at least 1). A shop alone in the queue gets more, all slots but one (kept free
   * for another shop's next job) when the concurrency is over 2.
   */
  maxPerShop?: number;
  leaseMs?: number;
  pollMs?: number;
  kinds?: string[];
  log?: (line: string) => void;
  /**
   * Maps an error from another room (the Admin gateway, say) onto the queue's own kinds
   * (PermanentJobError, DeferJob, RetrySoon); anything else is an ordinary retryable failure.
   */
  classify?: (error: unknown) => unknown;
}

export interface StopOptions {
  /**
   * How long running jobs may take to finish. Those still running then are aborted (their
   * signal's reason is a WorkerStopping) and released: queued again, due now, the attempt not
   * used, so another process can claim them at once. Without it, stop waits for them however long.
   */
  graceMs?: number;
}

/** The abort reason of a job whose worker is stopping: the job is released, not failed. */
export class WorkerStopping extends Error {
  override name = "WorkerStopping";
}

/** After releasing, how long aborted handlers get to unwind before stop returns anyway. */
const UNWIND_MS = 1_000;

/** Resolves true when `promise` settles within `ms`, false otherwise. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A job just committed, as announced to in-process workers. */
export interface WorkHint {
  id: string;
  shop: string;
}

type Listener = (hints: WorkHint[]) => void;
const listeners = new Set<Listener>();

/**
 * Tell in-process workers that new work was committed (they would find it at the next poll
 * anyway). With the new jobs' ids and shops, a worker claims exactly those, without searching the
 * queue, as far as its share for each shop goes.
 */
export function notifyWork(hints: WorkHint[] = []): void {
  for (const l of listeners) l(hints);
}

export class Worker {
  readonly owner: string;
  private readonly handlers: Map<string, JobHandler>;
  private readonly concurrency: number;
  private readonly maxPerShop: number;
  /** Slots a shop beyond its share leaves free for another shop's next job. */
  private readonly keepFree: number;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly log: (line: string) => void;
  private running = new Map<string, { job: ClaimedJob; abort: AbortController; done: Promise<void> }>();
  private stopped = true;
  private timer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private again = false;
  /** Jobs just enqueued in this process, to claim by id. */
  private hinted: WorkHint[] = [];
  /** The last search filled every free slot, so more jobs may be due. */
  private backlog = true;
  /** When this worker last searched the queue (ms). */
  private searchedAt = 0;
  /** Shops whose jobs all wait for the same thing (a deferral for the whole shop), until when (ms). */
  private readonly pausedUntil = new Map<string, number>();
  private readonly onWork: Listener = (hints) => {
    if (this.hinted.length < 1000) this.hinted.push(...hints);
    this.poke();
  };

  constructor(
    private readonly db: Db,
    handlers: JobHandler[],
    private readonly opts: WorkerOptions = {},
  ) {
    this.handlers = new Map(handlers.map((h) => [h.kind, h]));
    this.owner = opts.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.concurrency = opts.concurrency ?? 4;
    this.maxPerShop = opts.maxPerShop ?? Math.max(1, Math.floor(this.concurrency / 2));
    this.keepFree = this.concurrency > 2 ? 1 : 0;
    this.leaseMs = opts.leaseMs ?? 60_000;
    this.pollMs = opts.pollMs ?? 500;
    this.log = opts.log ?? ((line) => console.warn(line));
  }

  start(): this {
    if (!this.stopped) return this;
    this.stopped = false;
    listeners.add(this.onWork);
    this.heartbeatTimer = setInterval(() => void this.renewLeases(), Math.max(1000, this.leaseMs / 3));
    this.heartbeatTimer.unref();
    this.poke();
    return this;
  }

  /**
   * Stop claiming and let running jobs finish; with `graceMs`, abort and release those still
   * running after it (see StopOptions). Leases are renewed until their jobs end or are released.
   */
  async stop({ graceMs }: StopOptions = {}): Promise<void> {
    this.stopped = true;
    listeners.delete(this.onWork);
    clearTimeout(this.timer);
    await this.polling; // a claim in flight: its jobs are running now
    const finished = Promise.all([...this.running.values()].map((r) => r.done));
    if (graceMs === undefined || (await settlesWithin(finished, graceMs))) {
      await finished;
      clearInterval(this.heartbeatTimer);
      return;
    }
    const left = [...this.running.values()];
    this.log(`worker ${this.owner}: stopping; aborting and releasing ${left.length} job(s) still running after ${graceMs} ms`);
    for (const r of left) r.abort.abort(new WorkerStopping(`worker ${this.owner} is stopping`));
    await Promise.all(left.map((r) => this.release(r.job)));
    clearInterval(this.heartbeatTimer);
    // The handlers' own late updates find the lease gone and change nothing.
    await settlesWithin(finished, UNWIND_MS);
  }

  /** Claim and start what fits now; resolves when those jobs have finished (tests, scripts). */
  async drainOnce(): Promise<number> {
    const jobs = await this.claimFree(true);
    await Promise.all(jobs.map((j) => this.running.get(j.id)?.done));
    return jobs.length;
  }

  /** Look for work now (after a notification, a finished job, or the poll interval). */
  private poke(): void {
    if (this.stopped) return;
    if (this.polling) {
      this.again = true; // look once more when the current look ends
      return;
    }
    clearTimeout(this.timer);
    this.polling = this.poll().then((more) => {
      this.polling = undefined;
      if (this.stopped) return;
      if (more || this.again) {
        this.again = false;
        this.poke();
      } else {
        this.timer = setTimeout(() => this.poke(), this.pollMs);
        this.timer.unref();
      }
    });
  }

  /** Returns true when this look claimed jobs, and more work may be waiting with room for it. */
  private async poll(): Promise<boolean> {
    try {
      // Without progress, wait for the next notification, finished job or poll: hints beyond a
      // shop's share can stay unclaimed while slots are free.
      const claimed = await this.claimFree();
      return claimed.length > 0 && this.running.size < this.concurrency && this.workWaiting();
    } catch (error) {
      this.log(`worker ${this.owner}: claim failed: ${String(error)}`);
      return false;
    }
  }

  /** More jobs may be due: hints not claimed yet, or the last search filled every free slot. */
  private workWaiting(): boolean {
    return this.hinted.length > 0 || this.backlog;
  }

  /** Claim what fits in the free slots: announced jobs, then a search when one is due (or `search`). */
  private async claimFree(search = false): Promise<ClaimedJob[]> {
    const free = this.concurrency - this.running.size;
    if (free <= 0) return [];
    const paused = this.pausedShops();
    const jobs = this.hinted.length > 0 ? await this.claimHinted(free, paused) : [];
    // Search when more may be due, and at least once a poll interval while slots are free: a steady
    // stream of hints must not keep other due jobs (retries, deferrals, a backlog) waiting.
    const left = free - jobs.length;
    if (left > 0 && (search || this.backlog || Date.now() - this.searchedAt >= this.pollMs)) {
      this.searchedAt = Date.now();
      const found = await claim(this.db, {
        owner: this.owner, limit: left, leaseMs: this.leaseMs, kinds: this.opts.kinds,
        maxPerShop: this.maxPerShop, excludeShops: [...paused], keepFree: this.keepFree,
      });
      this.backlog = found.length === left; // a full batch: more may be waiting
      jobs.push(...found);
    }
    for (const job of jobs) {
      const abort = new AbortController();
      const entry = { job, abort, done: Promise.resolve() };
      entry.done = this.run(job, abort.signal).finally(() => {
        this.running.delete(job.id);
        // A free slot: fill it now if work is known to be waiting; otherwise the next notification or poll finds it.
        if (this.workWaiting()) this.poke();
      });
      this.running.set(job.id, entry);
    }
    return jobs;
  }

  /**
   * Claim by id among the jobs this process just enqueued: the shops take turns, each up to its
   * share counting this worker's running jobs; when no other work is known to be waiting, a shop
   * also gets free slots beyond its share, all but `keepFree`. The rest wait for the next claim;
   * a paused shop's are dropped (a search finds them when the pause is over).
   */
  private async claimHinted(free: number, paused: Set<string>): Promise<ClaimedJob[]> {
    const usable = this.hinted.filter((h) => !paused.has(h.shop));
    const mine = new Map<string, number>();
    for (const { job } of this.running.values()) mine.set(job.shop, (mine.get(job.shop) ?? 0) + 1);
    const chosen = shareSlots(usable, free, (shop) => this.maxPerShop - (mine.get(shop) ?? 0));
    const ids = new Set(chosen.map((h) => h.id));
    const beyond = this.backlog ? 0 : Math.max(0, free - this.keepFree - chosen.length);
    for (const h of usable.filter((h) => !ids.has(h.id)).slice(0, beyond)) ids.add(h.id);
    this.hinted = usable.filter((h) => !ids.has(h.id));
    if (ids.size === 0) return [];
    return claim(this.db, { owner: this.owner, limit: free, leaseMs: this.leaseMs, kinds: this.opts.kinds, ids: [...ids] });
  }

  /** Shops paused by a deferral for the whole shop that has not run out yet. */
  private pausedShops(now = Date.now()): Set<string> {
    for (const [shop, until] of this.pausedUntil) if (until <= now) this.pausedUntil.delete(shop);
    return new Set(this.pausedUntil.keys());
  }

  private async run(job: ClaimedJob, signal: AbortSignal): Promise<void> {
    const handler = this.handlers.get(job.kind);
    try {
      if (!handler) throw new Error(`no handler for job kind "${job.kind}"`);
      let completedByHandler = false;
      const completionOp = (compactPayload?: unknown) => {
        completedByHandler = true;
        return completion(this.db, job, compactPayload);
      };
      const compact = await handler.handle(job, { signal, completion: completionOp });
      if (!completedByHandler) await complete(this.db, job, compact === undefined || compact === REDACTED ? undefined : compact);
    } catch (raw) {
      if (signal.reason instanceof WorkerStopping) {
        await this.release(job); // not a failure: the job was cut short
        return;
      }
      const error = this.opts.classify?.(raw) ?? raw;
      if (error instanceof DeferJob && error.wholeShop) {
        // Every job of this shop would wait for the same thing: claim none of them meanwhile.
        const until = Date.now() + error.delayMs;
        this.pausedUntil.set(job.shop, Math.max(until, this.pausedUntil.get(job.shop) ?? 0));
      }
      try {
        const outcome = await fail(this.db, job, error);
        if (outcome === "dead") this.log(`job ${job.kind} ${job.dedupeKey} (${job.shop}) dead-lettered: ${String(error)}`);
      } catch (recordError) {
        // The lease will expire and the job will run again.
        this.log(`worker ${this.owner}: could not record failure of ${job.id}: ${String(recordError)}`);
      }
    }
  }

  /** Hand a job back to the queue (compare-and-set: only while the lease is still ours). */
  private async release(job: ClaimedJob): Promise<boolean> {
    try {
      return await release(this.db, job);
    } catch (error) {
      // The lease will expire and the job will run again.
      this.log(`worker ${this.owner}: could not release ${job.id}: ${String(error)}`);
      return false;
    }
  }

  private async renewLeases(): Promise<void> {
    for (const { job, abort } of this.running.values()) {
      try {
        if (!(await heartbeat(this.db, job, this.leaseMs))) abort.abort(new Error("lease lost"));
      } catch {
        // Try again at the next beat; the lease is long enough to miss one.
      }
    }
  }
}
