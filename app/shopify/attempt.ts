// What one Admin API attempt came to, as plain data. `classifyAttempt` is pure: it reads the
// answer (or the thrown error) and says what kind of result it is; the gateway's one retry loop
// decides what to do about each kind (wait, refresh, back off, give up). Everything read from
// Shopify's answer (GraphQL errors, the cost extension) is parsed here with a schema, never cast.
import { ClientError } from "graphql-request";
import { z } from "zod";
import { CostLimiter } from "./limiter.server";

/** One attempt: Shopify's answer (HTTP 2xx), or what `rawRequest` threw (ClientError for other statuses, network errors...). */
export type Attempt<T = unknown> = { answer: { data: T; errors?: unknown; extensions?: unknown } } | { error: unknown };

export interface AttemptContext {
  /** The operation's name, for messages. */
  name: string | undefined;
  mutation: boolean;
  /** Points the call is expected to cost, when the answer does not say (THROTTLED waits). */
  expectedCost: number;
}

export type Classification<T = unknown> =
  /** Data, without GraphQL errors. Its type is the operation's, generated from the same document (app/types). */
  | { kind: "ok"; data: T }
  /** GraphQL THROTTLED (HTTP 200): the bucket is short; wait until it holds the cost. */
  | { kind: "throttled"; waitMs: number }
  /** HTTP 429: wait Retry-After. */
  | { kind: "rate_limited"; waitMs: number }
  /** HTTP 402 (the shop is frozen: its bill is unpaid) or 423 (the shop is locked): nothing works until the shop is back. */
  | { kind: "shop_unavailable"; message: string; status: 402 | 423 }
  /** HTTP 401: the token was refused. */
  | { kind: "unauthorized" }
  /** 5xx, a lost connection or INTERNAL_SERVER_ERROR on a query: worth sending again after a while. */
  | { kind: "unavailable"; message: string; code: string; status?: number }
  /** The same on a mutation: it may have been carried out, so it is not sent again. */
  | { kind: "ambiguous_mutation"; message: string; code: string; status?: number }
  /** Retrying cannot fix it: GraphQL validation or access errors, an unexpected HTTP status. */
  | { kind: "permanent"; message: string; code?: string; status?: number }
  /** Thrown by something other than Shopify's answer or the network (a 2xx body that is not GraphQL...): passed on as it is. */
  | { kind: "unexpected"; error: unknown };

const ThrottleStatusSchema = z.object({ maximumAvailable: z.number(), currentlyAvailable: z.number(), restoreRate: z.number() });

/** `extensions.cost` on every Admin answer. A field that does not parse is left out, not fatal. */
const CostSchema = z.object({
  requestedQueryCost: z.number().optional().catch(undefined),
  actualQueryCost: z.number().nullish().catch(undefined),
  throttleStatus: ThrottleStatusSchema.optional().catch(undefined),
});
export type Cost = z.infer<typeof CostSchema>;

const ExtensionsSchema = z.object({ cost: CostSchema });

/** The cost extension of an answer, if it has a readable one. */
export function costOf(extensions: unknown): Cost | undefined {
  const parsed = ExtensionsSchema.safeParse(extensions);
  return parsed.success ? parsed.data.cost : undefined;
}

const GraphqlErrorSchema = z.object({
  message: z.string().catch("(no message)"),
  extensions: z.object({ code: z.string().optional().catch(undefined) }).passthrough().optional().catch(undefined),
});

/** The `errors` of an answer, each with its message and `extensions.code` (a non-list `errors` is one error). */
export function graphqlErrorsOf(errors: unknown): { message: string; code: string | undefined }[] {
  if (errors === undefined || errors === null) return [];
  return (Array.isArray(errors) ? errors : [errors]).map((e: unknown) => {
    const parsed = GraphqlErrorSchema.safeParse(e);
    return parsed.success ? { message: parsed.data.message, code: parsed.data.extensions?.code } : { message: String(e), code: undefined };
  });
}

function isNetworkError(error: unknown): boolean {
  return error instanceof TypeError || (error instanceof Error && /fetch failed|ECONNRESET|ECONNREFUSED|socket|network/i.test(error.message));
}

/** Retry-After is in seconds at Shopify; missing or unreadable means one second. */
function retryAfterMs(header: string | null): number {
  const seconds = Number(header ?? NaN);
  return (Number.isFinite(seconds) && seconds > 0 ? seconds : 1) * 1000;
}

const NOT_SENT_AGAIN = "not sent again (it may have been carried out)";

/** Classify one attempt. Pure: no clock, no I/O. */
export function classifyAttempt<T>(attempt: Attempt<T>, ctx: AttemptContext): Classification<T> {
  const { name, mutation } = ctx;
  if ("error" in attempt) {
    const { error } = attempt;
    const status = error instanceof ClientError ? error.response.status : undefined;
    if (status === undefined) {
      if (!isNetworkError(error)) return { kind: "unexpected", error };
      return mutation
        ? { kind: "ambiguous_mutation", message: `${name}: connection lost; ${NOT_SENT_AGAIN}`, code: "UNAVAILABLE" }
        : { kind: "unavailable", message: `${name}: network error`, code: "UNAVAILABLE" };
    }
    if (status === 429) return { kind: "rate_limited", waitMs: retryAfterMs(error instanceof ClientError ? error.response.headers.get("retry-after") : null) };
    if (status === 401) return { kind: "unauthorized" };
    // https://shopify.dev/docs/api/usage/response-codes: 402 "the requested shop is currently frozen"
    // (the owner must pay the outstanding balance), 423 "the requested shop is currently locked".
    if (status === 402) return { kind: "shop_unavailable", status, message: `${name}: the shop is frozen (HTTP 402: unpaid Shopify bill)` };
    if (status === 423) return { kind: "shop_unavailable", status, message: `${name}: the shop is locked (HTTP 423)` };
    if (status >= 500) {
      return mutation
        ? { kind: "ambiguous_mutation", message: `${name}: ${status}; ${NOT_SENT_AGAIN}`, code: "UNAVAILABLE", status }
        : { kind: "unavailable", message: `${name}: ${status}`, code: "UNAVAILABLE", status };
    }
    return { kind: "permanent", message: `${name}: Shopify answered HTTP ${status}`, code: "HTTP", status };
  }

  const errors = graphqlErrorsOf(attempt.answer.errors);
  const [first] = errors;
  if (!first) return { kind: "ok", data: attempt.answer.data };
  if (errors.some((e) => e.code === "THROTTLED")) {
    const cost = costOf(attempt.answer.extensions);
    const requested = cost?.requestedQueryCost ?? ctx.expectedCost;
    const wait = cost?.throttleStatus ? CostLimiter.waitMs(requested, cost.throttleStatus) : 1000;
    return { kind: "throttled", waitMs: Math.max(50, wait) };
  }
  const { code } = first;
  const message = `${name}: ${errors.map((e) => e.message).join("; ")}`;
  if (code === "INTERNAL_SERVER_ERROR") {
    return mutation
      ? { kind: "ambiguous_mutation", message: `${message}; ${NOT_SENT_AGAIN}`, code }
      : { kind: "unavailable", message: `${message} (${code})`, code };
  }
  // Validation, access and other GraphQL errors do not go away by retrying.
  return { kind: "permanent", message: code ? `${message} (${code})` : message, code };
}
