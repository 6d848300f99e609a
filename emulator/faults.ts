/**
 * Per-test fault injection: latency, HTTP errors (429/5xx with Retry-After), dropped connections, mutations refused
 * with userErrors, "fail the next N".
 */

export type FaultTarget = "graphql" | "oauth" | "any";

export type Fault =
  | { kind: "status"; status: number; retryAfterSeconds?: number; body?: string }
  | { kind: "drop" }
  /** The request is carried out, then the connection drops before the answer: the caller cannot tell whether it happened. */
  | { kind: "drop_after" }
  | { kind: "latency"; ms: number }
  /**
   * A mutation is refused with these userErrors and changes nothing, as Shopify answers a mutation it will not carry
   * out (HTTP 200, the payload's other fields null). `code` must be a value of the payload's error-code enum where the
   * error type has one. Applies to GraphQL mutations only.
   */
  | { kind: "user_errors"; userErrors: InjectedUserError[] };

export interface InjectedUserError {
  field?: string[] | null;
  message: string;
  code?: string | null;
}

export interface FaultRule {
  fault: Fault;
  /** How many matching requests it applies to (default: unlimited until cleared). */
  times?: number;
  target?: FaultTarget;
  shop?: string;
  /** Only GraphQL requests whose operation name or a root field equals this. */
  operation?: string;
  /** Applies to each matching request with this probability (default 1), drawn from `random`. */
  probability?: number;
  random?: () => number;
}

export interface RequestFacts {
  target: Exclude<FaultTarget, "any">;
  shop: string | null;
  operationName: string | null;
  rootFields: string[];
}

interface ActiveRule extends FaultRule {
  remaining: number;
}

export class FaultInjector {
  private rules: ActiveRule[] = [];
  /** How many times each kind of fault was applied. */
  readonly applied = new Map<Fault["kind"], number>();

  inject(rule: FaultRule): void {
    this.rules.push({ ...rule, remaining: rule.times ?? Number.POSITIVE_INFINITY });
  }

  /** The next `n` matching requests fail (default: HTTP 503). */
  failNext(n: number, fault: Fault = { kind: "status", status: 503 }, match: Omit<FaultRule, "fault" | "times"> = {}): void {
    this.inject({ ...match, fault, times: n });
  }

  /** Adds latency to every matching request until cleared. */
  latency(ms: number, match: Omit<FaultRule, "fault" | "times"> = {}): void {
    this.inject({ ...match, fault: { kind: "latency", ms } });
  }

  clear(): void {
    this.rules = [];
  }

  /** Consumes and returns the faults that apply to this request: any latencies, then at most one failure. */
  take(req: RequestFacts): Fault[] {
    const hits: Fault[] = [];
    let failed = false;
    for (const rule of this.rules) {
      if (rule.remaining <= 0 || !matches(rule, req)) continue;
      if (rule.probability !== undefined && (rule.random ?? Math.random)() >= rule.probability) continue;
      if (rule.fault.kind !== "latency") {
        if (failed) continue;
        failed = true;
      }
      rule.remaining -= 1;
      hits.push(rule.fault);
      this.applied.set(rule.fault.kind, (this.applied.get(rule.fault.kind) ?? 0) + 1);
    }
    this.rules = this.rules.filter((r) => r.remaining > 0);
    return hits;
  }
}

function matches(rule: FaultRule, req: RequestFacts): boolean {
  if (rule.target && rule.target !== "any" && rule.target !== req.target) return false;
  if (rule.shop && rule.shop !== req.shop) return false;
  if (rule.operation && rule.operation !== req.operationName && !req.rootFields.includes(rule.operation)) return false;
  return true;
}
