/** Executes one Admin GraphQL request against the real 2026-07 schema: validate, cost, throttle, resolve. */
import {
  execute,
  getNamedType,
  getNullableType,
  GraphQLError,
  GraphQLList,
  GraphQLObjectType,
  type GraphQLOutputType,
  parse,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLFieldResolver,
  Kind,
  type OperationDefinitionNode,
} from "graphql";
import { accessDenied, hasScope, REQUIRED_SCOPES } from "./access-scopes.js";
import { adminSchema } from "./admin-schema.js";
import type { CallLog, CallOutcome } from "./call-log.js";
import type { InjectedUserError } from "./faults.js";
import { InvalidCursorError } from "./graphql-view.js";
import { actualQueryCost, findOperation, requestedQueryCost } from "./query-cost.js";
import { rootResolvers, type ResolverContext } from "./resolvers.js";
import type { LeakyBucket } from "./throttle.js";

export interface GraphqlRequestBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

export interface GraphqlResponseBody {
  data?: unknown;
  errors?: unknown[];
  extensions?: { cost: CostExtension };
}

interface CostExtension {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  /** Left out when the emulator is told to answer without it (Shopify does not promise it on every answer). */
  throttleStatus?: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

const notEmulated = (what: string) =>
  new GraphQLError(`${what} is not emulated by the local Shopify emulator (emulator/). Add a resolver if Holdfast needs it.`, {
    extensions: { code: "NOT_EMULATED" },
  });

/** The context of one execution: the resolvers' context, and userErrors every mutation must answer (fault injection). */
interface ExecutionContext extends ResolverContext {
  refusal?: InjectedUserError[];
}

/**
 * A mutation payload that refuses: every error list (`userErrors`, `orderCancelUserErrors`...) holds the errors, every
 * other field is null, and nothing in the store changes.
 */
function refusedPayload(type: GraphQLOutputType, errors: InjectedUserError[]): Record<string, unknown> | null {
  const payload = getNamedType(type);
  if (!(payload instanceof GraphQLObjectType)) return null;
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(payload.getFields())) {
    const list = getNullableType(field.type);
    const isErrorList = list instanceof GraphQLList && /UserError$/.test(getNamedType(list).name);
    out[name] = isErrorList ? errors.map((e) => ({ field: e.field ?? null, message: e.message, code: e.code ?? null })) : null;
  }
  return out;
}

const fieldResolver: GraphQLFieldResolver<unknown, ExecutionContext> = (source, args, ctx, info) => {
  const schema = info.schema;
  const scope = REQUIRED_SCOPES[`${info.parentType.name}.${info.fieldName}`];
  if (scope && !hasScope(ctx.scopes, scope)) throw accessDenied(info.fieldName, scope);
  const isRoot = info.parentType === schema.getQueryType() || info.parentType === schema.getMutationType();
  if (isRoot && ctx.refusal && info.parentType === schema.getMutationType()) return refusedPayload(info.returnType, ctx.refusal);
  if (isRoot) {
    const table: Record<string, (a: Record<string, unknown>, c: ResolverContext) => unknown> =
      info.parentType === schema.getMutationType() ? rootResolvers.Mutation : rootResolvers.Query;
    const resolver = table[info.fieldName];
    if (!resolver) throw notEmulated(`${info.parentType.name}.${info.fieldName}`);
    try {
      return resolver(args, ctx);
    } catch (error) {
      if (error instanceof InvalidCursorError) throw new GraphQLError(error.message, { extensions: { code: "BAD_REQUEST" } });
      throw error;
    }
  }
  const value = (source as Record<string, unknown> | null)?.[info.fieldName];
  if (value === undefined) throw notEmulated(`Field ${info.parentType.name}.${info.fieldName}`);
  return typeof value === "function" ? (value as (a: unknown, c: unknown, i: unknown) => unknown)(args, ctx, info) : value;
};

export interface ExecuteOptions {
  body: GraphqlRequestBody;
  ctx: ResolverContext;
  bucket: LeakyBucket;
  maxQueryCost: number;
  log: CallLog;
  at: number;
  /** Injected fault: every mutation field answers these userErrors and changes nothing (logged as `fault`). */
  refusal?: InjectedUserError[];
  /** Answer `extensions.cost` without `throttleStatus`. */
  omitThrottleStatus?: boolean;
}

