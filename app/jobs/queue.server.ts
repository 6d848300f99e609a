// Durable job queue in the app's own database (docs/decisions/004-job-queue.md).
//
// A job is a row: queued -> running (leased by one worker) -> done | queued again (retry with
// backoff) | dead (after its last attempt, or a permanent error; staff can retry it).
// Claiming is a compare-and-set `UPDATE ... WHERE id = ? AND <still claimable>`: on PostgreSQL the
// row lock makes a second claimer re-check the condition and update nothing, on SQLite writes are
// serialised, so a job is never leased to two workers at once. A worker that dies leaves its lease
// to expire, and the job becomes claimable again; a worker that stops releases its leases at once.
// When more jobs are due than a worker has free slots, the slots are shared between shops
// (`shareDue`), so that one shop's backlog does not hold up the others.
import { z } from "zod";
import type { Prisma } from "@prisma/client";
import type { Db, Tx } from "../db-client.server";

export type JobState = "queued" | "running" | "done" | "dead";

export interface NewJob {
  /** Set by callers that want to hand the new job to a worker directly (`notifyWork`). */
  id?: string;
  shop: string;
  kind: string;
  /** Enqueueing the same (shop, dedupeKey) again is a no-op, whatever state the first one is in. */
  dedupeKey: string;
  payload: unknown;
  runAt?: Date;
  maxAttempts?: number;
}

export interface ClaimedJob {
  id: string;
  shop: string;
  kind: string;
  dedupeKey: string;
  payload: unknown;
  /** 1 on the first run. */
  attempt: number;
  maxAttempts: number;
  leaseOwner: string;
}

// What a job's failure means for the queue. The job layer knows only these; the composition root
// (app/background/) maps other rooms' errors onto them (Worker option `classify`).

/** An error that retrying cannot fix: the job is dead-lettered at once. */
export class PermanentJobError extends Error {
  override name = "PermanentJobError";
}

/** Ask the queue to run the job again later without counting an attempt (e.g. waiting for Shopify). */
export class DeferJob extends Error {
  override name = "DeferJob";
  /** What the job waits for holds up every job of its shop (its Admin API budget): the worker leaves the shop alone meanwhile. */
  readonly wholeShop: boolean;
  constructor(message: string, readonly delayMs: number, opts: { wholeShop?: boolean } = {}) {
    super(message);
    this.wholeShop = opts.wholeShop ?? false;
  }
}

/** A retryable failure that needs only a short wait (jittered), not the exponential backoff; uses an attempt. */
export class RetrySoon extends Error {
  override name = "RetrySoon";
  constructor(message: string, readonly delayMs: number) {
    super(message);
  }
}

/**
 * The payload a compliance request leaves on a finished job whose payload held personal data.
 * Such a job, if run again (a staff retry of a dead job), ends as done without running.
 */
export const REDACTED_PAYLOAD = { redacted: true } as const;

const RedactedPayload = z.object({ redacted: z.literal(true) }).strict();

export function isRedactedPayload(payload: unknown): boolean {
  return RedactedPayload.safeParse(payload).success;
}

export const DEFAULT_MAX_ATTEMPTS = 8;
const BASE_DELAY_MS = 2_000;
const MAX_DELAY_MS = 30 * 60_000;

/** Exponential backoff with full-range jitter: attempt n waits 2s·2^(n-1), scaled by 0.5–1.5, at most 30 min. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.5 + random()));
}

/** The new row for a job. */
export function jobRow(job: NewJob) {
  return {
    ...(job.id ? { id: job.id } : {}),
    shop: job.shop,
    kind: job.kind,
    dedupeKey: job.dedupeKey,
    payload: JSON.stringify(job.payload ?? null),
    runAt: job.runAt ?? new Date(),
    maxAttempts: job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
  };
}

export type JobRow = ReturnType<typeof jobRow>;

/** Add a job (inside the caller's transaction when given one); a no-op when (shop, dedupeKey) exists. */
export function enqueue(db: Db | Tx, job: NewJob) {
  return enqueueRow(db, jobRow(job));
}

