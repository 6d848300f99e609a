// The staff pages in a real browser: Debian's Chromium driven by playwright-core, the built app with
// its worker, the store emulator, and App Bridge's stand-in (served by the emulator, minting fresh
// session tokens), so nothing is fetched from outside. Orders and disputes go through the real
// webhooks first, so every page shows what the pipeline recorded. Screenshots of each page are
// saved as artefacts under .cache/artifacts/screenshots/; with UPDATE_SCREENSHOTS=1 they also
// replace the ones committed under docs/screenshots/ (shown in the README).
import { copyFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { translate, type MessageKey } from "../../app/i18n";
import { createTestDb, type TestDb } from "../support/db";
import { seedShop, startAdminApp, type AdminApp, type SeededShop } from "../support/admin-app";
import { browserSuite, openBrowser, type TestBrowser } from "../support/browser";

const en = (key: MessageKey, vars?: Record<string, string | number>) => translate("en", key, vars);
const ja = (key: MessageKey, vars?: Record<string, string | number>) => translate("ja", key, vars);
const ARTIFACTS = path.resolve(".cache/artifacts/screenshots");
const DOCS = path.resolve("docs/screenshots");


browserSuite("staff pages in Chromium", { timeout: 60_000 }, () => {
  let testDb: TestDb & { drop: () => Promise<void> };
  let t: AdminApp;
  let seed: SeededShop;
  let b: TestBrowser;
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    testDb = await createTestDb("sqlite");
    t = await startAdminApp(testDb.db, testDb.url, { shop: "holdfast-browser.myshopify.com" });
    seed = await seedShop(t, testDb.db, 30);
    b = await openBrowser();
    b.page.on("pageerror", (e) => pageErrors.push(e.message));
    // A chart that cannot draw says so only on the console (e.g. a negative <rect> height).
    b.page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 180_000);
  afterAll(async () => {
    await b?.close();
    await t?.stop();
    await testDb?.drop();
  });

  const page = () => b.page;
  const title = () => page().locator("ui-title-bar").first().getAttribute("title");
  async function open(pathname: string, opts: { locale?: string; ttlSeconds?: number } = {}) {
    let url = t.documentUrl(pathname, { locale: opts.locale });
    if (opts.ttlSeconds) url = url.replace(/id_token=[^&]+/, `id_token=${t.emulator.sessionToken(t.shop, { ttlSeconds: opts.ttlSeconds })}`);
    const res = await page().goto(url);
    expect(res?.status()).toBe(200);
    await page().waitForLoadState("networkidle");
  }
  async function nav(label: string, expectedTitle: string) {
    await page().locator("nav[aria-label=Holdfast]").getByText(label, { exact: true }).click();
    await expect.poll(title, { timeout: 15_000 }).toBe(expectedTitle);
    await page().waitForLoadState("networkidle");
    // The stand-in's bar highlights the page it is on.
    await expect.poll(() => page().locator("nav[aria-label=Holdfast] a[aria-current=page]").innerText()).toBe(label);
  }
  async function shot(name: string) {
    const file = path.join(ARTIFACTS, `${name}.png`);
    await page().screenshot({ path: file, fullPage: true });
    if (process.env.UPDATE_SCREENSHOTS) {
      mkdirSync(DOCS, { recursive: true });
      copyFileSync(file, path.join(DOCS, `${name}.png`));
    }
  }
  async function noErrorPage() {
    const text = await page().locator("body").innerText();
    expect(text).not.toMatch(/Application Error|Unexpected Server Error|404 Not Found/);
    // No raw JSON on a page.
    expect(text).not.toMatch(/[{[]\s*"[a-zA-Z_]+"\s*:/);
  }

  it("loads the dashboard with the pipeline's figures and charts", async () => {
    await open("/app");
    expect(await title()).toBe(en("dash.title"));
    await noErrorPage();
    // Polaris Viz draws its charts on the client.
    await expect.poll(() => page().locator("svg").count(), { timeout: 10_000 }).toBeGreaterThan(2);
    await shot("dashboard");
  });

  it("lists the orders, paginated on the server", async () => {
    await nav(en("nav.orders"), en("orders.title"));
    await noErrorPage();
    expect(await page().locator("tbody tr").count()).toBeGreaterThan(5);
    await shot("orders");
  });

  it("shows the review queue and opens a held order's receipt", async () => {
    expect(seed.held.length).toBeGreaterThan(0);
    await nav(en("nav.review"), en("staff.review.title"));
    await noErrorPage();
    await shot("review-queue");
    const oldest = await testDb.db.orderScreening.findFirstOrThrow({ where: { shop: t.shop, verdict: "hold" }, orderBy: { orderCreatedAt: "asc" } });
    await page().getByRole("link", { name: oldest.orderName ?? oldest.orderId }).first().click();
    await expect.poll(title, { timeout: 15_000 }).toBe(en("staff.receipt.title", { name: oldest.orderName ?? oldest.orderId }));
    await page().waitForLoadState("networkidle");
    await noErrorPage();
    await shot("receipt");
  });

  it("approves the held order: it is tagged for shipping and its hold released in the store", async () => {
    const orderId = new URL(page().url()).pathname.split("/").pop()!;
    const order = () => t.emulator.shop(t.shop).requireOrder(Number(orderId));
    expect(order().tags).toContain("holdfast:hold");
    expect(order().fulfillmentOrders.some((fo) => fo.holds.length > 0)).toBe(true);
    // The warning is on the page before the click, and in the confirmation.
    await expect.poll(() => page().getByText(en("staff.approve.warning")).count()).toBeGreaterThan(0);
    await page().getByRole("button", { name: en("staff.action.approve"), exact: true }).click();
    await page().getByRole("dialog").getByRole("button", { name: en("staff.approve.confirm") }).click();
    await expect.poll(() => order().tags.includes("holdfast:ship") && !order().tags.includes("holdfast:hold"), { timeout: 30_000 }).toBe(true);
    await expect.poll(() => order().fulfillmentOrders.every((fo) => fo.holds.length === 0), { timeout: 30_000 }).toBe(true);
    const audit = await testDb.db.auditEvent.findFirst({ where: { shop: t.shop, orderId, actor: { startsWith: "staff:" } } });
    expect(audit).not.toBeNull();
    await page().reload();
    await page().waitForLoadState("networkidle");
    await shot("receipt-approved");
  });

  it("opens the claims page and a claim", async () => {
    expect(seed.disputes.length).toBe(2);
    await nav(en("nav.claims"), en("claims.title"));
    await noErrorPage();
    expect(await page().locator("tbody tr").count()).toBeGreaterThanOrEqual(2);
    await shot("claims");
    const claim = await testDb.db.claim.findFirstOrThrow({ where: { shop: t.shop, state: "approved" } });
    await page().locator(`a[href^="/app/claims/${claim.id}"]`).first().click();
    await expect.poll(() => page().url(), { timeout: 15_000 }).toContain(`/app/claims/${claim.id}`);
    await page().waitForLoadState("networkidle");
    await noErrorPage();
    await shot("claim-detail");
  });

  it("opens the settings and the failed work", async () => {
    await nav(en("nav.settings"), en("settings.title"));
    await noErrorPage();
    await shot("settings");
    await nav(en("nav.failed"), en("failed.title"));
    await noErrorPage();
    await shot("failed-work");
  });

  it("speaks Japanese: the admin's locale, and the switch", async () => {
    await open("/app", { locale: "ja" });
    expect(await title()).toBe(ja("dash.title"));
    await noErrorPage();
    await expect.poll(() => page().locator("nav[aria-label=Holdfast]").innerText()).toContain(ja("nav.review"));
    await shot("dashboard-ja");
    const pages = [
      ["review-queue-ja", ja("nav.review"), ja("staff.review.title")], ["claims-ja", ja("nav.claims"), ja("claims.title")],
      ["settings-ja", ja("nav.settings"), ja("settings.title")], ["orders-ja", ja("nav.orders"), ja("orders.title")],
    ] as const;
    for (const [name, label, expected] of pages) {
      await nav(label, expected);
      await noErrorPage();
      const text = await page().locator("body").innerText();
      // No English sentence on a Japanese page (names, ids, emails and codes aside).
      expect(text.match(/\b[A-Za-z]{2,}(?: [A-Za-z]{2,}){2,}\b/g) ?? [], expected).toEqual([]);
      await shot(name);
    }
    // The switch at the foot of every page, back to English and again to Japanese.
    await page().getByRole("combobox", { name: ja("common.language") }).selectOption("en");
    await expect.poll(title).toBe(en("orders.title"));
    await page().getByRole("combobox", { name: en("common.language") }).selectOption("ja");
    await expect.poll(title).toBe(ja("orders.title"));
    await page().getByRole("combobox", { name: ja("common.language") }).selectOption("en");
    await expect.poll(title).toBe(en("orders.title"));
  });

  it("keeps working past the session token's expiry (the stand-in mints fresh ones)", async () => {
    await open("/app", { ttlSeconds: 2 });
    await page().waitForTimeout(3_000);
    await nav(en("nav.orders"), en("orders.title"));
    await noErrorPage();
    expect(await page().locator("tbody tr").count()).toBeGreaterThan(5);
  });

  it("fetched nothing from outside and threw no script error", () => {
    expect(b.external).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
