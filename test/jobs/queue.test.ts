// The durable job queue on both databases: dedupe, atomic claims, leases that expire, backoff,
// dead-lettering, staff retry, slots shared fairly between shops, and the worker loop.
import { expect, it } from "vitest";
import { describeEachDb } from "../support/db";
import type { Db } from "../../app/db-client.server";
import {
  DeferJob, PermanentJobError, REDACTED_PAYLOAD, RetrySoon, backoffMs, claim, complete, completion, deadJobs, enqueue, fail, heartbeat, jobCounts, release, retryDead, shareSlots,
} from "../../app/jobs/queue.server";
import { Worker, WorkerStopping, defineJob, notifyWork } from "../../app/jobs/worker.server";
import { z } from "zod";

it("backs off exponentially with jitter, capped at 30 minutes", () => {
  expect(backoffMs(1, () => 0.5)).toBe(2000);
  expect(backoffMs(2, () => 0.5)).toBe(4000);
  expect(backoffMs(5, () => 0.5)).toBe(32000);
  expect(backoffMs(1, () => 0)).toBe(1000);
  expect(backoffMs(1, () => 0.999)).toBe(2998);
  expect(backoffMs(40, () => 0.5)).toBe(30 * 60_000);
});

it.each([
  { name: "shops take turns, in the order of their oldest job", jobs: "A1 A2 A3 B1 C1 B2", slots: 4, room: 9, want: "A1 B1 C1 A2" },
  { name: "a shop takes at most its room", jobs: "A1 A2 A3 A4 B1", slots: 4, room: 2, want: "A1 B1 A2" },
  { name: "no room for a shop", jobs: "A1 B1 A2", slots: 3, room: { A: 0, B: 2 }, want: "B1" },
  { name: "fewer slots than shops: the oldest shops", jobs: "C1 A1 B1", slots: 2, room: 9, want: "C1 A1" },
  { name: "nothing to share", jobs: "", slots: 2, room: 9, want: "" },
])("shares slots between shops: $name", ({ jobs, slots, room, want }) => {
  const candidates = jobs.split(" ").filter(Boolean).map((id) => ({ id, shop: id[0]! }));
  const roomOf = (shop: string) => (typeof room === "number" ? room : (room as Record<string, number>)[shop] ?? 0);
  expect(shareSlots(candidates, slots, roomOf).map((c) => c.id).join(" ")).toBe(want);
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

  /** Jobs of each shop (`{shopA: 3}`), due one millisecond apart in the order given, oldest first. */
  async function backlog(db: Db, kind: string, perShop: Record<string, number>, start = Date.now() - 60_000) {
    let t = start;
    for (const [s, count] of Object.entries(perShop)) {
      for (let i = 0; i < count; i++) await enqueue(db, { shop: s, kind, dedupeKey: `${kind}-${i}`, payload: i, runAt: new Date(t++) });
    }
  }
  const shopsOf = (jobs: { shop: string }[]) => jobs.map((j) => j.shop).sort();

  it("shares the slots between shops when more jobs are due than slots: a backlog gets its cap, the others a slot each", async () => {
    const { db } = get();
    const [a, b, c] = [shop(), shop(), shop()];
    await backlog(db, "share", { [a]: 20, [b]: 2, [c]: 1 }); // a's backlog is the oldest
    const jobs = await claim(db, { owner: "w", limit: 4, leaseMs: 60_000, kinds: ["share"], maxPerShop: 2 });
    expect(shopsOf(jobs)).toEqual([a, a, b, c].sort());
    // Without sharing: the four oldest, all a's.
    const unshared = await claim(db, { owner: "w", limit: 4, leaseMs: 60_000, kinds: ["share"] });
    expect(shopsOf(unshared)).toEqual([a, a, a, a]);
  });

  it("counts every worker's running jobs against the cap, and a shop alone in the queue still gets every free slot", async () => {
    const { db } = get();
    const [a, b, c] = [shop(), shop(), shop()];
    await backlog(db, "cap", { [a]: 10, [b]: 1, [c]: 1 });
    const opts = { leaseMs: 60_000, kinds: ["cap"], maxPerShop: 2 };
    expect(shopsOf(await claim(db, { owner: "w1", limit: 2, leaseMs: 60_000, kinds: ["cap"] }))).toEqual([a, a]); // the oldest, unshared
    // Another worker: a is at its cap (w1's two), b and c are waiting.
    expect(shopsOf(await claim(db, { owner: "w2", limit: 2, ...opts }))).toEqual([b, c].sort());
    // Only a's jobs are due now: the slots are not left idle (all but `keepFree`, when asked).
    expect(shopsOf(await claim(db, { owner: "w3", limit: 3, ...opts }))).toEqual([a, a, a]);
    expect(shopsOf(await claim(db, { owner: "w4", limit: 3, keepFree: 1, ...opts }))).toEqual([a, a]);
  });

  it("serves a shop with nothing running before the older jobs of a shop already served, then the oldest under the cap", async () => {
    const { db } = get();
    const [a, b] = [shop(), shop()];
    await backlog(db, "idle-first", { [a]: 10 });
    expect(shopsOf(await claim(db, { owner: "w1", limit: 1, leaseMs: 60_000, kinds: ["idle-first"] }))).toEqual([a]);
    await backlog(db, "idle-first", { [b]: 3 }, Date.now() - 1000); // newer than all of a's
    const opts = { leaseMs: 60_000, kinds: ["idle-first"], maxPerShop: 3 };
    expect(shopsOf(await claim(db, { owner: "w2", limit: 1, ...opts }))).toEqual([b]);
    // Both served now: the oldest jobs of shops under the cap (a's), the shops taking turns.
    expect(shopsOf(await claim(db, { owner: "w2", limit: 2, ...opts }))).toEqual([a, a]);
  });

  it("leaves excluded shops' jobs alone", async () => {
    const { db } = get();
    const [a, b] = [shop(), shop()];
    await backlog(db, "exclude", { [a]: 3, [b]: 1 });
    const jobs = await claim(db, { owner: "w", limit: 4, leaseMs: 60_000, kinds: ["exclude"], maxPerShop: 2, excludeShops: [a] });
    expect(shopsOf(jobs)).toEqual([b]);
  });

  it("never leases a job to two workers when claims are shared between shops: 60 jobs of 4 shops, three claimers racing", async () => {
    const { db } = get();
    const shops = [shop(), shop(), shop(), shop()];
    await backlog(db, "fair-race", Object.fromEntries(shops.map((s) => [s, 15])));
    const got = await Promise.all(
      ["a", "b", "c"].map(async (owner) => {
        const mine: string[] = [];
        for (;;) {
          const jobs = await claim(db, { owner, limit: 4, leaseMs: 60_000, kinds: ["fair-race"], maxPerShop: 1 });
          if (jobs.length === 0) break;
          mine.push(...jobs.map((j) => j.id));
        }
        return mine;
      }),
    );
    const all = got.flat();
    expect(all).toHaveLength(60);
    expect(new Set(all).size).toBe(60);
    const rows = await db.job.findMany({ where: { kind: "fair-race" } });
    expect(rows.every((r) => r.state === "running" && r.attempts === 1)).toBe(true);
  });

  it("a deferral for the whole shop pauses that shop in the worker; other shops' jobs keep running", async () => {
    const { db } = get();
    const [a, b] = [shop(), shop()];
    await backlog(db, "pause", { [a]: 5, [b]: 3 });
    class OutOfBudget extends Error {}
    const ran: string[] = [];
    const worker = new Worker(db, [
      defineJob("pause", z.number(), async (_n, job) => {
        ran.push(job.shop);
        if (job.shop === a) throw new OutOfBudget("no points left");
      }),
    ], {
      concurrency: 1, pollMs: 10, kinds: ["pause"], log: () => {},
      classify: (e) => (e instanceof OutOfBudget ? new DeferJob(e.message, 60_000, { wholeShop: true }) : e),
    });
    await runUntilSettled(db, worker, b, 3);
    expect(ran.filter((s) => s === a)).toHaveLength(1); // not a second of a's jobs after the first deferral
    expect(await jobCounts(db, a)).toMatchObject({ queued: 5, running: 0 });
    expect(await jobCounts(db, b)).toMatchObject({ done: 3 });
  });

  it("claims announced jobs by id up to each shop's share, and leaves the rest of a backlog to a fair search", async () => {
    const { db } = get();
    const [a, b] = [shop(), shop()];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const started: string[] = [];
    const worker = new Worker(db, [
      defineJob("hinted", z.number(), async (_n, job) => {
        started.push(job.shop);
        await gate;
      }),
    ], { concurrency: 2, maxPerShop: 1, pollMs: 10_000, kinds: ["hinted"], log: () => {} });
    // The worker's first look finds nothing due; the jobs are then announced, as the intake does.
    worker.start();
    await new Promise((r) => setTimeout(r, 200));
    const hints: { id: string; shop: string }[] = [];
    for (const [s, count] of [[a, 6], [b, 1]] as const) {
      for (let i = 0; i < count; i++) hints.push({ id: (await enqueue(db, { shop: s, kind: "hinted", dedupeKey: `h${i}`, payload: i })).id, shop: s });
    }
    notifyWork(hints);
    const deadline = Date.now() + 5000;
    while (started.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(started.sort()).toEqual([a, b].sort()); // not two of a's six
    release();
    await runUntilSettled(db, worker, a, 6);
    expect(await jobCounts(db, a)).toMatchObject({ done: 6 });
  });

  it("searches at least once a poll interval while announced jobs keep coming, so due jobs nobody announced still run", async () => {
    const { db } = get();
    const [a, b] = [shop(), shop()];
    const ran: string[] = [];
    const worker = new Worker(db, [defineJob("stream", z.number(), async (_n, job) => void ran.push(job.shop))], {
      concurrency: 2, pollMs: 200, kinds: ["stream"], log: () => {},
    }).start();
    await new Promise((r) => setTimeout(r, 100)); // the first look: nothing due yet
    // Due, but not announced to this worker (a retry, a deferral, another process's enqueue).
    await enqueue(db, { shop: a, kind: "stream", dedupeKey: "unannounced", payload: 0 });
    // Announced jobs every 50 ms, more often than the poll interval.
    for (let i = 0; i < 30 && !ran.includes(a); i++) {
      const job = await enqueue(db, { shop: b, kind: "stream", dedupeKey: `s${i}`, payload: i });
      notifyWork([{ id: job.id, shop: b }]);
      await new Promise((r) => setTimeout(r, 50));
    }
    await worker.stop();
    expect(ran).toContain(a);
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
