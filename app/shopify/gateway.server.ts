// The one gateway from background work to the Admin GraphQL API (graphql-request).
//
// Every call: reserve its expected cost with the shared limiter, send it with the shop's offline
// token, record the reported throttle status, classify the attempt (attempt.ts, pure) and apply
// one retry policy to the classification:
//   - throttled (THROTTLED, HTTP 200): wait until the bucket holds the requested cost, send again;
//   - rate_limited (429): wait Retry-After *seconds* (Shopify's unit), send again;
//     both at most maxThrottleWaits times per call;
//   - unavailable (5xx, network errors, INTERNAL_SERVER_ERROR on a query): retry with exponential
//     backoff and jitter, at most maxRetries times, then fail (the job retries later);
//   - ambiguous_mutation (the same on a mutation): Shopify may have carried it out and the answer
//     got lost, so the gateway does not send it again: it throws AmbiguousMutationError, the job
//     retries, re-reads the order and sees whether the action is there;
//   - unauthorized (401): refresh the token once and send again;
//   - permanent (other GraphQL errors such as invalid field or ACCESS_DENIED, other HTTP
//     statuses): a permanent AdminApiError, which the job layer dead-letters for staff (the gateway
//     knows nothing of jobs; app/background/ maps it).
// Errors from the limiter pass through unchanged; so do the token store's, except no offline
// session (a permanent AdminApiError) and a token endpoint reply that is not a grant (an
// AdminApiError, permanent when asking again cannot help). Mutations' userErrors are the caller's business (store actions check
// every one).
import { GraphQLClient } from "graphql-request";
import type { Db } from "../db-client.server";
import { classifyAttempt, costOf, type Attempt } from "./attempt";
import { CostLimiter, sleep as defaultSleep } from "./limiter.server";
import { NoOfflineSessionError, OfflineTokens, TokenEndpointError } from "./tokens.server";
import { ADMIN_API_VERSION } from "./version.mjs";

/**
 * A failed Admin API call. `permanent`: retrying cannot fix it (no offline session, a GraphQL
 * validation or access error, an unexpected HTTP status); the job layer dead-letters it for staff.
 */
export class AdminApiError extends Error {
  override name = "AdminApiError";
  readonly permanent: boolean;
  constructor(message: string, readonly code?: string, readonly status?: number, opts: { permanent?: boolean } = {}) {
    super(message);
    this.permanent = opts.permanent ?? false;
  }
}

/** A mutation may or may not have been carried out (5xx or a lost connection). Retryable by the job, not by resending. */
export class AmbiguousMutationError extends AdminApiError {
  override name = "AmbiguousMutationError";
  /** The job runs again soon: the retry only re-reads the order and carries on from there. */
  readonly retryInMs = 1000;
}

/**
 * The shop answered 402 (frozen) or 423 (locked). Recorded on the Shop row by the gateway; the job
 * waits without retrying (no hammering) until reconciliation finds the shop answering again.
 */
export class ShopUnavailableError extends AdminApiError {
  override name = "ShopUnavailableError";
}

/** How a job deferred for a suspended shop starts its lastError (`DeferJob: shop suspended: ...`), so reconciliation can wake it. */
export const SHOP_SUSPENDED = "shop suspended";

export interface GatewayOptions {
  db: Db;
  apiKey: string;
  apiSecret: string;
  /** fetch for every Shopify request (the local emulator's rewriting fetch in tests and the demo). */
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  /** Retries of 5xx / network errors per call before giving up. */
  maxRetries?: number;
  /** Waits on THROTTLED / 429 per call before giving up. */
  maxThrottleWaits?: number;
  /** The longest a call waits for the shop's budget before the limiter throws BudgetWaitError (default: no limit). */
  maxBudgetWaitMs?: number;
  tokens?: OfflineTokens;
}

const OPERATION_NAME = /\b(query|mutation)\s+([A-Za-z0-9_]+)/;

/** Cost a named operation requested last time (Shopify reports it on every answer). */
const knownCosts = new Map<string, number>();
/** Operations whose first call is in flight, to learn their cost. */
const probes = new Map<string, Promise<void>>();

interface Operation {
  name: string | undefined;
  mutation: boolean;
}

function operationOf(document: string): Operation {
  const m = OPERATION_NAME.exec(document);
  return { name: m?.[2], mutation: m?.[1] === "mutation" };
}

function estimateCost(op: Operation): number {
  const known = op.name ? knownCosts.get(op.name) : undefined;
  if (known !== undefined) return known;
  // Mutations cost 10. A query's first call in this process reserves the single-query maximum, so
  // an unknown cost never runs into THROTTLED; its answer tells the real figure for every later call.
  return op.mutation ? 10 : 1000;
}

export class AdminGateway {
  private readonly limiter: CostLimiter;
  private readonly tokens: OfflineTokens;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly maxRetries: number;
  private readonly maxThrottleWaits: number;

  constructor(private readonly opts: GatewayOptions) {
    this.sleep = opts.sleep ?? defaultSleep;
    this.random = opts.random ?? Math.random;
    this.limiter = new CostLimiter(opts.db, { now: opts.now, sleep: this.sleep, maxWaitMs: opts.maxBudgetWaitMs });
    this.tokens = opts.tokens ?? new OfflineTokens(opts.db, { apiKey: opts.apiKey, apiSecret: opts.apiSecret, fetch: opts.fetch, now: opts.now });
    this.maxRetries = opts.maxRetries ?? 4;
    this.maxThrottleWaits = opts.maxThrottleWaits ?? 30;
  }

