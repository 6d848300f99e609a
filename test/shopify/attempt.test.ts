// The gateway's classifier, as a table: one attempt's answer (or thrown error) in, what kind of
// result it is out. The retry policy that acts on each kind is tested through the emulator in
// gateway.test.ts.
import { ClientError } from "graphql-request";
import { describe, expect, it } from "vitest";
import { classifyAttempt, costOf, type Attempt, type AttemptContext, type Classification } from "../../app/shopify/attempt";

const query: AttemptContext = { name: "Q", mutation: false, expectedCost: 1000 };
const mutation: AttemptContext = { name: "M", mutation: true, expectedCost: 10 };

const data = { shop: { name: "Shop" } };
const answer = (errors?: unknown, extensions?: unknown): Attempt => ({ answer: { data, errors, extensions } });
const http = (status: number, headers: Record<string, string> = {}): Attempt => ({
  error: new ClientError({ status, headers: new Headers(headers), body: "" }, { query: "query Q { shop { name } }" }),
});
const thrown = (error: unknown): Attempt => ({ error });
const gqlError = (message: string, code?: string) => ({ message, ...(code ? { extensions: { code } } : {}) });
const throttled = gqlError("Throttled", "THROTTLED");
const cost = (requestedQueryCost: number | undefined, currentlyAvailable: number, restoreRate = 100) => ({
  cost: { requestedQueryCost, actualQueryCost: null, throttleStatus: { maximumAvailable: 2000, currentlyAvailable, restoreRate } },
});
const notJson = new Error("Invalid execution result: result is not object or array");

