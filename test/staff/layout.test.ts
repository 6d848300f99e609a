// The embedded layout: authenticated, in the admin user's language, App Bridge from the configured
// URL (the emulator's stand-in here), and the bounce page that reloads with a fresh session token.
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDb } from "../support/db";
import { BROWSER_UA, startAdminApp, type AdminApp } from "../support/admin-app";
import { APP_BRIDGE_STUB_JS } from "../../emulator/app-bridge-stub";

describeEachDb("embedded layout", (get) => {
  let t: AdminApp;
  beforeAll(async () => {
    t = await startAdminApp(get().db, get().url);
  }, 120_000);
  afterAll(() => t?.stop());

  it("renders the navigation in the admin user's language and loads App Bridge from the configured URL", async () => {
    const ja = await fetch(t.documentUrl("/app", { locale: "ja-JP" }), { headers: { "User-Agent": BROWSER_UA } });
    expect(ja.status).toBe(200);
    const html = await ja.text();
    expect(html).toContain("審査キュー");
    expect(html).toContain(`src="${t.store.baseUrl}/app-bridge.js"`);
    expect(html).not.toContain("cdn.shopify.com/shopifycloud/app-bridge.js");
    const en = await (await fetch(t.documentUrl("/app"), { headers: { "User-Agent": BROWSER_UA } })).text();
    expect(en).toContain("Review queue");
  });

  it("refuses a page without a session token (bounce page) and the bounce page loads the stand-in", async () => {
    const url = new URL(t.documentUrl("/app"));
    url.searchParams.delete("id_token");
    const res = await fetch(url, { headers: { "User-Agent": BROWSER_UA }, redirect: "manual" });
    expect(res.status).toBe(302);
    const bounce = res.headers.get("location")!;
    expect(bounce).toContain("/auth/session-token");
    const page = await fetch(new URL(bounce, t.app.baseUrl), { headers: { "User-Agent": BROWSER_UA } });
    expect(await page.text()).toContain(`${t.store.baseUrl}/app-bridge.js`);
  });

  it("the emulator serves the stand-in and mints session tokens for installed shops only", async () => {
    const js = await fetch(`${t.store.baseUrl}/app-bridge.js`);
    expect(await js.text()).toBe(APP_BRIDGE_STUB_JS);
    const token = await fetch(`${t.store.baseUrl}/app-bridge/session-token?shop=${t.shop}`);
    expect(token.status).toBe(200);
    const { token: jwt } = (await token.json()) as { token: string };
    // The minted token authenticates a data request, as App Bridge's fetch would send it.
    const res = await fetch(new URL("/app?_data=routes/app", t.app.baseUrl), { headers: { "User-Agent": BROWSER_UA, Authorization: `Bearer ${jwt}` } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { locale: string }).locale).toBe("en");
    expect((await fetch(`${t.store.baseUrl}/app-bridge/session-token?shop=nope.myshopify.com`)).status).toBe(404);
  });

  it("refuses a data request without a session token", async () => {
    const res = await fetch(new URL("/app?_data=routes/app", t.app.baseUrl), { headers: { "User-Agent": BROWSER_UA } });
    expect([401, 302, 204]).toContain(res.status);
    expect(res.status).not.toBe(200);
  });
});
