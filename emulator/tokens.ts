/** Offline/online access tokens and rotating refresh tokens, as issued by /admin/oauth/access_token. */
import { randomBytes } from "node:crypto";
import type { Clock } from "./clock.js";

export interface AccessTokenRecord {
  token: string;
  shop: string;
  scopes: string[];
  /** ms since epoch, or null for non-expiring offline tokens. */
  expiresAt: number | null;
  online: boolean;
}

interface RefreshTokenRecord {
  token: string;
  shop: string;
  scopes: string[];
  expiresAt: number;
  /** Set once this token has been used: the replacement. The old token stays valid until the replacement is used. */
  replacedBy: string[];
  revoked: boolean;
}

export interface TokenGrant {
  access_token: string;
  scope: string;
  expires_in?: number;
  refresh_token?: string;
  refresh_token_expires_in?: number;
  associated_user_scope?: string;
  associated_user?: Record<string, unknown>;
}

export const ACCESS_TOKEN_TTL_S = 3600;
export const REFRESH_TOKEN_TTL_S = 90 * 86_400;
export const ONLINE_TOKEN_TTL_S = 86_400;

export class TokenStore {
  private readonly access = new Map<string, AccessTokenRecord>();
  private readonly refresh = new Map<string, RefreshTokenRecord>();

  constructor(private readonly clock: Clock) {}

  issue(shop: string, scopes: string[], opts: { expiring: boolean; online?: boolean; userId?: string }): TokenGrant {
    const now = this.clock.now();
    const token = `shpat_${randomBytes(16).toString("hex")}`;
    const online = opts.online ?? false;
    const ttl = online ? ONLINE_TOKEN_TTL_S : opts.expiring ? ACCESS_TOKEN_TTL_S : null;
    this.access.set(token, { token, shop, scopes, expiresAt: ttl === null ? null : now + ttl * 1000, online });
    const grant: TokenGrant = { access_token: token, scope: scopes.join(",") };
    if (online) {
      grant.expires_in = ONLINE_TOKEN_TTL_S;
      grant.associated_user_scope = scopes.join(",");
      grant.associated_user = { id: Number(opts.userId ?? 42), first_name: "Demo", last_name: "Owner", email: `owner@${shop}`, email_verified: true, account_owner: true, locale: "en", collaborator: false };
      return grant;
    }
    if (opts.expiring) {
      const refreshToken = `shprt_${randomBytes(16).toString("hex")}`;
      this.refresh.set(refreshToken, { token: refreshToken, shop, scopes, expiresAt: now + REFRESH_TOKEN_TTL_S * 1000, replacedBy: [], revoked: false });
      grant.expires_in = ACCESS_TOKEN_TTL_S;
      grant.refresh_token = refreshToken;
      grant.refresh_token_expires_in = REFRESH_TOKEN_TTL_S;
    }
    return grant;
  }

  /** Rotates: returns a new grant, or null when the refresh token is unknown, expired, revoked or superseded. */
  useRefreshToken(shop: string, token: string): TokenGrant | null {
    const record = this.refresh.get(token);
    const now = this.clock.now();
    if (!record || record.shop !== shop || record.revoked || record.expiresAt <= now) return null;
    // Using a token retires the one it replaced (the previous generation stays valid only until its successor is used).
    for (const other of this.refresh.values()) {
      if (other.replacedBy.includes(token)) other.revoked = true;
    }
    const grant = this.issue(shop, record.scopes, { expiring: true });
    if (grant.refresh_token) record.replacedBy.push(grant.refresh_token);
    return grant;
  }

  /** The record for a valid (known, unexpired) access token. */
  validate(token: string | null | undefined): AccessTokenRecord | null {
    if (!token) return null;
    const record = this.access.get(token);
    if (!record) return null;
    if (record.expiresAt !== null && record.expiresAt <= this.clock.now()) return null;
    return record;
  }

  /** The access token's lifetime ends now (as one does at its real expiry, stated in the answer or not). */
  expire(token: string): void {
    const record = this.access.get(token);
    if (record) record.expiresAt = this.clock.now();
  }

  revokeShop(shop: string): void {
    for (const [k, v] of this.access) if (v.shop === shop) this.access.delete(k);
    for (const v of this.refresh.values()) if (v.shop === shop) v.revoked = true;
  }
}
