/** HS256 session tokens (App Bridge ID tokens), signed with the app secret. */
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

export interface SessionTokenClaims {
  iss: string;
  dest: string;
  aud: string;
  sub: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  sid: string;
  sig?: string;
}

const b64url = (input: Buffer | string): string => Buffer.from(input).toString("base64url");

export interface MintOptions {
  shop: string;
  apiKey: string;
  apiSecret: string;
  /** Seconds since the epoch; defaults to now. */
  nowSeconds?: number;
  userId?: string | number;
  /** Lifetime in seconds (Shopify: 60). */
  ttlSeconds?: number;
  overrides?: Partial<SessionTokenClaims>;
}

export function mintSessionToken(opts: MintOptions): string {
  const now = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
  const claims: SessionTokenClaims = {
    iss: `https://${opts.shop}/admin`,
    dest: `https://${opts.shop}`,
    aud: opts.apiKey,
    sub: String(opts.userId ?? 42),
    exp: now + (opts.ttlSeconds ?? 60),
    nbf: now,
    iat: now,
    jti: randomUUID(),
    sid: randomUUID(),
    ...opts.overrides,
  };
  const header = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const payload = b64url(JSON.stringify(claims));
  const signature = createHmac("sha256", opts.apiSecret).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
}

export type VerifyResult = { ok: true; claims: SessionTokenClaims } | { ok: false; reason: string };

/** Checks signature, algorithm, audience and time window (with 5 s clock tolerance, as the library allows). */
export function verifySessionToken(token: string, apiKey: string, apiSecret: string, nowSeconds: number): VerifyResult {
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, reason: "malformed token" };
  const [header, payload, signature] = parts as [string, string, string];
  let alg: unknown;
  let claims: SessionTokenClaims;
  try {
    alg = (JSON.parse(Buffer.from(header, "base64url").toString("utf8")) as { alg?: unknown }).alg;
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as SessionTokenClaims;
  } catch {
    return { ok: false, reason: "malformed token" };
  }
  if (alg !== "HS256") return { ok: false, reason: "unsupported algorithm" };
  const expected = createHmac("sha256", apiSecret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "bad signature" };
  if (claims.aud !== apiKey) return { ok: false, reason: "audience mismatch" };
  if (typeof claims.exp !== "number" || claims.exp + 5 < nowSeconds) return { ok: false, reason: "token expired" };
  if (typeof claims.nbf !== "number" || claims.nbf - 5 > nowSeconds) return { ok: false, reason: "token not yet valid" };
  if (!/^https:\/\/[^/]+$/.test(claims.dest ?? "")) return { ok: false, reason: "bad dest" };
  return { ok: true, claims };
}
