// What an embedded-auth request may carry before the Shopify library sees it
// (app/shopify/auth-requests.ts), and the library's log lines (app/shopify/library-log.ts).
// The same attacks through the built app: test/server/auth-routes.test.ts.
import { describe, expect, it } from "vitest";
import { LogSeverity } from "@shopify/shopify-app-remix/server";
import { mintSessionToken } from "../../emulator/session-token";
import { isAppUrl, isExitIframeDestination, isShopDest, refuseAdminRequest } from "../../app/shopify/auth-requests";
import { libraryLogLine, oneLine } from "../../app/shopify/library-log";

const APP = "https://holdfast.test";
const SHOP = "auth-shop.myshopify.com";

describe("exitIframe destinations", () => {
  it.each<[string, boolean]>([
    // What the library itself sends (redirectWithExitIframe): a path of the app.
    [`/auth?shop=${SHOP}&host=YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvYXV0aC1zaG9w`, true],
    ["/app", true],
    [`${APP}/app?x=1`, true],
    [APP, true],
    // The shop's own admin, either form.
    [`https://${SHOP}/admin`, true],
    [`https://${SHOP}/admin/apps/holdfast`, true],
    ["https://admin.shopify.com/store/auth-shop", true],
    ["https://admin.shopify.com/store/auth-shop/apps/holdfast", true],
    // Anything else.
    ["https://evil.example", false],
    ["https://evil.example/admin", false],
    ["//evil.example/app", false],
    ["/\\evil.example", false],
    ["\\\\evil.example", false],
    ["/\t/evil.example", false],
    [" /app", false],
    ["javascript:alert(1)", false],
    ["data:text/html,<script>alert(1)</script>", false],
    ["http://holdfast.test/app", false],
    ["https://holdfast.test.evil.example/app", false],
    ["https://holdfast.test@evil.example/app", false],
    ["https://user@holdfast.test/app", false],
    ["https://holdfast.test:8443/app", false],
    ["app", false],
    ["?shop=x", false],
    [`https://${SHOP}/`, false],
    [`https://${SHOP}/administrator`, false],
    [`https://${SHOP}:444/admin`, false],
    [`http://${SHOP}/admin`, false],
    ["https://other-shop.myshopify.com/admin", false],
    [`https://${SHOP}.evil.example/admin`, false],
    ["https://admin.shopify.com/store/other-shop", false],
    ["https://admin.shopify.com/store/auth-shop-2", false],
    ["https://admin.shopify.com/", false],
    ["", false],
  ])("%j is %s", (value, ok) => {
    expect(isExitIframeDestination(value, SHOP, APP)).toBe(ok);
  });

  it("a path of the app is never another origin, whatever follows the slash", () => {
    for (const value of ["/%2F%2Fevil.example", "/.evil.example", "/@evil.example", "/:evil"]) {
      expect(isAppUrl(value, APP), value).toBe(true);
      expect(new URL(value, APP).origin).toBe(APP);
    }
  });
});

describe("a session token's dest", () => {
  it.each<[string, boolean]>([
    [`https://${SHOP}`, true],
    [`https://${SHOP}/`, true],
    ["https://evil.example", false],
    ["not a url", false],
    [`http://${SHOP}`, false],
    [`https://${SHOP}/admin`, false],
    [`https://${SHOP}:444`, false],
    [`https://x@${SHOP}`, false],
    [`https://${SHOP}?a=1`, false],
    ["https://AUTH-SHOP.myshopify.com", false],
    ["https://*.myshopify.com", false],
    ["", false],
  ])("%j is %s", (dest, ok) => {
    expect(isShopDest(dest)).toBe(ok);
  });
});

