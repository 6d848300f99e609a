// Failed work (/app/failed): a store action Shopify refused and the dead-lettered screening job it
// left, listed with their errors and retried through the pipeline (the tag then reaches the store);
// dead jobs retried one by one or all at once; every retry audited with the staff member; another
// shop's ids are a 404 that changes nothing; a malformed request is a 400 with its message key.
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDb } from "../support/db";
import { BROWSER_UA, mixedOrders, startAdminApp, type AdminApp } from "../support/admin-app";
import type { DeadJob, FailedAction } from "../../app/staff/failed.server";
import { screenJobKey } from "../../app/screening/intake.server";

const ROUTE = "routes/app.failed";

interface FailedBody {
  actions: FailedAction[];
  jobs: DeadJob[];
  actionCount: number;
  jobCount: number;
}

describeEachDb("failed work", (get) => {
  let t: AdminApp;
  let orders: string[];
  beforeAll(async () => {
    t = await startAdminApp(get().db, get().url);
    orders = await t.placeOrders(mixedOrders(3, 31, 0).map((o) => o.draft));
    await t.placeOrders(mixedOrders(2, 32, 0).map((o) => o.draft), t.other);
    await t.settle();
    await t.settle(t.other);
  }, 180_000);
  afterAll(() => t?.stop());

  const load = async (shop?: string) => {
    const r = await t.data<FailedBody>("/app/failed", ROUTE, { shop });
    expect(r.status).toBe(200);
    return r.body;
  };
  const post = (form: Record<string, string>, shop?: string) => t.post<{ ok: boolean; result?: string; error?: string; jobs?: number; actions?: number }>("/app/failed", ROUTE, form, { shop });
  const deadJob = (shop: string, orderId: string, key: string) =>
    get().db.job.create({
      data: { shop, kind: "follow_holds", dedupeKey: key, payload: JSON.stringify({ orderId, reason: "reconcile" }), state: "dead", attempts: 5, maxAttempts: 5, lastError: "Error: Shopify was unavailable", finishedAt: new Date() },
    });
  const audits = (shop: string) => get().db.auditEvent.findMany({ where: { shop, kind: "staff_retry" }, orderBy: { createdAt: "asc" } });

  it("shows the empty state when nothing failed", async () => {
    const body = await load();
    expect(body).toMatchObject({ actions: [], jobs: [], actionCount: 0, jobCount: 0 });
    const html = await (await fetch(t.documentUrl("/app/failed"), { headers: { "User-Agent": BROWSER_UA } })).text();
    expect(html).toContain("Nothing has failed");
  });

  it("lists a refused store action and its dead screening job, and a retry applies it in the store", async () => {
    const { db } = get();
    // Shopify refuses to tag the next order: the screening records the failed action and retries.
    t.emulator.faults.inject({ fault: { kind: "user_errors", userErrors: [{ field: ["tags"], message: "Tags are locked" }] }, operation: "tagsAdd", shop: t.shop });
    const [orderId] = await t.placeOrders(mixedOrders(1, 33, 0).map((o) => o.draft));
    const key = screenJobKey(orderId!, 0);
    const deadline = Date.now() + 30_000;
    // Its attempts run out (made quick here: the queued retry is dead-lettered as the last attempt would).
    for (;;) {
      const failed = await db.storeAction.count({ where: { shop: t.shop, orderId, outcome: "failed" } });
      const r = failed ? await db.job.updateMany({ where: { shop: t.shop, dedupeKey: key, state: "queued" }, data: { state: "dead", finishedAt: new Date() } }) : { count: 0 };
      if (r.count === 1) break;
      if (Date.now() > deadline) throw new Error("the tag was not refused");
      await new Promise((r) => setTimeout(r, 50));
    }
    t.emulator.faults.clear();
    const order = () => t.emulator.shop(t.shop).requireOrder(Number(orderId));
    expect(order().tags.some((tag) => tag.startsWith("holdfast:"))).toBe(false);

    const body = await load();
    expect(body.actionCount).toBe(1);
    expect(body.actions[0]).toMatchObject({ orderId, action: "tag", revision: 0 });
    expect(body.actions[0]!.detail).toContain("Tags are locked");
    expect(body.jobCount).toBe(1);
    expect(body.jobs[0]).toMatchObject({ kind: "screen_order", orderId });
    expect(body.jobs[0]!.lastError).toContain("store action failed: tag");
    const screening = await db.orderScreening.findUniqueOrThrow({ where: { shop_orderId: { shop: t.shop, orderId: orderId! } } });
    expect(body.actions[0]!.orderName).toBe(screening.orderName);
    // The other shop sees none of it.
    expect(await load(t.other)).toMatchObject({ actionCount: 0, jobCount: 0 });
    // The page names the work in words, with a link to the order.
    const html = await (await fetch(t.documentUrl("/app/failed"), { headers: { "User-Agent": BROWSER_UA } })).text();
    expect(html).toContain("Screening an order");
    expect(html).toContain("Add tag");
    expect(html).toContain(`href="/app/orders/${orderId}"`);
    const ja = await (await fetch(t.documentUrl("/app/failed", { locale: "ja" }), { headers: { "User-Agent": BROWSER_UA } })).text();
    expect(ja).toContain("注文の審査");

    // Another shop cannot retry it.
    expect((await post({ intent: "retry_action", id: body.actions[0]!.id }, t.other)).status).toBe(404);
    expect((await post({ intent: "retry_job", id: body.jobs[0]!.id }, t.other)).status).toBe(404);
    expect((await db.job.findUniqueOrThrow({ where: { id: body.jobs[0]!.id } })).state).toBe("dead");

    const r = await post({ intent: "retry_action", id: body.actions[0]!.id });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: true, result: "failed.result_requeued" });
    expect(["queued", "running", "done"]).toContain((await db.job.findUniqueOrThrow({ where: { id: body.jobs[0]!.id } })).state);
    await t.settle();
    expect((await db.job.findUniqueOrThrow({ where: { id: body.jobs[0]!.id } })).state).toBe("done");
    expect(order().tags).toContain(screening.verdict === "ship" ? "holdfast:ship" : "holdfast:hold");
    expect(await db.storeAction.count({ where: { shop: t.shop, orderId, outcome: "failed" } })).toBe(0);
    expect(await load()).toMatchObject({ actionCount: 0, jobCount: 0 });
    const [audit] = await audits(t.shop);
    expect(audit).toMatchObject({ orderId, actor: "staff:42" });
    expect(audit!.message).toContain("tag");
  }, 60_000);

  it("a failed action of a held order whose screening finished is applied again by a follow-up job", async () => {
    const { db } = get();
    // A buyer staff block-listed: the order is held.
    const [g] = mixedOrders(1, 34, 0);
    await db.listEntry.create({ data: { shop: t.shop, list: "block", kind: "email", value: g!.draft.email!.toLowerCase() } });
    const [orderId] = await t.placeOrders([g!.draft]);
    await t.settle();
    expect((await db.orderScreening.findUniqueOrThrow({ where: { shop_orderId: { shop: t.shop, orderId: orderId! } } })).verdict).toBe("hold");
    expect((await db.job.findUniqueOrThrow({ where: { shop_dedupeKey: { shop: t.shop, dedupeKey: screenJobKey(orderId!, 0) } } })).state).toBe("done");
    // A later follow-up's hold was refused (as recorded when Shopify refuses it).
    const hold = await db.storeAction.findFirstOrThrow({ where: { shop: t.shop, orderId, action: "hold" } });
    await db.storeAction.update({ where: { id: hold.id }, data: { outcome: "failed", detail: "FULFILLMENT_ORDER_HOLD_LIMIT_REACHED: too many holds" } });
    expect((await load()).actions.map((a) => a.id)).toContain(hold.id);

    const r = await post({ intent: "retry_action", id: hold.id });
    expect(r.body).toMatchObject({ ok: true, result: "failed.result_follow" });
    await t.settle();
    // The follow-up found the hold in the store and recorded it: nothing failed any more.
    expect((await db.storeAction.findUniqueOrThrow({ where: { id: hold.id } })).outcome).not.toBe("failed");
    expect(await db.job.count({ where: { shop: t.shop, kind: "follow_holds", dedupeKey: { startsWith: `order:${orderId}:follow_holds:staff:` }, state: "done" } })).toBe(1);
    expect((await load()).actionCount).toBe(0);
  }, 60_000);

  it("retries one dead job of the shop; another shop's, an unknown or a malformed id is refused and changes nothing", async () => {
    const { db } = get();
    const mine = await deadJob(t.shop, orders[0]!, `order:${orders[0]}:follow_holds:test-1`);
    const theirs = await deadJob(t.other, "1", "order:1:follow_holds:test-other");
    const before = (await audits(t.shop)).length;

    expect((await post({ intent: "retry_job", id: theirs.id })).status).toBe(404);
    expect((await post({ intent: "retry_job", id: "c0000000000000000000000000" })).status).toBe(404);
    const bad = await post({ intent: "retry_job", id: "../../x" });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ ok: false, error: "failed.invalid" });
    expect((await post({ intent: "explode" })).status).toBe(400);
    expect((await post({})).status).toBe(400);
    expect((await db.job.findUniqueOrThrow({ where: { id: theirs.id } })).state).toBe("dead");
    expect((await audits(t.shop)).length).toBe(before);

    const listed = await load();
    expect(listed.jobs.map((j) => j.id)).toEqual([mine.id]);
    expect(listed.jobs[0]).toMatchObject({ kind: "follow_holds", orderId: orders[0], attempts: 5, lastError: "Error: Shopify was unavailable" });

    const r = await post({ intent: "retry_job", id: mine.id });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: true, result: "failed.result_requeued" });
    const after = await db.job.findUniqueOrThrow({ where: { id: mine.id } });
    expect(["queued", "running", "done"]).toContain(after.state);
    await t.settle();
    expect((await db.job.findUniqueOrThrow({ where: { id: mine.id } })).state).toBe("done");
    const audit = (await audits(t.shop)).at(-1)!;
    expect(audit).toMatchObject({ actor: "staff:42", orderId: orders[0] });
    expect(JSON.parse(audit.data!)).toMatchObject({ jobId: mine.id, outcome: "requeued" });
    // Retrying it again: it is not dead any more.
    expect((await post({ intent: "retry_job", id: mine.id })).status).toBe(404);
  }, 60_000);

  it("retries all of the shop's dead jobs, and none of another shop's", async () => {
    const { db } = get();
    const a = await deadJob(t.shop, orders[1]!, `order:${orders[1]}:follow_holds:test-2`);
    const b = await deadJob(t.shop, orders[2]!, `order:${orders[2]}:follow_holds:test-3`);
    const theirs = await db.job.findFirstOrThrow({ where: { shop: t.other, state: "dead" } });
    const r = await post({ intent: "retry_all" });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: true, result: "failed.result_all", jobs: 2, actions: 0 });
    await t.settle();
    for (const job of [a, b]) expect((await db.job.findUniqueOrThrow({ where: { id: job.id } })).state).toBe("done");
    expect((await db.job.findUniqueOrThrow({ where: { id: theirs.id } })).state).toBe("dead");
    expect((await audits(t.shop)).at(-1)).toMatchObject({ actor: "staff:42", orderId: null });
    expect(await audits(t.other)).toEqual([]);
  }, 60_000);
});
