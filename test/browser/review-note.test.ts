// The review queue and the dashboard in a real browser (see staff-pages.test.ts for the set-up):
// after an action the queue says what was done and the "why" note starts empty again (the note went
// with that action only); the per-day chart's days read as numeric month/day, not cut ("11月…").
import { afterAll, beforeAll, expect, it } from "vitest";
import { translate, type MessageKey } from "../../app/i18n";
import { createTestDb, type TestDb } from "../support/db";
import { seedShop, startAdminApp, type AdminApp, type SeededShop } from "../support/admin-app";
import { browserSuite, openBrowser, type TestBrowser } from "../support/browser";

const en = (key: MessageKey, vars?: Record<string, string | number>) => translate("en", key, vars);

browserSuite("review queue note and chart days in Chromium", { timeout: 60_000 }, () => {
  let testDb: TestDb & { drop: () => Promise<void> };
  let t: AdminApp;
  let seed: SeededShop;
  let b: TestBrowser;

  beforeAll(async () => {
    testDb = await createTestDb("sqlite");
    t = await startAdminApp(testDb.db, testDb.url, { shop: "holdfast-browser-review.myshopify.com" });
    seed = await seedShop(t, testDb.db, 20);
    b = await openBrowser();
  }, 180_000);
  afterAll(async () => {
    await b?.close();
    await t?.stop();
    await testDb?.drop();
  });

  async function open(pathname: string, locale?: string) {
    const res = await b.page.goto(t.documentUrl(pathname, { locale }));
    expect(res?.status()).toBe(200);
    await b.page.waitForLoadState("networkidle");
  }

  it("says what a decline did and clears the note after it", async () => {
    expect(seed.held.length).toBeGreaterThan(0);
    await open("/app/review");
    const note = b.page.getByLabel(en("staff.action.note"));
    await note.fill("checked with the customer");
    await note.blur();
    await b.page.keyboard.press("d"); // decline the focused (oldest) order
    await expect.poll(() => b.page.getByText(en("staff.result.bulk.decline", { count: 1 })).count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await note.inputValue()).toBe("");
    // The note went with the action.
    const audit = await testDb.db.auditEvent.findFirstOrThrow({ where: { shop: t.shop, actor: { startsWith: "staff" }, message: { contains: "checked with the customer" } } });
    expect(audit.orderId).not.toBeNull();
  });

  it("labels the per-day chart's days as numeric month/day on a Japanese page", async () => {
    await open("/app", "ja");
    await expect.poll(() => b.page.locator("svg text").count(), { timeout: 10_000 }).toBeGreaterThan(5);
    const texts = (await b.page.locator("svg text").allTextContents()).map((s) => s.trim());
    // Polaris Viz may show every other day: some labels, each numeric month/day, none with a month name.
    expect(texts.filter((s) => /^(1[0-2]|[1-9])\/([1-9]|[12]\d|3[01])$/.test(s)).length).toBeGreaterThan(3);
    expect(texts.some((s) => s.includes("月"))).toBe(false);
  });
});
