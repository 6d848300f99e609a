// Offline access tokens for background work. Holdfast uses expiring offline tokens (60 min, the
// refresh token rotates on each use), stored by the Shopify library's session storage as
// `offline_<shop>`. A token within 5 minutes of expiry is refreshed first, one refresh per shop at
// a time across all processes (a DB lease), and whoever waits re-reads the refreshed session.
// A process reuses a session it read for up to CACHE_MS (no query per Admin call); a token that
// another process rotated meanwhile answers 401, and the gateway's refresh then finds the new one.
// The token endpoint's reply is parsed with a schema: a reply that is not a grant is a clear
// TokenEndpointError, retryable unless it is well-formed JSON that lacks what a grant must hold.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Db } from "../db-client.server";
import { tryLock, unlock } from "../db-lock.server";
import { sleep } from "./limiter.server";

/** The lease serialising a shop's token refresh across processes (db-lock.server.ts). */
export const refreshLockName = (shop: string) => `refresh:${shop}`;

export const REFRESH_MARGIN_MS = 5 * 60_000;
const LOCK_TTL_MS = 30_000;
export const CACHE_MS = 30_000;

/** The shop has no usable offline session (uninstalled, or never installed). */
export class NoOfflineSessionError extends Error {
  override name = "NoOfflineSessionError";
}

export interface TokenDeps {
  apiKey: string;
  apiSecret: string;
  fetch?: typeof fetch;
  now?: () => number;
}

/**
 * The token endpoint answered something other than a grant. `permanent`: asking again cannot help
 * (JSON that is not a grant); otherwise it looks like a passing server trouble (a 5xx, a body
 * that is not JSON) and the call is retried later.
 */
export class TokenEndpointError extends Error {
  override name = "TokenEndpointError";
  constructor(message: string, readonly permanent: boolean) {
    super(message);
  }
}

/** What /admin/oauth/access_token answers to a refresh (expiring offline tokens). */
const TokenGrant = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive().optional(),
  refresh_token: z.string().min(1).optional(),
  refresh_token_expires_in: z.number().positive().optional(),
  scope: z.string().optional(),
});
type TokenGrant = z.infer<typeof TokenGrant>;

/** The grant in a 2xx reply's body, or a TokenEndpointError saying what is wrong with it. */
function parseTokenGrant(shop: string, status: number, body: string): TokenGrant {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new TokenEndpointError(`token refresh for ${shop} answered ${status} with a body that is not JSON: ${JSON.stringify(body.slice(0, 100))}`, false);
  }
  const parsed = TokenGrant.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ");
    throw new TokenEndpointError(`token refresh for ${shop} answered ${status} without a usable grant (${issues})`, true);
  }
  return parsed.data;
}

export class OfflineTokens {
  private readonly owner = `tokens:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly inflight = new Map<string, Promise<string>>();
  private readonly cache = new Map<string, { accessToken: string; expires: Date | null; readAt: number }>();
  private readonly now: () => number;
  private readonly fetch: typeof fetch;

  constructor(private readonly db: Db, private readonly deps: TokenDeps) {
    this.now = deps.now ?? Date.now;
    this.fetch = deps.fetch ?? fetch;
  }

  private async session(shop: string) {
    const s = await this.db.session.findUnique({ where: { id: `offline_${shop}` } });
    if (!s || s.shop !== shop) {
      this.cache.delete(shop);
      throw new NoOfflineSessionError(`${shop} has no offline session (not installed, or uninstalled)`);
    }
    this.cache.set(shop, { accessToken: s.accessToken, expires: s.expires, readAt: this.now() });
    return s;
  }

  private fresh(s: { expires: Date | null }): boolean {
    return !s.expires || s.expires.getTime() - this.now() > REFRESH_MARGIN_MS;
  }

  /** A usable access token for `shop`, refreshed first when it is about to expire. */
  async get(shop: string): Promise<string> {
    const cached = this.cache.get(shop);
    if (cached && this.now() - cached.readAt < CACHE_MS && this.fresh(cached)) return cached.accessToken;
    const s = await this.session(shop);
    if (this.fresh(s)) return s.accessToken;
    return this.refresh(shop);
  }

  /**
   * Refresh now, unless another caller already did. `rejected`: the token Shopify just answered
   * 401 to; a different fresh token in the database (another process refreshed) is used instead.
   */
  refresh(shop: string, rejected?: string): Promise<string> {
    let p = this.inflight.get(shop);
    if (!p) {
      p = this.refreshSerialised(shop, rejected).finally(() => this.inflight.delete(shop));
      this.inflight.set(shop, p);
    }
    return p;
  }

  private async refreshSerialised(shop: string, rejected: string | undefined): Promise<string> {
    const lock = refreshLockName(shop);
    const force = rejected !== undefined;
    const before = { accessToken: rejected ?? (await this.session(shop)).accessToken };
    const deadline = this.now() + LOCK_TTL_MS * 2;
    while (!(await tryLock(this.db, lock, this.owner, LOCK_TTL_MS, this.now()))) {
      // Another process is refreshing: use its result once it lands.
      await sleep(100);
      const s = await this.session(shop);
      if (s.accessToken !== before.accessToken && this.fresh(s)) return s.accessToken;
      if (this.now() > deadline) throw new Error(`token refresh for ${shop} is stuck behind another process`);
    }
    try {
      const s = await this.session(shop);
      if (s.accessToken !== before.accessToken && this.fresh(s)) return s.accessToken; // refreshed meanwhile
      if (!force && this.fresh(s)) return s.accessToken;
      if (!s.refreshToken) throw new NoOfflineSessionError(`${shop}'s offline token expired and there is no refresh token`);
      const res = await this.fetch(`https://${shop}/admin/oauth/access_token`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ client_id: this.deps.apiKey, client_secret: this.deps.apiSecret, grant_type: "refresh_token", refresh_token: s.refreshToken }),
      });
      if (res.status === 400 || res.status === 401) {
        throw new NoOfflineSessionError(`${shop} refused the token refresh (${res.status}): ${(await res.text()).slice(0, 200)}`);
      }
      if (!res.ok) throw new TokenEndpointError(`token refresh for ${shop} answered ${res.status}`, false);
      const body = parseTokenGrant(shop, res.status, await res.text());
      const now = this.now();
      this.cache.delete(shop);
      await this.db.session.update({
        where: { id: s.id },
        data: {
          accessToken: body.access_token,
          expires: body.expires_in ? new Date(now + body.expires_in * 1000) : null,
          refreshToken: body.refresh_token ?? s.refreshToken,
          refreshTokenExpires: body.refresh_token_expires_in ? new Date(now + body.refresh_token_expires_in * 1000) : s.refreshTokenExpires,
          ...(body.scope ? { scope: body.scope } : {}),
        },
      });
      return body.access_token;
    } finally {
      await unlock(this.db, lock, this.owner);
    }
  }
}