// Parsing and validating against the full Admin schema is most of the emulator's work per call,
// and clients send the same few documents over and over: keep the results per query text.
const documents = new Map<string, { doc: DocumentNode; validationErrors: readonly GraphQLError[] }>();
function parseAndValidate(schema: ReturnType<typeof adminSchema>, query: string) {
  let hit = documents.get(query);
  if (!hit) {
    const doc = parse(query);
    hit = { doc, validationErrors: validate(schema, doc) };
    if (documents.size >= 500) documents.clear();
    documents.set(query, hit);
  }
  return hit;
}

/** Returns the JSON body Shopify would answer with HTTP 200 (GraphQL errors, throttling and validation are all 200). */
export async function executeAdminGraphql(opts: ExecuteOptions): Promise<GraphqlResponseBody> {
  const { body, ctx, bucket, log } = opts;
  const schema = adminSchema();
  const query = typeof body.query === "string" ? body.query : "";
  const variables = body.variables && typeof body.variables === "object" ? (body.variables as Record<string, unknown>) : {};
  const operationName = typeof body.operationName === "string" ? body.operationName : null;
  const record = (outcome: CallOutcome, op: OperationDefinitionNode | undefined, requestedCost: number | null, actualCost: number | null = null) =>
    log.add({
      at: opts.at,
      shop: ctx.shop.domain,
      kind: "graphql",
      operationName: operationName ?? op?.name?.value ?? null,
      operationType: op?.operation ?? null,
      rootFields: op ? op.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : [])) : [],
      variables,
      query,
      outcome,
      requestedCost,
      actualCost,
    });
  const cost = (requested: number, actual: number | null): { cost: CostExtension } => ({
    cost: { requestedQueryCost: requested, actualQueryCost: actual, ...(opts.omitThrottleStatus ? {} : { throttleStatus: bucket.status() }) },
  });

  let doc: DocumentNode;
  let validationErrors: readonly GraphQLError[];
  try {
    ({ doc, validationErrors } = parseAndValidate(schema, query));
  } catch (error) {
    record("invalid", undefined, null);
    const e = error instanceof GraphQLError ? error : new GraphQLError(String(error));
    return { errors: [e.toJSON()], extensions: cost(0, 0) };
  }
  const op = findOperation(doc, operationName);
  if (validationErrors.length > 0) {
    record("invalid", op, null);
    return { errors: validationErrors.map((e) => e.toJSON()), extensions: cost(0, 0) };
  }
  if (!op) {
    record("invalid", undefined, null);
    return { errors: [{ message: "An operation name is required when the document contains several operations" }], extensions: cost(0, 0) };
  }

  const requested = requestedQueryCost(schema, doc, operationName, variables);
  if (requested > opts.maxQueryCost) {
    record("max_cost_exceeded", op, requested);
    return {
      errors: [
        {
          message: `Query cost is ${requested}, which exceeds the single query max cost limit (${opts.maxQueryCost}).`,
          extensions: { code: "MAX_COST_EXCEEDED", cost: requested, maxCost: opts.maxQueryCost },
        },
      ],
      extensions: cost(requested, null),
    };
  }
  if (!bucket.tryTake(requested)) {
    record("throttled", op, requested);
    return {
      errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
      extensions: cost(requested, null),
    };
  }

  const result = (await execute({
    schema,
    document: doc,
    rootValue: {},
    contextValue: { ...ctx, refusal: op.operation === "mutation" ? opts.refusal : undefined } satisfies ExecutionContext,
    variableValues: variables,
    operationName,
    fieldResolver,
  })) as ExecutionResult;
  const actual = actualQueryCost(result.data, op.operation === "mutation", requested);
  bucket.refund(requested - actual);
  const refused = op.operation === "mutation" && opts.refusal !== undefined;
  record(result.errors?.length && !result.data ? "error" : refused ? "fault" : "ok", op, requested, actual);
  const response: GraphqlResponseBody = {};
  if (result.errors?.length) response.errors = result.errors.map((e) => e.toJSON());
  if (result.data !== undefined) response.data = result.data;
  response.extensions = cost(requested, actual);
  return response;
}
