// The one gateway from background work to the Admin GraphQL API (graphql-request).
//
// Every call: reserve its expected cost with the shared limiter, send it with the shop's offline
// token, record the reported throttle status, and then
//   - THROTTLED (HTTP 200): wait until the bucket holds the requested cost, send again;
//   - 429: wait Retry-After *seconds* (Shopify's unit), send again;
//   - 5xx and network errors on a query: retry with exponential backoff and jitter, then fail (the job
//     retries later). On a mutation they are ambiguous (Shopify may have carried it out and the
//     answer got lost), so the gateway does not send it again: it throws AmbiguousMutationError,
//     the job retries, re-reads the order and sees whether the action is there;
//   - 401: refresh the token once and send again;
//   - other GraphQL errors (invalid field, ACCESS_DENIED...): a permanent AdminApiError, which the
//     job layer dead-letters for staff (the gateway knows nothing of jobs; app/background/ maps it).
// Mutations' userErrors are the caller's business (store actions check every one).
import { ClientError, GraphQLClient } from "graphql-request";
import type { Db } from "../db-client.server";
import { CostLimiter, sleep as defaultSleep, type ThrottleStatus } from "./limiter.server";
import { NoOfflineSessionError, OfflineTokens } from "./tokens.server";
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

interface CostExtension {
  cost?: { requestedQueryCost?: number; actualQueryCost?: number | null; throttleStatus?: ThrottleStatus };
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

function isNetworkError(error: unknown): boolean {
  return error instanceof TypeError || (error instanceof Error && /fetch failed|ECONNRESET|ECONNREFUSED|socket|network/i.test(error.message));
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

  private async send<T>(shop: string, document: string, op: Operation, variables: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
    const url = `https://${shop}/admin/api/${ADMIN_API_VERSION}/graphql.json`;
    const { name, mutation } = op;
    let failures = 0;
    let throttleWaits = 0;
    let refreshed = false;
    for (;;) {
      signal?.throwIfAborted();
      let token: string;
      try {
        token = await this.tokens.get(shop);
      } catch (error) {
        if (error instanceof NoOfflineSessionError) throw new AdminApiError(error.message, "NO_SESSION", undefined, { permanent: true });
        throw error;
      }
      const client = new GraphQLClient(url, {
        fetch: this.opts.fetch,
        errorPolicy: "all",
        headers: { "X-Shopify-Access-Token": token },
        signal,
      });
      const reserved = await this.limiter.acquire(shop, estimateCost(op), signal);
      const answer = await client.rawRequest<T>(document, variables).then(
        (response) => ({ response }),
        (error: unknown) => ({ error }),
      );
      this.limiter.release(shop, reserved); // answered: Shopify's own figures take over
      if ("error" in answer) {
        const { error } = answer;
        signal?.throwIfAborted();
        const status = error instanceof ClientError ? error.response.status : undefined;
        if (status === 429) {
          if (++throttleWaits > this.maxThrottleWaits) throw new AdminApiError(`${name}: still rate limited (429)`, "THROTTLED", 429);
          const seconds = Number(error instanceof ClientError ? error.response.headers.get("retry-after") : NaN);
          await this.sleep((Number.isFinite(seconds) && seconds > 0 ? seconds : 1) * 1000, signal);
          continue;
        }
        if (status === 401 && !refreshed) {
          refreshed = true;
          try {
            await this.tokens.refresh(shop, token);
          } catch (refreshError) {
            if (refreshError instanceof NoOfflineSessionError) throw new AdminApiError(refreshError.message, "NO_SESSION", undefined, { permanent: true });
            throw refreshError;
          }
          continue;
        }
        if ((status !== undefined && status >= 500) || (status === undefined && isNetworkError(error))) {
          if (mutation) throw new AmbiguousMutationError(`${name}: ${status ?? "connection lost"}; not sent again (it may have been carried out)`, "UNAVAILABLE", status);
          if (++failures > this.maxRetries) throw new AdminApiError(`${name}: ${status ?? "network error"} after ${failures} tries`, "UNAVAILABLE", status);
          await this.sleep(this.retryDelay(failures), signal);
          continue;
        }
        if (status !== undefined) {
          throw new AdminApiError(`${name}: Shopify answered HTTP ${status}`, "HTTP", status, { permanent: true });
        }
        throw error;
      }

      const { response } = answer;
      const cost = (response.extensions as CostExtension | undefined)?.cost;
      if (cost?.throttleStatus) await this.limiter.report(shop, cost.throttleStatus);
      if (name && typeof cost?.requestedQueryCost === "number") knownCosts.set(name, cost.requestedQueryCost);

      const errors = response.errors ?? [];
      const throttled = errors.find((e) => (e.extensions as { code?: string } | undefined)?.code === "THROTTLED");
      if (throttled) {
        if (++throttleWaits > this.maxThrottleWaits) throw new AdminApiError(`${name}: still THROTTLED`, "THROTTLED");
        const requested = cost?.requestedQueryCost ?? estimateCost(op);
        const wait = cost?.throttleStatus ? CostLimiter.waitMs(requested, cost.throttleStatus) : 1000;
        await this.sleep(Math.max(50, wait), signal);
        continue;
      }
      if (errors.length > 0) {
        const first = errors[0]!;
        const code = (first.extensions as { code?: string } | undefined)?.code;
        const message = `${name}: ${errors.map((e) => e.message).join("; ")}`;
        if (code === "INTERNAL_SERVER_ERROR" && mutation) throw new AmbiguousMutationError(`${message}; not sent again (it may have been carried out)`, code);
        if (code === "INTERNAL_SERVER_ERROR" && ++failures <= this.maxRetries) {
          await this.sleep(this.retryDelay(failures), signal);
          continue;
        }
        // Validation, access and other GraphQL errors do not go away by retrying.
        throw new AdminApiError(code ? `${message} (${code})` : message, code, undefined, { permanent: true });
      }
      return response.data;
    }
  }
}
