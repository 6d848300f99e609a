import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../emulator/clock.js";
import { ShopifyEmulator } from "../../emulator/emulator.js";
import { adminGraphql } from "../../emulator/helpers.js";
import { verifySessionToken } from "../../emulator/session-token.js";

const SHOP = "oauth.myshopify.com";

function setup() {
  const clock = new ManualClock();
  const emulator = new ShopifyEmulator({ clock, apiKey: "key-123", apiSecret: "secret-456" });
  emulator.createShop(SHOP);
  const token = (body: Record<string, string>, asJson = true) =>
    emulator.fetch(`https://${SHOP}/admin/oauth/access_token`, {
      method: "POST",
      headers: { "content-type": asJson ? "application/json" : "application/x-www-form-urlencoded", accept: "application/json" },
      body: asJson ? JSON.stringify(body) : new URLSearchParams(body).toString(),
    });
  const exchange = (subject: string) =>
    token({
      client_id: "key-123",
      client_secret: "secret-456",
      grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
      subject_token: subject,
      subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
      requested_token_type: "urn:shopify:params:oauth:token-type:offline-access-token",
      expiring: "1",
    });
  const refresh = (refreshToken: string) => token({ client_id: "key-123", client_secret: "secret-456", grant_type: "refresh_token", refresh_token: refreshToken }, false);
  return { clock, emulator, exchange, refresh };
}

interface Grant {
  access_token: string;
  scope: string;
  expires_in: number;
  refresh_token: string;
  refresh_token_expires_in: number;
}

describe("session tokens", () => {
  it("mints HS256 JWTs with Shopify's claims, signed with the app secret", () => {
    const { emulator, clock } = setup();
    const jwt = emulator.sessionToken(SHOP, { userId: 7 });
    const [header, payload, signature] = jwt.split(".") as [string, string, string];
    expect(JSON.parse(Buffer.from(header, "base64url").toString())).toEqual({ alg: "HS256", typ: "JWT" });
    expect(createHmac("sha256", "secret-456").update(`${header}.${payload}`).digest("base64url")).toBe(signature);
    const now = clock.now() / 1000;
    expect(JSON.parse(Buffer.from(payload, "base64url").toString())).toMatchObject({ iss: `https://${SHOP}/admin`, dest: `https://${SHOP}`, aud: "key-123", sub: "7", iat: now, nbf: now, exp: now + 60 });
    expect(verifySessionToken(jwt, "key-123", "secret-456", now).ok).toBe(true);
    expect(verifySessionToken(jwt, "key-123", "wrong", now)).toEqual({ ok: false, reason: "bad signature" });
    expect(verifySessionToken(jwt, "other-key", "secret-456", now)).toEqual({ ok: false, reason: "audience mismatch" });
    expect(verifySessionToken(jwt, "key-123", "secret-456", now + 120)).toEqual({ ok: false, reason: "token expired" });
  });
});

describe("token exchange and refresh", () => {
  it("exchanges a session token for an expiring offline token that authorises GraphQL", async () => {
    const { emulator, exchange, clock } = setup();
    const res = await exchange(emulator.sessionToken(SHOP));
    expect(res.status).toBe(200);
    const grant = (await res.json()) as Grant;
    expect(grant).toEqual({ access_token: expect.stringMatching(/^shpat_/), scope: emulator.scopes.join(","), expires_in: 3600, refresh_token: expect.stringMatching(/^shprt_/), refresh_token_expires_in: 7_776_000 });
    expect((await adminGraphql(emulator, SHOP, grant.access_token, "{ shop { name } }")).status).toBe(200);
    clock.advance(3600 * 1000);
    expect((await adminGraphql(emulator, SHOP, grant.access_token, "{ shop { name } }")).status).toBe(401);
  });

  it("rejects a session token signed with another secret or meant for another shop", async () => {
    const { emulator, exchange } = setup();
    const forged = emulator.sessionToken(SHOP).split(".").slice(0, 2).join(".") + ".AAAA";
    const bad = await exchange(forged);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: "invalid_subject_token" });
    expect((await exchange(emulator.sessionToken("elsewhere.myshopify.com"))).status).toBe(400);
  });

  it("rotates the refresh token; the old one stays valid until the new one is used", async () => {
    const { emulator, exchange, refresh } = setup();
    const first = (await (await exchange(emulator.sessionToken(SHOP))).json()) as Grant;
    const second = (await (await refresh(first.refresh_token)).json()) as Grant;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    // a concurrent refresher still holding the first token succeeds while the second is unused
    const concurrent = await refresh(first.refresh_token);
    expect(concurrent.status).toBe(200);
    const third = (await (await refresh(second.refresh_token)).json()) as Grant;
    expect(third.refresh_token).toMatch(/^shprt_/);
    const stale = await refresh(first.refresh_token);
    expect(stale.status).toBe(400);
    expect(await stale.json()).toMatchObject({ error: "invalid_grant" });
    expect((await adminGraphql(emulator, SHOP, third.access_token, "{ shop { name } }")).status).toBe(200);
  });

  it("rejects wrong client credentials and revokes tokens on uninstall", async () => {
    const { emulator } = setup();
    const res = await emulator.fetch(`https://${SHOP}/admin/oauth/access_token`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ client_id: "key-123", client_secret: "nope", grant_type: "refresh_token", refresh_token: "x" }) });
    expect(res.status).toBe(401);
    const grant = emulator.install(SHOP);
    emulator.uninstall(SHOP);
    expect((await adminGraphql(emulator, SHOP, grant.access_token, "{ shop { name } }")).status).toBe(401);
  });
});
