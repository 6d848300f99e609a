// Small pieces every staff route shares: the audit actor from the session token, and the 404 and
// 400 answers (a catalogue key as the message, so the page can show it in its language).
import { json } from "@remix-run/node";

/** `staff:<sub>` from the admin's session token (absent for non-embedded requests: "staff"). */
export function staffActor(sessionToken: { sub?: unknown } | undefined | null): string {
  // The token is verified, but its subject still goes into audit rows: a bounded id, or nothing.
  const sub = sessionToken?.sub;
  return typeof sub === "string" && /^[\w-]{1,64}$/.test(sub) ? `staff:${sub}` : typeof sub === "number" && Number.isSafeInteger(sub) ? `staff:${sub}` : "staff";
}

export function notFound(): never {
  throw new Response("Not found", { status: 404 });
}

/** A 400 whose body names the catalogue key of what was wrong. */
export function badRequest(error: string): never {
  throw json({ error }, { status: 400 });
}
