// Reading a webhook body, bounded (docs/security.md, "Webhook body size and shape"). The bytes go
// through the HMAC as they arrive and reading stops at MAX_WEBHOOK_BODY_BYTES, so an unsigned body
// costs at most that much memory; a Content-Length above it is refused before anything is read.
// The signature is checked over the raw bytes, as Shopify computes it, not over a decoded string
// (a body with a BOM or invalid UTF-8 would otherwise never verify).
import { createHmac, timingSafeEqual } from "node:crypto";

/** `digest`: the body's HMAC-SHA256 (hex), a fingerprint of its bytes once `verified`. */
export type SignedBody = { ok: true; bytes: Buffer; verified: boolean; digest: string } | { ok: false; tooLarge: true; declared: boolean };

/** The request's body, read up to `maxBytes`, and whether `hmacHeader` is its HMAC-SHA256 under `secret`. */
export async function readSignedBody(request: Request, hmacHeader: string, secret: string, maxBytes: number): Promise<SignedBody> {
  const declared = Number(request.headers.get("content-length"));
  if (declared > maxBytes) return { ok: false, tooLarge: true, declared: true };
  const hmac = createHmac("sha256", secret);
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        // Stop reading: nothing past the cap is pulled or kept.
        await reader.cancel().catch(() => {});
        return { ok: false, tooLarge: true, declared: false };
      }
      hmac.update(value);
      chunks.push(value);
    }
  }
  const expected = hmac.digest();
  const given = Buffer.from(hmacHeader, "base64");
  const verified = given.length === expected.length && timingSafeEqual(given, expected);
  return { ok: true, bytes: Buffer.concat(chunks, size), verified, digest: expected.toString("hex") };
}