  /** Run one operation for `shop`; resolves to its `data`. */
  async request<T>(shop: string, document: string, variables: Record<string, unknown> = {}, signal?: AbortSignal): Promise<T> {
    const op = operationOf(document);
    // The first call of a query whose cost this process does not know yet reserves the maximum;
    // calls of the same operation meanwhile wait for its answer, which tells them the real cost.
    if (!op.name || op.mutation || knownCosts.has(op.name)) return this.send<T>(shop, document, op, variables, signal);
    const probe = probes.get(op.name);
    if (probe) {
      await probe;
      return this.send<T>(shop, document, op, variables, signal);
    }
    let done!: () => void;
    probes.set(op.name, new Promise<void>((resolve) => (done = resolve)));
    try {
      return await this.send<T>(shop, document, op, variables, signal);
    } finally {
      probes.delete(op.name);
      done();
    }
  }

  /** Backoff before the n-th retry of a 5xx / network error: 200 ms·2^(n-1), jittered, at most 8 s. */
  private retryDelay(failures: number): number {
    return Math.min(8000, 200 * 2 ** (failures - 1)) * (0.5 + this.random());
  }

  /**
   * No offline session is a permanent failure; a token endpoint reply that is not a grant is
   * permanent or retryable as the token store says; the token store's other errors pass through.
   */
  private async session<R>(call: () => Promise<R>): Promise<R> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof NoOfflineSessionError) throw new AdminApiError(error.message, "NO_SESSION", undefined, { permanent: true });
      if (error instanceof TokenEndpointError) throw new AdminApiError(error.message, "TOKEN_REFRESH", undefined, { permanent: error.permanent });
      throw error;
    }
  }

  /** Send once, with the limiter's reservation around it. Never throws for Shopify's or the network's sake: the outcome is data. */
  private async attempt<T>(shop: string, token: string, document: string, op: Operation, variables: Record<string, unknown>, signal?: AbortSignal): Promise<Attempt<T>> {
    const client = new GraphQLClient(`https://${shop}/admin/api/${ADMIN_API_VERSION}/graphql.json`, {
      fetch: this.opts.fetch,
      errorPolicy: "all",
      headers: { "X-Shopify-Access-Token": token },
      signal,
    });
    const reserved = await this.limiter.acquire(shop, estimateCost(op), signal); // its errors pass through unchanged
    const attempt = await client.rawRequest<T>(document, variables).then(
      (answer): Attempt<T> => ({ answer }),
      (error: unknown): Attempt<T> => ({ error }),
    );
    this.limiter.release(shop, reserved); // answered: Shopify's own figures take over
    return attempt;
  }

  /** Shopify's figures from an answer: the bucket's state for the limiter, the operation's cost for next time. */
  private async learn(shop: string, op: Operation, extensions: unknown): Promise<void> {
    const cost = costOf(extensions);
    if (cost?.throttleStatus) await this.limiter.report(shop, cost.throttleStatus);
    if (op.name && cost?.requestedQueryCost !== undefined) knownCosts.set(op.name, cost.requestedQueryCost);
  }

  /** Send until the answer is data or the retry policy gives up. */
  private async send<T>(shop: string, document: string, op: Operation, variables: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
    const { name, mutation } = op;
    let failures = 0;
    let throttleWaits = 0;
    let refreshed = false;
    for (;;) {
      signal?.throwIfAborted();
      const token = await this.session(() => this.tokens.get(shop));
      const attempt = await this.attempt<T>(shop, token, document, op, variables, signal);
      if ("error" in attempt) signal?.throwIfAborted();
      else await this.learn(shop, op, attempt.answer.extensions);
      const outcome = classifyAttempt(attempt, { name, mutation, expectedCost: estimateCost(op) });
      switch (outcome.kind) {
        case "ok":
          return outcome.data;
        case "throttled":
        case "rate_limited":
          if (++throttleWaits > this.maxThrottleWaits) {
            throw outcome.kind === "throttled"
              ? new AdminApiError(`${name}: still THROTTLED`, "THROTTLED")
              : new AdminApiError(`${name}: still rate limited (429)`, "THROTTLED", 429);
          }
          await this.sleep(outcome.waitMs, signal);
          break;
        case "unauthorized":
          if (refreshed) throw new AdminApiError(`${name}: Shopify answered HTTP 401`, "HTTP", 401, { permanent: true });
          refreshed = true;
          await this.session(() => this.tokens.refresh(shop, token));
          break;
        case "unavailable":
          if (++failures > this.maxRetries) throw new AdminApiError(`${outcome.message} after ${failures} tries`, outcome.code, outcome.status);
          await this.sleep(this.retryDelay(failures), signal);
          break;
        case "shop_unavailable": {
          const reason = outcome.status === 402 ? "frozen (402)" : "locked (423)";
          await this.opts.db.shop.updateMany({ where: { shop, suspendedAt: null }, data: { suspendedAt: new Date(this.opts.now?.() ?? Date.now()), suspendedReason: reason } });
          throw new ShopUnavailableError(`${SHOP_SUSPENDED}: ${outcome.message}`, outcome.status === 402 ? "SHOP_FROZEN" : "SHOP_LOCKED", outcome.status);
        }
        case "ambiguous_mutation":
          throw new AmbiguousMutationError(outcome.message, outcome.code, outcome.status);
        case "permanent":
          throw new AdminApiError(outcome.message, outcome.code, outcome.status, { permanent: true });
        case "unexpected":
          throw outcome.error;
      }
    }
  }
}