const cases: [string, Attempt, AttemptContext, Classification][] = [
  ["an answer without errors", answer(), query, { kind: "ok", data }],
  ["an answer with an empty error list", answer([]), mutation, { kind: "ok", data }],

  ["THROTTLED: (requested - available) / restoreRate", answer([throttled], cost(250, 0)), query, { kind: "throttled", waitMs: 2500 }],
  ["THROTTLED, nearly enough points", answer([throttled], cost(250, 240)), query, { kind: "throttled", waitMs: 100 }],
  ["THROTTLED with enough points by now: at least 50 ms", answer([throttled], cost(250, 400)), query, { kind: "throttled", waitMs: 50 }],
  ["THROTTLED without a requested cost: the expected cost", answer([throttled], cost(undefined, 0)), query, { kind: "throttled", waitMs: 10_000 }],
  ["THROTTLED without a cost extension: one second", answer([throttled]), query, { kind: "throttled", waitMs: 1000 }],
  ["THROTTLED with an unreadable throttleStatus: one second", answer([throttled], { cost: { requestedQueryCost: 250, throttleStatus: "short" } }), query, { kind: "throttled", waitMs: 1000 }],
  ["THROTTLED after another error", answer([gqlError("Something"), throttled], cost(250, 0)), mutation, { kind: "throttled", waitMs: 2500 }],

  ["429 with Retry-After in seconds", http(429, { "retry-after": "2" }), query, { kind: "rate_limited", waitMs: 2000 }],
  ["429 with a fractional Retry-After", http(429, { "retry-after": "1.5" }), mutation, { kind: "rate_limited", waitMs: 1500 }],
  ["429 without Retry-After: one second", http(429), query, { kind: "rate_limited", waitMs: 1000 }],
  ["429 with Retry-After 0: one second", http(429, { "retry-after": "0" }), query, { kind: "rate_limited", waitMs: 1000 }],
  ["429 with an unreadable Retry-After: one second", http(429, { "retry-after": "soon" }), query, { kind: "rate_limited", waitMs: 1000 }],

  ["401 on a query", http(401), query, { kind: "unauthorized" }],
  ["401 on a mutation", http(401), mutation, { kind: "unauthorized" }],

  ["402 (a frozen shop) on a query", http(402), query, { kind: "shop_unavailable", status: 402, message: "Q: the shop is frozen (HTTP 402: unpaid Shopify bill)" }],
  ["402 on a mutation", http(402), mutation, { kind: "shop_unavailable", status: 402, message: "M: the shop is frozen (HTTP 402: unpaid Shopify bill)" }],
  ["423 (a locked shop)", http(423), query, { kind: "shop_unavailable", status: 423, message: "Q: the shop is locked (HTTP 423)" }],

  ["503 on a query", http(503), query, { kind: "unavailable", message: "Q: 503", code: "UNAVAILABLE", status: 503 }],
  ["500 on a query", http(500), query, { kind: "unavailable", message: "Q: 500", code: "UNAVAILABLE", status: 500 }],
  ["503 on a mutation", http(503), mutation, { kind: "ambiguous_mutation", message: "M: 503; not sent again (it may have been carried out)", code: "UNAVAILABLE", status: 503 }],
  ["fetch failed on a query", thrown(new TypeError("fetch failed")), query, { kind: "unavailable", message: "Q: network error", code: "UNAVAILABLE" }],
  ["ECONNRESET on a query", thrown(new Error("read ECONNRESET")), query, { kind: "unavailable", message: "Q: network error", code: "UNAVAILABLE" }],
  ["a lost connection on a mutation", thrown(new TypeError("fetch failed")), mutation, { kind: "ambiguous_mutation", message: "M: connection lost; not sent again (it may have been carried out)", code: "UNAVAILABLE" }],
  ["INTERNAL_SERVER_ERROR on a query", answer([gqlError("Internal error", "INTERNAL_SERVER_ERROR")]), query, { kind: "unavailable", message: "Q: Internal error (INTERNAL_SERVER_ERROR)", code: "INTERNAL_SERVER_ERROR" }],
  ["INTERNAL_SERVER_ERROR on a mutation", answer([gqlError("Internal error", "INTERNAL_SERVER_ERROR")]), mutation, { kind: "ambiguous_mutation", message: "M: Internal error; not sent again (it may have been carried out)", code: "INTERNAL_SERVER_ERROR" }],

  ["ACCESS_DENIED", answer([gqlError("Access denied for order field.", "ACCESS_DENIED")]), query, { kind: "permanent", message: "Q: Access denied for order field. (ACCESS_DENIED)", code: "ACCESS_DENIED" }],
  ["validation errors, without a code", answer([gqlError("Field 'x' doesn't exist"), gqlError("Variable $id is never used")]), query, { kind: "permanent", message: "Q: Field 'x' doesn't exist; Variable $id is never used", code: undefined }],
  ["an error without a message", answer([{ extensions: { code: "BAD_REQUEST" } }]), mutation, { kind: "permanent", message: "M: (no message) (BAD_REQUEST)", code: "BAD_REQUEST" }],
  ["errors that are not a list", answer("Something went wrong"), query, { kind: "permanent", message: "Q: Something went wrong", code: undefined }],
  ["403", http(403), query, { kind: "permanent", message: "Q: Shopify answered HTTP 403", code: "HTTP", status: 403 }],
  ["404 on a mutation", http(404), mutation, { kind: "permanent", message: "M: Shopify answered HTTP 404", code: "HTTP", status: 404 }],

  ["a 2xx body that is not GraphQL", thrown(notJson), query, { kind: "unexpected", error: notJson }],
];

describe("classifyAttempt", () => {
  it.each(cases)("%s", (_name, attempt, ctx, expected) => {
    expect(classifyAttempt(attempt, ctx)).toStrictEqual(expected);
  });

  it("passes an unexpected error on as the same object", () => {
    const outcome = classifyAttempt(thrown(notJson), query);
    expect(outcome.kind === "unexpected" && outcome.error).toBe(notJson);
  });
});

describe("costOf", () => {
  it.each<[string, unknown, ReturnType<typeof costOf>]>([
    ["a full cost extension", cost(12, 1988), { requestedQueryCost: 12, actualQueryCost: null, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1988, restoreRate: 100 } }],
    ["no extensions", undefined, undefined],
    ["extensions without cost", { other: 1 }, undefined],
    ["an unreadable field is left out, the rest kept", { cost: { requestedQueryCost: "12", actualQueryCost: 3, throttleStatus: { currentlyAvailable: 5 } } }, { requestedQueryCost: undefined, actualQueryCost: 3, throttleStatus: undefined }],
  ])("%s", (_name, extensions, expected) => {
    expect(costOf(extensions)).toStrictEqual(expected);
  });
});
