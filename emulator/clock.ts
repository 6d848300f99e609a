/** Injectable time source: the throttle, tokens and webhook timestamps all read it. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to, for throttling and expiry maths without sleeping. */
export class ManualClock implements Clock {
  constructor(private ms: number = Date.parse("2026-07-15T12:00:00Z")) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
  set(ms: number | Date): void {
    this.ms = typeof ms === "number" ? ms : ms.getTime();
  }
}

export const sleep = (ms: number): Promise<void> =>
  ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
