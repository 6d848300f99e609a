// Debian's Chromium driven by playwright-core (never a browser download), launched with the flags
// of the platform notes. Tests that need it are skipped, and say so, when no Chromium is installed
// (`.ci/run` installs it: `apt-get install -y chromium`). Requests that would leave the machine are
// refused and recorded, so a test can check that nothing was fetched from outside.
import { existsSync } from "node:fs";
import { describe } from "vitest";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { BROWSER_UA } from "./admin-app";

export const CHROMIUM = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p): p is string => Boolean(p && existsSync(p)));

/**
 * `describe` for a browser suite: skipped (and reported so) without Chromium on a newcomer's
 * machine; under CI, where `.ci/run` installs it, it runs and a missing Chromium fails it.
 */
export const browserSuite = CHROMIUM || process.env.CI ? describe : describe.skip;

export const CHROMIUM_FLAGS = [
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
];

export interface TestBrowser {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** URLs the page tried to fetch from outside 127.0.0.1 (refused). */
  external: string[];
  close(): Promise<void>;
}

export async function openBrowser(opts: { locale?: string } = {}): Promise<TestBrowser> {
  if (!CHROMIUM) throw new Error("no Chromium installed (apt-get install -y chromium)");
  // Playwright gives the browser a fresh, empty profile (user data dir) of its own.
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  // The library turns bot user agents (HeadlessChrome) away with 410: an ordinary desktop one.
  const context = await browser.newContext({ userAgent: BROWSER_UA, viewport: { width: 1280, height: 900 }, locale: opts.locale ?? "en-US" });
  const external: string[] = [];
  await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => {
    external.push(route.request().url());
    return route.abort("blockedbyclient");
  });
  const page = await context.newPage();
  return {
    browser, context, page, external,
    async close() {
      await browser.close();
    },
  };
}