describe("refuseAdminRequest", () => {
  const token = (dest: string | undefined) => mintSessionToken({ shop: SHOP, apiKey: "k", apiSecret: "s", overrides: { dest } });
  const refuse = (path: string, headers: Record<string, string> = {}) => refuseAdminRequest(new Request(`http://127.0.0.1${path}`, { headers }), APP);

  it("lets through what Shopify and the library send", () => {
    expect(refuse(`/auth/session-token?shop=${SHOP}&host=x&shopify-reload=${encodeURIComponent(`${APP}/app?shop=${SHOP}`)}`)).toBeUndefined();
    expect(refuse(`/auth/exit-iframe?shop=${SHOP}&exitIframe=${encodeURIComponent(`/auth?shop=${SHOP}`)}`)).toBeUndefined();
    expect(refuse(`/app?embedded=1&shop=${SHOP}&host=x&id_token=${token(`https://${SHOP}`)}`)).toBeUndefined();
    expect(refuse("/app", { Authorization: `Bearer ${token(`https://${SHOP}`)}` })).toBeUndefined();
    // Not a token the library can read either: the library refuses it (bounce page or 401).
    expect(refuse("/app", { Authorization: "Bearer garbage" })).toBeUndefined();
    expect(refuse("/app")).toBeUndefined();
  });

  it.each<[string, string, Record<string, string>, number]>([
    ["a shop that is not a myshopify domain on the bounce page", "/auth/session-token?shop=*", {}, 400],
    ["no shop on the bounce page", "/auth/session-token", {}, 400],
    ["no shop on exit-iframe", "/auth/exit-iframe?exitIframe=/app", {}, 400],
    ["a line break in shop", `/app?shop=${encodeURIComponent(`${SHOP}\n[shopify-app/INFO] forged`)}`, { Authorization: "Bearer x" }, 400],
    ["an empty shop", "/app?shop=", {}, 400],
    ["exitIframe to another site", `/auth/exit-iframe?shop=${SHOP}&exitIframe=https://evil.example`, {}, 400],
    ["no exitIframe", `/auth/exit-iframe?shop=${SHOP}`, {}, 400],
    ["shopify-reload to another site", `/auth/session-token?shop=${SHOP}&shopify-reload=https://evil.example/app`, {}, 400],
    ["a token for no shop, as a header", "/app", { Authorization: `Bearer ${token("https://evil.example")}` }, 401],
    ["a token whose dest is not a URL", "/app", { Authorization: `Bearer ${token("not a url")}` }, 401],
    ["a token without dest", "/app", { Authorization: `Bearer ${token(undefined)}` }, 401],
    ["a token for no shop, as id_token", `/app?embedded=1&shop=${SHOP}&host=x&id_token=${token("https://evil.example")}`, {}, 401],
  ])("refuses %s", (_what, path, headers, status) => {
    expect(refuse(path, headers)?.status).toBe(status);
  });

  it("never echoes the value it refuses (the library's error boundary renders the text as HTML)", () => {
    const refused = refuse(`/auth/exit-iframe?shop=${SHOP}&exitIframe=${encodeURIComponent("https://x/<img src=x onerror=alert(1)>")}`);
    expect(refused?.reason).not.toMatch(/[<>]|onerror/);
  });
});

describe("the library's log lines", () => {
  it("are one JSON line whatever the message holds", () => {
    const message = "[shopify-app/INFO] Authenticating admin request | {shop: a.myshopify.com\n[shopify-app/INFO] forged\r\u2028\u0085\u001b[31m}";
    const { method, line } = libraryLogLine(LogSeverity.Info, message);
    expect(method).toBe("log");
    for (const c of ["\n", "\r", "\u2028", "\u2029", "\u0085", "\u001b"]) expect(line).not.toContain(c);
    expect(JSON.parse(line)).toEqual({ event: "shopify_library", severity: "info", message });
  });

  it.each<[LogSeverity, string]>([
    [LogSeverity.Error, "error"],
    [LogSeverity.Warning, "warn"],
    [LogSeverity.Info, "log"],
    [LogSeverity.Debug, "debug"],
  ])("severity %s is written with console.%s", (severity, method) => {
    expect(libraryLogLine(severity, "m").method).toBe(method);
  });

  it("escapes what JSON leaves raw", () => {
    expect(oneLine("a\u2029b\u007fc")).toBe('"a\\u2029b\\u007fc"');
  });
});