/** `enqueue` for a row already made by `jobRow` (its payload already serialized). */
export function enqueueRow(db: Db | Tx, row: JobRow) {
  return db.job.upsert({
    where: { shop_dedupeKey: { shop: row.shop, dedupeKey: row.dedupeKey } },
    create: row,
    update: {},
  });
}

/** Make a queued job due now (it was waiting for something that has happened). Returns whether one was. */
export async function wake(db: Db, shop: string, id: string, now = new Date()): Promise<boolean> {
  const r = await db.job.updateMany({ where: { id, shop, state: "queued" }, data: { runAt: now } });
  return r.count === 1;
}

export interface ClaimOptions {
  owner: string;
  limit: number;
  leaseMs: number;
  now?: Date;
  /** Only these kinds (default: any). */
  kinds?: string[];
  /** Only these jobs (just enqueued in this process): one query, no search. */
  ids?: string[];
  /**
   * Searches only: when more jobs are due than `limit`, share the slots between shops, a shop
   * getting at most this many running jobs (every worker's, counted in the table) while other
   * shops' jobs wait. See `shareDue`.
   */
  maxPerShop?: number;
  /** Searches only: leave these shops' jobs alone (e.g. shops waiting for their Admin API budget). */
  excludeShops?: string[];
  /**
   * Searches only, with `maxPerShop`: slots to leave free rather than give to a shop beyond its
   * cap, so that another shop's next job finds one at once.
   */
  keepFree?: number;
}

let claimSeq = 0;

/**
 * Lease up to `limit` due jobs to `owner`: choose candidates (the given ids, or a search), then
 * lease those still claimable in one UPDATE ... RETURNING under a lease id unique to this claim.
 * Candidates another worker won in between fail the UPDATE's condition and are not ours.
 */
export async function claim(db: Db, opts: ClaimOptions): Promise<ClaimedJob[]> {
  const now = opts.now ?? new Date();
  const claimable: Prisma.JobWhereInput = {
    OR: [
      { state: "queued", runAt: { lte: now } },
      { state: "running", leaseExpiresAt: { lt: now } },
    ],
    ...(opts.kinds ? { kind: { in: opts.kinds } } : {}),
  };
  for (let tries = 0; tries < 3; tries++) {
    const ids = opts.ids ? opts.ids.slice(0, opts.limit) : await searchDue(db, claimable, now, opts);
    if (ids.length === 0) return [];
    const leaseOwner = `${opts.owner}#${++claimSeq}`;
    const rows = await db.job.updateManyAndReturn({
      where: { id: { in: ids }, ...claimable },
      data: { state: "running", leaseOwner, leaseExpiresAt: new Date(now.getTime() + opts.leaseMs), attempts: { increment: 1 } },
    });
    if (rows.length === 0) {
      if (opts.ids) return []; // taken (or not due): nothing else to look at
      continue; // all taken by other workers meanwhile: look again
    }
    return rows
      .sort((a, b) => a.runAt.getTime() - b.runAt.getTime())
      .map((row) => ({
        id: row.id,
        shop: row.shop,
        kind: row.kind,
        dedupeKey: row.dedupeKey,
        payload: JSON.parse(row.payload) as unknown,
        attempt: row.attempts,
        maxAttempts: row.maxAttempts,
        leaseOwner,
      }));
  }
  return [];
}

interface Candidate {
  id: string;
  shop: string;
  runAt: Date;
}

/**
 * The ids of the due jobs to claim: the oldest, in one query, while there is a slot for every due
 * job; when more are due, `shareDue` decides.
 */
