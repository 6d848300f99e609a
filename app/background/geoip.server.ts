// Country of an IP address, from geoip-country's bundled table (no network, no key). The table is
// loaded once per process, when background work starts, not in the first order's screening.
import { createRequire } from "node:module";
import { z } from "zod";

const require = createRequire(import.meta.url);
const Lookup = z.object({ lookup: z.function().args(z.string()).returns(z.unknown()) });
const Answer = z.object({ country: z.string().optional() }).nullable();
let table: z.infer<typeof Lookup> | undefined;

export function ipCountry(ip: string): string | undefined {
  table ??= Lookup.parse(require("geoip-country"));
  try {
    const answer = Answer.safeParse(table.lookup(ip));
    return (answer.success && answer.data?.country) || undefined;
  } catch {
    return undefined;
  }
}

/** Load the table now. */
export function loadGeoip(): void {
  ipCountry("127.0.0.1");
}
