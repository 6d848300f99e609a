// The durable job queue on both databases: dedupe, atomic claims, leases that expire, backoff,
// dead-lettering, staff retry, and the worker loop.
import { expect, it } from "vitest";
import { describeEachDb } from "../support/db";
import type { Db } from "../../app/db-client.server";
import {
  DeferJob, PermanentJobError, REDACTED_PAYLOAD, RetrySoon, backoffMs, claim, complete, completion, deadJobs, enqueue, fail, heartbeat, jobCounts, release, retryDead,
} from "../../app/jobs/queue.server";
import { Worker, WorkerStopping, defineJob } from "../../app/jobs/worker.server";
import { z } from "zod";

it("backs off exponentially with jitter, capped at 30 minutes", () => {
  expect(backoffMs(1, () => 0.5)).toBe(2000);
  expect(backoffMs(2, () => 0.5)).toBe(4000);
  expect(backoffMs(5, () => 0.5)).toBe(32000);
  expect(backoffMs(1, () => 0)).toBe(1000);
  expect(backoffMs(1, () => 0.999)).toBe(2998);
  expect(backoffMs(40, () => 0.5)).toBe(30 * 60_000);
});

describeEachDb("job queue", (get) => {
  let n = 0;
  const shop = () => `queue-${++n}.myshopify.com`;

  it("enqueues a (shop, dedupeKey) once, whatever its state", async () => {
    const { db } = get();
    const s = shop();
    await enqueue(db, { shop: s, kind: "k", dedupeKey: "a", payload: { v: 1 } });
    await enqueue(db, { shop: s, kind: "k", dedupeKey: "a", payload: { v: 2 } });
    const [job] = await claim(db, { owner: "w1", limit: 10, leaseMs: 10_000, kinds: ["k"] });
    expect(job!.payload).toEqual({ v: 1 });
    await complete(db, job!);
    await enqueue(db, { shop: s, kind: "k", dedupeKey: "a", payload: { v: 3 } });
    expect(await db.job.count({ where: { shop: s } })).toBe(1);
    expect((await jobCounts(db, s)).done).toBe(1);
  });

  it("never leases a job to two workers: 60 jobs, three claimers racing", async () => {
    const { db } = get();
    const s = shop();
    for (let i = 0; i < 60; i++) await enqueue(db, { shop: s, kind: "race", dedupeKey: `r${i}`, payload: i });
    const owners = ["a", "b", "c"];
    const got = await Promise.all(
      owners.map(async (owner) => {
        const mine: number[] = [];
        for (;;) {
          const jobs = await claim(db, { owner, limit: 4, leaseMs: 60_000, kinds: ["race"] });
          if (jobs.length === 0) break;
          mine.push(...jobs.map((j) => j.payload as number));
        }
        return mine;
      }),
    );
    const all = got.flat();
    expect(all).toHaveLength(60);
    expect(new Set(all).size).toBe(60);
    const rows = await db.job.findMany({ where: { shop: s } });
    expect(rows.every((r) => r.state === "running" && r.attempts === 1)).toBe(true);
  });

  it("gives an expired lease to the next worker, and the first can no longer complete it", async () => {
    const { db } = get();
    const s = shop();
    await enqueue(db, { shop: s, kind: "lease", dedupeKey: "x", payload: null });
    const t0 = new Date();
    const [first] = await claim(db, { owner: "dead-worker", limit: 1, leaseMs: 1000, now: t0, kinds: ["lease"] });
    expect(await claim(db, { owner: "other", limit: 1, leaseMs: 1000, now: new Date(t0.getTime() + 500), kinds: ["lease"] })).toHaveLength(0);
    const [second] = await claim(db, { owner: "other", limit: 1, leaseMs: 1000, now: new Date(t0.getTime() + 1500), kinds: ["lease"] });
    expect(second!.attempt).toBe(2);
    expect(await complete(db, first!)).toBe(false);
    expect(await heartbeat(db, first!, 1000)).toBe(false);
    expect(await heartbeat(db, second!, 1000)).toBe(true);
    expect(await complete(db, second!)).toBe(true);
  });

  it("retries with backoff, dead-letters after the last attempt, and staff can retry it", async () => {
    const { db } = get();
    const s = shop();
    await enqueue(db, { shop: s, kind: "flaky", dedupeKey: "f", payload: null, maxAttempts: 2 });
    const now = new Date();
    const [j1] = await claim(db, { owner: "w", limit: 1, leaseMs: 1000, now, kinds: ["flaky"] });
    expect(await fail(db, j1!, new Error("boom 1"), now, () => 0.5)).toBe("retry");
    let row = await db.job.findFirstOrThrow({ where: { shop: s } });
    expect(row.state).toBe("queued");
    expect(row.runAt.getTime() - now.getTime()).toBe(2000);
    expect(row.lastError).toContain("boom 1");
    expect(await claim(db, { owner: "w", limit: 1, leaseMs: 1000, now: new Date(now.getTime() + 1999), kinds: ["flaky"] })).toHaveLength(0);
    const [j2] = await claim(db, { owner: "w", limit: 1, leaseMs: 1000, now: new Date(now.getTime() + 2000), kinds: ["flaky"] });
    expect(await fail(db, j2!, new Error("boom 2"))).toBe("dead");
    const dead = await deadJobs(db, s);
    expect(dead).toHaveLength(1);
    expect(dead[0]!.lastError).toContain("boom 2");
    expect(await retryDead(db, "another-shop.myshopify.com", dead[0]!.id)).toBe(false); // scoped by shop
    expect(await retryDead(db, s, dead[0]!.id)).toBe(true);
    row = await db.job.findFirstOrThrow({ where: { shop: s } });
    expect([row.state, row.attempts]).toEqual(["queued", 0]);
  });

  it("an error that asks for a quick retry gets it (jittered), and still uses an attempt", async () => {
    const { db } = get();
    const s = shop();
    await enqueue(db, { shop: s, kind: "soon", dedupeKey: "s", payload: null });
    const now = new Date();
    for (let attempt = 1; attempt <= 3; attempt++) {
      const [job] = await claim(db, { owner: "w", limit: 1, leaseMs: 1000, now, kinds: ["soon"] });
      expect(job!.attempt).toBe(attempt);
      const error = new RetrySoon("answer lost", 1000);
      expect(await fail(db, job!, error, now, () => 0.5)).toBe("retry");
      const row = await db.job.findFirstOrThrow({ where: { shop: s } });
      // 1 s every time, not 2 s, 4 s, 8 s.
      expect(row.runAt.getTime() - now.getTime()).toBe(1000);
      await db.job.update({ where: { id: row.id }, data: { runAt: now } });
    }
  });

  it("dead-letters a permanent error at once; a deferral does not use an attempt", async () => {
    const { db } = get();
    const s = shop();
    await enqueue(db, { shop: s, kind: "perm", dedupeKey: "p", payload: null });
    await enqueue(db, { shop: s, kind: "perm", dedupeKey: "d", payload: null });
    const jobs = await claim(db, { owner: "w", limit: 2, leaseMs: 1000, kinds: ["perm"] });
    const byKey = Object.fromEntries(jobs.map((j) => [j.dedupeKey, j]));
    expect(await fail(db, byKey.p!, new PermanentJobError("no such order"))).toBe("dead");
    expect(await fail(db, byKey.d!, new DeferJob("wait", 5000))).toBe("deferred");
    const d = await db.job.findFirstOrThrow({ where: { shop: s, dedupeKey: "d" } });
    expect([d.state, d.attempts]).toEqual(["queued", 0]);
  });

  it("the worker runs jobs, retries failures and records outcomes", async () => {
    const { db } = get();
    const s = shop();
    for (let i = 0; i < 10; i++) await enqueue(db, { shop: s, kind: "work", dedupeKey: `w${i}`, payload: i });
    await enqueue(db, { shop: s, kind: "work", dedupeKey: "bad", payload: -1, maxAttempts: 1 });
    const seen: number[] = [];
    const worker = new Worker(db, [
      defineJob("work", z.number().int(), async (n) => {
        if (n === -1) throw new Error("cannot do -1");
        seen.push(n);
        return { compacted: true };
      }),
    ], { concurrency: 3, pollMs: 20, kinds: ["work"], log: () => {} }).start();
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const c = await jobCounts(db, s);
      if (c.done === 10 && c.dead === 1) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await worker.stop();
    expect(seen.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await jobCounts(db, s)).toMatchObject({ done: 10, dead: 1, queued: 0, running: 0 });
    const done = await db.job.findFirstOrThrow({ where: { shop: s, dedupeKey: "w3" } });
    expect(JSON.parse(done.payload)).toEqual({ compacted: true });
  });

  async function runUntilSettled(db: Db, worker: Worker, s: string, expected: number) {
    worker.start();
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const c = await jobCounts(db, s);
      if (c.done + c.dead >= expected) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await worker.stop();
  }

  it("parses every payload when the job is claimed: one that does not parse is dead-lettered with the reason, never run", async () => {
    const { db } = get();
    const s = shop();
    await enqueue(db, { shop: s, kind: "typed", dedupeKey: "ok", payload: { orderId: "42" } });
    await enqueue(db, { shop: s, kind: "typed", dedupeKey: "bad", payload: { orderId: 42 } });
    await enqueue(db, { shop: s, kind: "typed", dedupeKey: "missing", payload: {} });
    const ran: string[] = [];
    const worker = new Worker(db, [defineJob("typed", z.object({ orderId: z.string() }), async (p) => void ran.push(p.orderId))], {
      concurrency: 3, pollMs: 10, kinds: ["typed"], log: () => {},
    });
    await runUntilSettled(db, worker, s, 3);
    expect(ran).toEqual(["42"]);
    const rows = Object.fromEntries((await db.job.findMany({ where: { shop: s } })).map((r) => [r.dedupeKey, r]));
    expect(rows.ok!.state).toBe("done");
    for (const key of ["bad", "missing"]) {
      expect(rows[key]!.state).toBe("dead");
      expect(rows[key]!.attempts).toBe(1); // dead at once: retrying cannot fix a payload
      expect(rows[key]!.lastError).toMatch(/typed payload does not parse: orderId: (Expected string|Required)/);
    }
  });

  it("a redacted job that staff retry ends as done without running, and stays redacted", async () => {
    const { db } = get();
    const s = shop();
    await enqueue(db, { shop: s, kind: "personal", dedupeKey: "r", payload: { orderId: "7" } });
    // As a customers/redact leaves a dead job: state dead, payload redacted.
    await db.job.updateMany({ where: { shop: s }, data: { state: "dead", payload: JSON.stringify(REDACTED_PAYLOAD), lastError: "boom" } });
    const job = await db.job.findFirstOrThrow({ where: { shop: s } });
    expect(await retryDead(db, s, job.id)).toBe(true);
    const ran: unknown[] = [];
    const worker = new Worker(db, [defineJob("personal", z.object({ orderId: z.string() }), async (p) => void ran.push(p))], {
      concurrency: 1, pollMs: 10, kinds: ["personal"], log: () => {},
    });
    await runUntilSettled(db, worker, s, 1);
    expect(ran).toEqual([]);
    const after = await db.job.findFirstOrThrow({ where: { shop: s } });
    expect(after.state).toBe("done");
    expect(JSON.parse(after.payload)).toEqual({ redacted: true });
  });

  it("classifies other rooms' errors through the worker's classify option", async () => {
    const { db } = get();
    const s = shop();
    class VendorGone extends Error {}
    await enqueue(db, { shop: s, kind: "vendor", dedupeKey: "v", payload: null, maxAttempts: 5 });
    const worker = new Worker(db, [defineJob("vendor", z.null(), async () => { throw new VendorGone("vendor says no"); })], {
      concurrency: 1, pollMs: 10, kinds: ["vendor"], log: () => {},
      classify: (e) => (e instanceof VendorGone ? new PermanentJobError(e.message) : e),
    });
    await runUntilSettled(db, worker, s, 1);
    const row = await db.job.findFirstOrThrow({ where: { shop: s } });
    expect([row.state, row.attempts, row.lastError]).toEqual(["dead", 1, "PermanentJobError: vendor says no"]);
  });

  it("releases a running job to the queue, due now, without using its attempt, and only while the lease is its own", async () => {
    const { db } = get();
    const s = shop();
    await enqueue(db, { shop: s, kind: "rel", dedupeKey: "r", payload: null, runAt: new Date(Date.now() - 60_000) });
    const [first] = await claim(db, { owner: "stopping", limit: 1, leaseMs: 60_000, kinds: ["rel"] });
    const before = Date.now();
    expect(await release(db, first!)).toBe(true);
    const row = await db.job.findFirstOrThrow({ where: { shop: s } });
    expect([row.state, row.attempts, row.leaseOwner, row.leaseExpiresAt]).toEqual(["queued", 0, null, null]);
    expect(row.runAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(row.runAt.getTime()).toBeLessThanOrEqual(Date.now());
    // Claimable at once, as a first attempt; the old lease can no longer release or complete it.
    const [second] = await claim(db, { owner: "next", limit: 1, leaseMs: 60_000, kinds: ["rel"] });
    expect(second!.attempt).toBe(1);
    expect(await release(db, first!)).toBe(false);
    expect(await complete(db, first!)).toBe(false);
    // Once the job is done, releasing changes nothing.
    expect(await complete(db, second!)).toBe(true);
    expect(await release(db, second!)).toBe(false);
    expect((await db.job.findFirstOrThrow({ where: { shop: s } })).state).toBe("done");
  });

  it("a release racing the handler's last transaction: whichever commits first wins, the other changes nothing", async () => {
    const { db } = get();
    const s = shop();
    await enqueue(db, { shop: s, kind: "tx", dedupeKey: "a", payload: null });
    await enqueue(db, { shop: s, kind: "tx", dedupeKey: "b", payload: null });
    const jobs = await claim(db, { owner: "w", limit: 2, leaseMs: 60_000, kinds: ["tx"] });
    const byKey = Object.fromEntries(jobs.map((j) => [j.dedupeKey, j]));
    // a: the release comes while the handler's transaction (its results and the job's "done") is open:
    // it waits for the commit, then finds the lease gone.
    let releasing: Promise<boolean> | undefined;
    await db.$transaction(async (tx) => {
      await tx.listEntry.create({ data: { shop: s, list: "block", kind: "email", value: "a@example.com" } });
      await completion(tx as Db, byKey.a!);
      releasing = release(db, byKey.a!);
      await new Promise((r) => setTimeout(r, 200));
    });
    expect(await releasing).toBe(false);
    // b: released first; the handler's transaction still commits its results, but not the job's "done".
    expect(await release(db, byKey.b!)).toBe(true);
    const [, done] = await db.$transaction([db.listEntry.create({ data: { shop: s, list: "block", kind: "email", value: "b@example.com" } }), completion(db, byKey.b!)]);
    expect(done).toEqual({ count: 0 });
    const rows = Object.fromEntries((await db.job.findMany({ where: { shop: s } })).map((r) => [r.dedupeKey, [r.state, r.attempts]]));
    expect(rows).toEqual({ a: ["done", 1], b: ["queued", 0] });
  });

  it("stopping with a grace: a job that ends in time completes; one still running is aborted and released, its late outcome ignored", async () => {
    const { db } = get();
    const s = shop();
    await enqueue(db, { shop: s, kind: "quick", dedupeKey: "q", payload: null });
    await enqueue(db, { shop: s, kind: "stuck", dedupeKey: "s", payload: null });
    let reason: unknown;
    let finishStuck = () => {};
    const stuckReturned = new Promise<void>((resolve) => (finishStuck = resolve));
    const worker = new Worker(db, [
      defineJob("quick", z.null(), () => new Promise((r) => setTimeout(r, 200))),
      // Ignores its signal (noting why it was aborted) and ends only when the test says so.
      defineJob("stuck", z.null(), async (_p, _job, { signal }) => {
        signal.addEventListener("abort", () => (reason = signal.reason));
        await stuckReturned;
      }),
    ], { concurrency: 2, pollMs: 10, kinds: ["quick", "stuck"], log: () => {} });
    worker.start();
    const deadline = Date.now() + 10_000;
    while ((await jobCounts(db, s)).running < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const t0 = Date.now();
    await worker.stop({ graceMs: 600 });
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(550);
    expect(took).toBeLessThan(600 + 1_000 + 500); // the grace, plus at most a second for the aborted handler to unwind
    expect(reason).toBeInstanceOf(WorkerStopping);
    const rows = () => db.job.findMany({ where: { shop: s }, orderBy: { dedupeKey: "asc" } }).then((r) => r.map((j) => [j.dedupeKey, j.state, j.attempts]));
    expect(await rows()).toEqual([["q", "done", 1], ["s", "queued", 0]]);
    // The stuck handler returns after all: its "done" finds the lease gone and changes nothing.
    finishStuck();
    await new Promise((r) => setTimeout(r, 100));
    expect(await rows()).toEqual([["q", "done", 1], ["s", "queued", 0]]);
    const [again] = await claim(db, { owner: "next", limit: 1, leaseMs: 60_000, kinds: ["stuck"] });
    expect(again?.attempt).toBe(1);
  });

  it("a job that gives up on its worker's abort is released, not failed", async () => {
    const { db } = get();
    const s = shop();
    await enqueue(db, { shop: s, kind: "polite", dedupeKey: "p", payload: null, maxAttempts: 1 });
    const worker = new Worker(db, [
      defineJob("polite", z.null(), (_p, _job, { signal }) => new Promise((_r, reject) => signal.addEventListener("abort", () => reject(new Error("aborted by signal"))))),
    ], { concurrency: 1, pollMs: 10, kinds: ["polite"], log: () => {} });
    worker.start();
    const deadline = Date.now() + 10_000;
    while ((await jobCounts(db, s)).running < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await worker.stop({ graceMs: 100 });
    // Its only attempt was not used up: not dead, no error recorded, due now.
    const row = await db.job.findFirstOrThrow({ where: { shop: s } });
    expect([row.state, row.attempts, row.lastError]).toEqual(["queued", 0, null]);
  });
});
