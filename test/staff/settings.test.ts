// The settings page: the threshold's impact on the shop's own orders (before saving), validation
// with field errors and nothing saved, a valid save persisted and audited, the block and allow
// lists (validated, deduplicated, used by the next screening), and custom tag names put on orders
// in the store by the pipeline.
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDb } from "../support/db";
import { mixedOrders, startAdminApp, type AdminApp } from "../support/admin-app";

const ROUTE = "routes/app.settings";

interface Impact { threshold: number; orders: number; approved: number; held: number; approvalRate: number; cost: { currency: string; amount: string }[]; leftOut: number }
interface Data {
  settings: { holdThreshold: number; thresholdIsDefault: boolean; shipTag: string; holdTag: string; feeRate: string; extendedReview: boolean; evidenceSubmitDays: number | null };
  impact: Impact;
  lists: { entries: { id: string; list: string; kind: string; value: string }[]; total: number };
}

const valid = {
  intent: "save", holdThreshold: "96", thinDataPolicy: "hold", shipTag: "holdfast:ship", holdTag: "holdfast:hold", autoCancel: "false",
  autoCancelScore: "970", extendedReview: "false", coverNotReceived: "false", evidenceSubmitDays: "off",
};

describeEachDb("settings page", (get) => {
  let t: AdminApp;
  const sub = (shop?: string) => JSON.parse(Buffer.from(t.token(shop).split(".")[1]!, "base64url").toString()).sub as string;

  beforeAll(async () => {
    t = await startAdminApp(get().db, get().url);
    await t.placeOrders(mixedOrders(10, 5, 0.3).map((o) => o.draft));
    await t.settle();
  }, 180_000);
  afterAll(() => t?.stop());

  it("shows the defaults and the fee rate, and what a threshold implies on the shop's own orders", async () => {
    const res = await t.data<Data>("/app/settings", ROUTE);
    expect(res.status).toBe(200);
    expect(res.body.settings).toMatchObject({ holdThreshold: 96, thresholdIsDefault: true, shipTag: "holdfast:ship", holdTag: "holdfast:hold", feeRate: "0.005", extendedReview: false });
    const rows = await get().db.orderScreening.findMany({ where: { shop: t.shop }, select: { score: true, verdict: true, decidedBy: true, probability: true, totalPrice: true } });
    expect(res.body.impact.orders).toBe(rows.length);
    expect(res.body.impact.approved).toBe(rows.filter((r) => r.verdict === "ship").length); // the saved threshold reproduces the decisions
    for (const threshold of [1, 300, 1000]) {
      const at = await t.data<Data>(`/app/settings?threshold=${threshold}${threshold === 1 ? "" : "&preview=1"}`, ROUTE);
      // A preview answers only what it needs; the page with ?threshold= alone is the whole page.
      expect(Object.keys(at.body).sort()).toEqual(threshold === 1 ? ["impact", "lists", "preview", "settings"] : ["impact", "preview"]);
      const approved = rows.filter((r) => (r.decidedBy === "allow_list" ? true : r.decidedBy === "score" && r.score < threshold));
      expect(at.body.impact.threshold).toBe(threshold);
      expect(at.body.impact.approved).toBe(approved.length);
      const cost = approved.reduce((s, r) => s + (r.probability ?? 0) * Number(r.totalPrice), 0);
      const shown = at.body.impact.cost.reduce((s, c) => s + Number(c.amount), 0);
      expect(Math.abs(shown - cost)).toBeLessThan(0.01 * Math.max(1, at.body.impact.cost.length));
    }
    // A person's decision keeps its verdict: approved by staff stays approved at any threshold, and
    // counts among the orders the threshold does not change.
    const { db } = get();
    const decided = await db.orderScreening.findFirstOrThrow({ where: { shop: t.shop, decidedBy: "score" } });
    const fixedBefore = (await t.data<Data & { impact: { fixed: number } }>("/app/settings?threshold=1000&preview=1", ROUTE)).body.impact.fixed;
    await db.orderScreening.update({ where: { id: decided.id }, data: { decidedBy: "staff", verdict: "ship", score: 1000 } });
    const staff = (await t.data<Data & { impact: { fixed: number } }>("/app/settings?threshold=1000&preview=1", ROUTE)).body.impact;
    expect(staff.approved).toBe(rows.filter((r) => r.decidedBy === "allow_list" || (r.decidedBy === "score" && r.score < 1000)).length + (decided.score < 1000 ? 0 : 1));
    expect(staff.fixed).toBe(fixedBefore + 1);
    await db.orderScreening.update({ where: { id: decided.id }, data: { decidedBy: "staff", verdict: "hold", score: 0 } });
    expect((await t.data<Data>("/app/settings?threshold=1000&preview=1", ROUTE)).body.impact.approved).toBe(staff.approved - 1);
    await db.orderScreening.update({ where: { id: decided.id }, data: { decidedBy: decided.decidedBy, verdict: decided.verdict, score: decided.score } });
    // Another shop's orders never count.
    expect((await t.data<Data>("/app/settings", ROUTE, { shop: t.other })).body.impact.orders).toBe(0);
    for (const bad of ["0", "1001", "abc", "9.5"]) expect((await t.data(`/app/settings?threshold=${bad}`, ROUTE)).status, bad).toBe(400);
  });

  it("refuses invalid settings with a 400 and a message per field, saving nothing", async () => {
    const before = await get().db.shop.findUniqueOrThrow({ where: { shop: t.shop } });
    const res = await t.post<{ ok: boolean; errors: Record<string, string> }>("/app/settings", ROUTE, {
      ...valid, holdThreshold: "5000", shipTag: "a,b", holdTag: "x".repeat(41), autoCancelScore: "-1", thinDataPolicy: "ship", evidenceSubmitDays: "500", extendedReview: "maybe",
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual({
      holdThreshold: "settings.error.threshold", shipTag: "settings.error.tag_comma", holdTag: "settings.error.tag_length",
      autoCancelScore: "settings.error.auto_cancel_score", thinDataPolicy: "settings.error.thin_data", evidenceSubmitDays: "settings.error.evidence_days",
      extendedReview: "settings.error.on_off",
    });
    const same = await t.post<{ errors: Record<string, string> }>("/app/settings", ROUTE, { ...valid, shipTag: "Review", holdTag: " review " });
    expect(same.status).toBe(400);
    expect(same.body.errors).toEqual({ holdTag: "settings.error.tags_same" });
    // Neither tag may take the other verdict's default name (the store actions remove it under that name too).
    const shipAsHold = await t.post<{ errors: Record<string, string> }>("/app/settings", ROUTE, { ...valid, shipTag: " HoldFast:Hold ", holdTag: "review" });
    expect([shipAsHold.status, shipAsHold.body.errors]).toEqual([400, { shipTag: "settings.error.ship_tag_is_hold" }]);
    const holdAsShip = await t.post<{ errors: Record<string, string> }>("/app/settings", ROUTE, { ...valid, shipTag: "ok", holdTag: "holdfast:SHIP" });
    expect([holdAsShip.status, holdAsShip.body.errors]).toEqual([400, { holdTag: "settings.error.hold_tag_is_ship" }]);
    const missing = await t.post<{ errors: Record<string, string> }>("/app/settings", ROUTE, { intent: "save" });
    expect(missing.status).toBe(400);
    expect(Object.keys(missing.body.errors).length).toBeGreaterThanOrEqual(9);
    expect((await t.post("/app/settings", ROUTE, { intent: "nope" })).status).toBe(400);
    const after = await get().db.shop.findUniqueOrThrow({ where: { shop: t.shop } });
    expect(after).toEqual(before);
    expect(await get().db.auditEvent.count({ where: { shop: t.shop, kind: "settings_changed" } })).toBe(0);
  });

  it("saves valid settings, audits old -> new with the staff member, and the pipeline uses the tag names", async () => {
    const res = await t.post<{ ok: boolean; changed: string[] }>("/app/settings", ROUTE, {
      ...valid, holdThreshold: "400", shipTag: " ok-to-ship ", holdTag: "needs-review", extendedReview: "true", evidenceSubmitDays: "3", autoCancelScore: "990",
    });
    expect(res.status).toBe(200);
    expect(res.body.changed.sort()).toEqual(["autoCancelScore", "evidenceSubmitDays", "extendedReview", "holdTag", "holdThreshold", "shipTag"]);
    const row = await get().db.shop.findUniqueOrThrow({ where: { shop: t.shop } });
    expect(row).toMatchObject({ holdThreshold: 400, shipTag: "ok-to-ship", holdTag: "needs-review", extendedReview: true, evidenceSubmitDays: 3, autoCancelScore: 990, autoCancel: false });
    const audit = await get().db.auditEvent.findFirstOrThrow({ where: { shop: t.shop, kind: "settings_changed" } });
    expect(audit.actor).toBe(`staff:${sub()}`);
    expect(audit.message).toContain("holdThreshold default → 400");
    expect(audit.message).toContain("shipTag default → ok-to-ship");
    // Saving the same again changes nothing and audits nothing more.
    const again = await t.post<{ changed: string[] }>("/app/settings", ROUTE, {
      ...valid, holdThreshold: "400", shipTag: "ok-to-ship", holdTag: "needs-review", extendedReview: "true", evidenceSubmitDays: "3", autoCancelScore: "990",
    });
    expect(again.body.changed).toEqual([]);
    expect(await get().db.auditEvent.count({ where: { shop: t.shop, kind: "settings_changed" } })).toBe(1);
    // The other shop is untouched.
    expect(await get().db.shop.findUniqueOrThrow({ where: { shop: t.other } })).toMatchObject({ holdThreshold: null, shipTag: null, holdTag: null });

    // A good order now gets the shop's own approved tag in the store.
    const [id] = await t.placeOrders(mixedOrders(3, 77, 0).map((o) => o.draft).slice(0, 1));
    await t.settle();
    const screening = await get().db.orderScreening.findUniqueOrThrow({ where: { shop_orderId: { shop: t.shop, orderId: id! } } });
    expect(screening.threshold).toBe(400);
    const tags = t.emulator.shop(t.shop).requireOrder(Number(id)).tags;
    expect(tags).toContain(screening.verdict === "ship" ? "ok-to-ship" : "needs-review");
    expect(tags).not.toContain("holdfast:ship");
    expect(tags).not.toContain("holdfast:hold");
  });

  it("adds list entries validated per kind, refuses duplicates, and the next screening holds a block-listed email", async () => {
    const add = (form: Record<string, string>, shop?: string) => t.post<{ ok: boolean; errors?: Record<string, string> }>("/app/settings", ROUTE, { intent: "add_entry", ...form }, { shop });
    const email = "Blocked.Buyer@Example.com";
    const ok = await add({ list: "block", kind: "email", value: ` ${email} `, note: "chargeback last year" });
    expect(ok.status).toBe(200);
    expect((await add({ list: "block", kind: "email", value: email.toLowerCase() })).body.errors).toEqual({ value: "settings.list.error.duplicate" });
    expect((await add({ list: "allow", kind: "email", value: email })).body.errors).toEqual({ value: "settings.list.error.on_other_list" });
    expect((await add({ list: "block", kind: "email", value: "nope" })).body.errors).toEqual({ value: "settings.list.error.email" });
    expect((await add({ list: "block", kind: "phone", value: "12345" })).body.errors).toEqual({ value: "settings.list.error.phone" });
    expect((await add({ list: "block", kind: "ip", value: "1.2.3.999" })).body.errors).toEqual({ value: "settings.list.error.ip" });
    expect((await add({ list: "block", kind: "card", value: "4111" })).body.errors).toEqual({ value: "settings.list.error.card" });
    expect((await add({ list: "block", kind: "address", country: "Japan", address1: "x" })).body.errors).toEqual({ country: "settings.list.error.address_country" });
    expect((await add({ list: "maybe", kind: "email", value: "a@b.co" })).body.errors).toEqual({ list: "settings.list.error.list" });
    expect((await add({ list: "block", kind: "ssn", value: "1" })).status).toBe(400);
    expect((await add({ list: "allow", kind: "phone", value: "+81 90 1234 5678" })).status).toBe(200);
    expect((await add({ list: "block", kind: "ip", value: "2001:DB8::0:1" })).status).toBe(200);
    const entries = await get().db.listEntry.findMany({ where: { shop: t.shop }, orderBy: { createdAt: "asc" } });
    expect(entries.map((e) => `${e.list}:${e.kind}:${e.value}`)).toEqual(["block:email:blocked.buyer@example.com", "allow:phone:+819012345678", "block:ip:2001:db8::1"]);
    const audits = await get().db.auditEvent.findMany({ where: { shop: t.shop, kind: "list_changed", actor: `staff:${sub()}` }, orderBy: { createdAt: "asc" } });
    expect(audits.map((a) => a.message)).toEqual(["block list: email b…@example.com added", "allow list: phone …5678 added", "block list: ip 2001… added"]);
    // The audit log names entries without the personal data itself.
    expect(audits.some((a) => a.message.includes("blocked.buyer"))).toBe(false);
    expect(await get().db.listEntry.count({ where: { shop: t.other } })).toBe(0);

    // An order from the block-listed email (otherwise a good one) is held by the list, tagged with the shop's hold tag.
    const draft = { ...mixedOrders(1, 99, 0)[0]!.draft, email };
    const [id] = await t.placeOrders([draft]);
    await t.settle();
    const s = await get().db.orderScreening.findUniqueOrThrow({ where: { shop_orderId: { shop: t.shop, orderId: id! } } });
    expect(s).toMatchObject({ verdict: "hold", decidedBy: "block_list" });
    expect(t.emulator.shop(t.shop).requireOrder(Number(id)).tags).toContain("needs-review");

    // Removing: another shop's entry is a 404; its own entry goes, audited.
    const entry = entries[0]!;
    expect((await t.post("/app/settings", ROUTE, { intent: "remove_entry", id: entry.id }, { shop: t.other })).status).toBe(404);
    expect((await t.post("/app/settings", ROUTE, { intent: "remove_entry", id: "not an id" })).status).toBe(404);
    expect((await t.post("/app/settings", ROUTE, { intent: "remove_entry", id: entry.id })).status).toBe(200);
    expect(await get().db.listEntry.count({ where: { shop: t.shop } })).toBe(2);
    const loaded = await t.data<Data>("/app/settings", ROUTE);
    expect(loaded.body.lists.entries.map((e) => e.kind).sort()).toEqual(["ip", "phone"]);
  });

  it("renders the page in Japanese, saying extended review is not built yet", async () => {
    const html = await (await fetch(t.documentUrl("/app/settings", { locale: "ja" }), { headers: { "User-Agent": "Mozilla/5.0 Chrome/140.0" } })).text();
    const page = html.replace(/<script[\s\S]*?<\/script>/g, "");
    expect(page).toContain("拡張レビューの提供開始後に有効になります");
    expect(page).toContain("保証手数料率");
    expect(page).not.toContain("Extended review");
  });
});
