// Country of an IP address, from geoip-country's bundled table (no network, no key). The table is
// loaded once per process, when background work starts, not in the first order's screening.
import { createRequire } from "node:module";
import { z } from "zod";

const require = createRequire(import.meta.url);
// The module's shape is checked once; z.custom keeps the function itself (z.function() would wrap
// it and validate arguments and result on every order).
const Module = z.object({ lookup: z.custom<(ip: string) => unknown>((v) => typeof v === "function", "geoip-country exports no lookup()") });
const Answer = z.object({ country: z.string().optional() }).nullable();
let lookup: ((ip: string) => unknown) | undefined;

export function ipCountry(ip: string): string | undefined {
  lookup ??= Module.parse(require("geoip-country")).lookup;
  try {
    const answer = Answer.safeParse(lookup(ip));
    return (answer.success && answer.data?.country) || undefined;
  } catch {
    return undefined;
  }
}

/** Load the table now. */
export function loadGeoip(): void {
  ipCountry("127.0.0.1");
}
