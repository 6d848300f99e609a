/**
 * Local hour of an instant in an IANA timezone, fast enough for the engine's hot path: one
 * Intl.DateTimeFormat per timezone (created once), and the zone's UTC offset cached per 15-minute
 * slot of UTC time (offsets and their changes fall on quarter hours), so an order reads the cache.
 * Pure: the instant is passed in. An unknown timezone reads as UTC.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SLOT = 15 * 60_000;
const MAX_ZONES = 1000;

interface Zone {
  format: Intl.DateTimeFormat | null;
  slot: number;
  offset: number;
}
const zones = new Map<string, Zone>();

function zone(tz: string): Zone {
  let z = zones.get(tz);
  if (z) return z;
  let format: Intl.DateTimeFormat | null = null;
  try {
    format = new Intl.DateTimeFormat("en-US", { timeZone: tz, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric" });
  } catch {
    format = null; // RangeError: not a timezone this runtime knows
  }
  if (zones.size >= MAX_ZONES) zones.clear();
  zones.set(tz, (z = { format, slot: NaN, offset: 0 }));
  return z;
}

/** The zone's offset from UTC (ms) at instant `t` (a whole minute). */
function offsetAt(format: Intl.DateTimeFormat, t: number): number {
  let y = 0, mo = 0, d = 0, h = 0, mi = 0;
  for (const p of format.formatToParts(t)) {
    if (p.type === "year") y = Number(p.value);
    else if (p.type === "month") mo = Number(p.value);
    else if (p.type === "day") d = Number(p.value);
    else if (p.type === "hour") h = Number(p.value);
    else if (p.type === "minute") mi = Number(p.value);
  }
  return Date.UTC(y, mo - 1, d, h, mi) - t;
}

/** True when the runtime knows the timezone. */
export function isKnownTimezone(tz: string): boolean {
  return zone(tz).format !== null;
}

/** Local hour (0-23) of `t` (ms since epoch) in `tz`; UTC when `tz` is absent or unknown. */
export function localHour(t: number, tz: string | undefined): number {
  let offset = 0;
  if (tz !== undefined && tz !== "UTC") {
    const z = zone(tz);
    if (z.format) {
      const slot = Math.floor(t / SLOT);
      if (slot !== z.slot) {
        z.offset = offsetAt(z.format, slot * SLOT);
        z.slot = slot;
      }
      offset = z.offset;
    }
  }
  const ms = (((t + offset) % DAY) + DAY) % DAY;
  return Math.floor(ms / HOUR);
}