async function searchDue(db: Db, claimable: Prisma.JobWhereInput, now: Date, opts: ClaimOptions): Promise<string[]> {
  const skip = (shops: string[], ids: string[] = []): Prisma.JobWhereInput => ({
    ...(shops.length ? { shop: { notIn: shops } } : {}),
    ...(ids.length ? { id: { notIn: ids } } : {}),
  });
  const select = { id: true, shop: true, runAt: true } as const;
  const excluded = opts.excludeShops ?? [];
  const oldest = await db.job.findMany({ where: { ...claimable, ...skip(excluded) }, orderBy: { runAt: "asc" }, take: opts.limit + 1, select });
  if (opts.maxPerShop === undefined || oldest.length <= opts.limit) return oldest.slice(0, opts.limit).map((c) => c.id);
  // Further looks need queued jobs only (expired leases are few, and in `oldest` if they are old):
  // read in runAt order from the (state, runAt) index, they stop at `take`.
  const queued = (skipShops: string[], skipIds: string[], take: number): Promise<Candidate[]> =>
    db.job.findMany({
      where: { state: "queued", runAt: { lte: now }, ...(opts.kinds ? { kind: { in: opts.kinds } } : {}), ...skip(skipShops, skipIds) },
      orderBy: { runAt: "asc" },
      take,
      select,
    });
  const { limit, maxPerShop, keepFree = 0 } = opts;
  return (await shareDue(db, queued, oldest, now, { limit, maxPerShop, excluded, keepFree })).map((c) => c.id);
}

/**
 * More jobs are due than there are slots: share them between shops, so that one shop's backlog
 * cannot take them all (the noisy neighbour). Candidates are the oldest due jobs and the oldest
 * of the shops with nothing running (in any worker), which a busy shop's backlog can hide from
 * the first; then, oldest first:
 *   1. one job each for the shops with nothing running: the least recently served go first;
 *   2. more for the shops with fewer than `maxPerShop` running (and picked), taking turns;
 *   3. only when no shop under its cap has more due work: more of the shops at their cap (all
 *      slots but `keepFree`), so that a shop alone in the queue is not held back.
 * The running jobs are counted from the table at the search, so two workers claiming at the same
 * moment can overshoot a cap by their batch: the cap is a share, not a lock (the UPDATE's
 * condition alone makes sure that no job is leased twice).
 */
async function shareDue(
  db: Db,
  queued: (skipShops: string[], skipIds: string[], take: number) => Promise<Candidate[]>,
  oldest: Candidate[],
  now: Date,
  opts: { limit: number; maxPerShop: number; excluded: string[]; keepFree: number },
): Promise<Candidate[]> {
  const { limit, maxPerShop, excluded, keepFree } = opts;
  const counts = await db.job.groupBy({ by: ["shop"], where: { state: "running", leaseExpiresAt: { gte: now } }, _count: { _all: true } });
  const running = new Map(counts.map((c) => [c.shop, c._count._all]));
  const picked: Candidate[] = [];
  const taken = new Map<string, number>();
  const room = (shop: string) => maxPerShop - (running.get(shop) ?? 0) - (taken.get(shop) ?? 0);
  const pick = (c: Candidate) => {
    picked.push(c);
    taken.set(c.shop, (taken.get(c.shop) ?? 0) + 1);
  };
  const notPicked = (rows: Candidate[]) => {
    const ids = new Set(picked.map((c) => c.id));
    return rows.filter((c) => !ids.has(c.id));
  };

  /** Steps 1 and 2 over some candidates (oldest first). */
  const serve = (rows: Candidate[]) => {
    for (const c of rows) if (picked.length < limit && !running.has(c.shop) && !taken.has(c.shop)) pick(c);
    for (const c of shareSlots(notPicked(rows), limit - picked.length, room)) pick(c);
  };

  const idle = running.size === 0 ? [] : await queued([...excluded, ...running.keys()], [], limit);
  const pool = [...new Map([...oldest, ...idle].map((c) => [c.id, c])).values()].sort((a, b) => a.runAt.getTime() - b.runAt.getTime());
  serve(pool);
  if (picked.length === limit) return picked;
  // Beyond the candidates: more due jobs of shops under their cap?
  const full = [...new Set([...running.keys(), ...taken.keys()])].filter((shop) => room(shop) <= 0);
  const more = await queued([...excluded, ...full], picked.map((c) => c.id), limit);
  if (more.length > 0) {
    serve(more);
    return picked;
  }
  // 3.
  for (const c of notPicked(pool)) if (picked.length < limit - keepFree) pick(c);
  return picked;
}

/**
 * Up to `slots` of `candidates` (oldest first), the shops taking turns: each round gives every
 * shop its next candidate, shops in the order of their oldest, and a shop takes at most
 * `room(shop)` in all. Pure; shared by searches and by workers choosing among hinted jobs.
 */
export function shareSlots<T extends { shop: string }>(candidates: readonly T[], slots: number, room: (shop: string) => number): T[] {
  const byShop = new Map<string, T[]>();
  for (const c of candidates) {
    const list = byShop.get(c.shop);
    if (list) list.push(c);
    else byShop.set(c.shop, [c]);
  }
  const turns = [...byShop].map(([shop, jobs]) => jobs.slice(0, Math.max(0, room(shop))));
  const out: T[] = [];
  for (let round = 0; out.length < slots; round++) {
    const before = out.length;
    for (const jobs of turns) if (round < jobs.length && out.length < slots) out.push(jobs[round]!);
    if (out.length === before) break;
  }
  return out;
}

/** The lease still belongs to this run (same owner, same attempt). */
function leased(job: ClaimedJob) {
  return { id: job.id, state: "running", leaseOwner: job.leaseOwner, attempts: job.attempt };
}

/** Extend the lease of a long job. Returns false when the lease was lost (the job must stop). */
export async function heartbeat(db: Db, job: ClaimedJob, leaseMs: number, now = new Date()): Promise<boolean> {
  const r = await db.job.updateMany({ where: leased(job), data: { leaseExpiresAt: new Date(now.getTime() + leaseMs) } });
  return r.count === 1;
}

/**
 * The "done" update, for committing in the caller's transaction. `compactPayload` replaces the
 * stored payload (jobs carry webhook payloads with personal data that is not needed once the
 * work is done). Updates nothing when the lease was lost.
 */
export function completion(db: Db, job: ClaimedJob, compactPayload?: unknown, now = new Date()) {
  return db.job.updateMany({
    where: leased(job),
    data: {
      state: "done", finishedAt: now, leaseOwner: null, leaseExpiresAt: null, lastError: null,
      ...(compactPayload === undefined ? {} : { payload: JSON.stringify(compactPayload) }),
    },
  });
}

/** Mark done (see `completion`). Returns false when the lease was lost. */
export async function complete(db: Db, job: ClaimedJob, compactPayload?: unknown, now = new Date()): Promise<boolean> {
  const r = await completion(db, job, compactPayload, now);
  return r.count === 1;
}

function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, 2000);
}

export type FailOutcome = "retry" | "dead" | "deferred" | "lost";

/** Record a failed run: retry with backoff, defer, or dead-letter after the last attempt. */
export async function fail(db: Db, job: ClaimedJob, error: unknown, now = new Date(), random: () => number = Math.random): Promise<FailOutcome> {
  let outcome: FailOutcome;
  let data;
  if (error instanceof DeferJob) {
    outcome = "deferred";
    // A deferral does not use up an attempt.
    data = { state: "queued", runAt: new Date(now.getTime() + error.delayMs), attempts: { decrement: 1 }, lastError: describe(error) };
  } else if (error instanceof PermanentJobError || job.attempt >= job.maxAttempts) {
    outcome = "dead";
    data = { state: "dead", finishedAt: now, lastError: describe(error) };
  } else {
    outcome = "retry";
    // An error may ask for a quick retry (e.g. one that made progress and needs only a re-read); still jittered.
    const delay = error instanceof RetrySoon ? Math.round(error.delayMs * (0.5 + random())) : backoffMs(job.attempt, random);
    data = { state: "queued", runAt: new Date(now.getTime() + delay), lastError: describe(error) };
  }
  const r = await db.job.updateMany({ where: leased(job), data: { ...data, leaseOwner: null, leaseExpiresAt: null } });
  return r.count === 1 ? outcome : "lost";
}

/**
 * Give a running job back to the queue, due now, without using up the attempt (a worker that is
 * stopping). Compare-and-set like every other update: it changes nothing when the lease is no
 * longer ours, e.g. the handler's own transaction has just committed the job as done. Returns
 * whether it was released.
 */
export async function release(db: Db, job: ClaimedJob, now = new Date()): Promise<boolean> {
  const r = await db.job.updateMany({
    where: leased(job),
    data: { state: "queued", runAt: now, attempts: { decrement: 1 }, leaseOwner: null, leaseExpiresAt: null },
  });
  return r.count === 1;
}

/** Staff retry of a dead-lettered job: a fresh set of attempts, due now. Scoped by shop. */
export async function retryDead(db: Db, shop: string, id: string, now = new Date()): Promise<boolean> {
  const r = await db.job.updateMany({
    where: { id, shop, state: "dead" },
    data: { state: "queued", attempts: 0, runAt: now, finishedAt: null },
  });
  return r.count === 1;
}

export async function deadJobs(db: Db, shop: string, take = 50) {
  return db.job.findMany({
    where: { shop, state: "dead" },
    orderBy: { updatedAt: "desc" },
    take,
    select: { id: true, kind: true, dedupeKey: true, attempts: true, lastError: true, updatedAt: true },
  });
}

export async function jobCounts(db: Db, shop: string) {
  const rows = await db.job.groupBy({ by: ["state"], where: { shop }, _count: { _all: true } });
  const counts: Record<JobState, number> = { queued: 0, running: 0, done: 0, dead: 0 };
  for (const r of rows) counts[r.state as JobState] = r._count._all;
  return counts;
}

/** What of a kind's payload is kept past the personal-data limit (see `payloadMinimiser` in worker.server.ts). */
export type PayloadMinimiser = (payload: unknown) => unknown;

/**
 * Retention of personal data in job payloads: the jobs created before `before` that are still
 * dead or queued (a dead letter kept for staff, a shop's stopped work) get their payload replaced
 * by what their kind keeps (`minimisers`; kinds not listed carry no personal data) and
 * `minimisedAt` set, so each is done once. The job, its state, attempts and error stay: staff can
 * still see it and retry it. At most `maxBatches` batches per call (the scheduler calls it every
 * minute); returns how many were minimised. Compare-and-set on the state: a job claimed meanwhile
 * is left to its run.
 */
export async function minimiseAgedPayloads(
  db: Db,
  before: Date,
  minimisers: ReadonlyMap<string, PayloadMinimiser>,
  now = new Date(),
  opts: { batch?: number; maxBatches?: number } = {},
): Promise<number> {
  const { batch = 200, maxBatches = 10 } = opts;
  const resting = { state: { in: ["dead", "queued"] } };
  let count = 0;
  for (let i = 0; i < maxBatches && minimisers.size > 0; i++) {
    const rows = await db.job.findMany({
      where: { ...resting, kind: { in: [...minimisers.keys()] }, createdAt: { lt: before }, minimisedAt: null },
      select: { id: true, kind: true, payload: true },
      take: batch,
    });
    if (rows.length === 0) break;
    const updates = rows.map((row) => {
      let stored: unknown;
      try {
        stored = JSON.parse(row.payload);
      } catch {
        stored = undefined; // not JSON: the minimiser finds it does not parse
      }
      const kept = minimisers.get(row.kind)?.(stored) ?? REDACTED_PAYLOAD;
      return db.job.updateMany({ where: { id: row.id, ...resting }, data: { payload: JSON.stringify(kept), minimisedAt: now } });
    });
    count += (await db.$transaction(updates)).reduce((n, r) => n + r.count, 0);
    if (rows.length < batch) break;
  }
  return count;
}

/** Remove finished jobs older than `before` (kept a while for the record). */
export async function pruneDone(db: Db, before: Date): Promise<number> {
  const r = await db.job.deleteMany({ where: { state: "done", finishedAt: { lt: before } } });
  return r.count;
}
