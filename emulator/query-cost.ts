/**
 * Requested query cost, after Shopify's documented rules (shopify.dev/docs/api/usage/limits#cost-calculation):
 * scalars and enums 0, objects 1, connections 2 + first × (cost of one node), lists sized by `first` likewise,
 * each root mutation field 10. Unions and fragments are summed (an upper bound, like Shopify's requested cost).
 */
import {
  getNamedType,
  isLeafType,
  isListType,
  isNonNullType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
  isObjectType,
  isInterfaceType,
} from "graphql";

export const MUTATION_COST = 10;

interface CostEnv {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

export function findOperation(doc: DocumentNode, operationName?: string | null): OperationDefinitionNode | undefined {
  const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return operationName ? ops.find((o) => o.name?.value === operationName) : ops.length === 1 ? ops[0] : undefined;
}

export function requestedQueryCost(
  schema: GraphQLSchema,
  doc: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown>,
): number {
  const op = findOperation(doc, operationName);
  if (!op) return 0;
  const fragments = new Map(
    doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
  );
  const env: CostEnv = { schema, fragments, variables };
  if (op.operation === "mutation") {
    return rootFields(op.selectionSet, env).filter((f) => f.name.value !== "__typename").length * MUTATION_COST;
  }
  const root = op.operation === "subscription" ? schema.getSubscriptionType() : schema.getQueryType();
  return root ? selectionCost(op.selectionSet, root, env) : 0;
}

function rootFields(set: SelectionSetNode, env: CostEnv): FieldNode[] {
  return set.selections.flatMap((s) => {
    if (s.kind === Kind.FIELD) return [s];
    if (s.kind === Kind.INLINE_FRAGMENT) return rootFields(s.selectionSet, env);
    const fragment = env.fragments.get(s.name.value);
    return fragment ? rootFields(fragment.selectionSet, env) : [];
  });
}

function selectionCost(set: SelectionSetNode, parent: GraphQLNamedType, env: CostEnv): number {
  let total = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      total += fieldCost(selection, parent, env);
    } else {
      const typeName = selection.kind === Kind.INLINE_FRAGMENT ? selection.typeCondition?.name.value : env.fragments.get(selection.name.value)?.typeCondition.name.value;
      const sub = selection.kind === Kind.INLINE_FRAGMENT ? selection.selectionSet : env.fragments.get(selection.name.value)?.selectionSet;
      const type = typeName ? env.schema.getType(typeName) : parent;
      if (sub && type) total += selectionCost(sub, type, env);
    }
  }
  return total;
}

function argInt(field: FieldNode, name: string, env: CostEnv): number | undefined {
  const arg = field.arguments?.find((a) => a.name.value === name);
  return arg ? intValue(arg.value, env) : undefined;
}

function intValue(value: ValueNode, env: CostEnv): number | undefined {
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.VARIABLE) {
    const v = env.variables[value.name.value];
    return typeof v === "number" ? v : undefined;
  }
  return undefined;
}

function fieldCost(field: FieldNode, parent: GraphQLNamedType, env: CostEnv): number {
  if (field.name.value.startsWith("__")) return 0;
  if (!isObjectType(parent) && !isInterfaceType(parent)) return 0;
  const def = parent.getFields()[field.name.value];
  if (!def) return 0;
  const named = getNamedType(def.type);
  if (isLeafType(named) || !field.selectionSet) return 0;
  const size = argInt(field, "first", env) ?? argInt(field, "last", env);
  if (named.name.endsWith("Connection")) {
    return 2 + (size ?? 1) * perNodeCost(field.selectionSet, named, env);
  }
  const inner = 1 + selectionCost(field.selectionSet, named, env);
  const unwrapped = isNonNullType(def.type) ? def.type.ofType : def.type;
  return isListType(unwrapped) && size !== undefined ? size * inner : inner;
}

/** Cost of one element of a connection: what is selected under `nodes` or `edges { node }`. */
function perNodeCost(set: SelectionSetNode, connection: GraphQLCompositeType, env: CostEnv): number {
  if (!isObjectType(connection)) return 1;
  let cost = 0;
  for (const selection of set.selections) {
    if (selection.kind !== Kind.FIELD || !selection.selectionSet) continue;
    const name = selection.name.value;
    const def = connection.getFields()[name];
    if (!def) continue;
    const named = getNamedType(def.type);
    if (name === "nodes") cost = Math.max(cost, 1 + selectionCost(selection.selectionSet, named, env));
    if (name === "edges" && isObjectType(named)) {
      const nodeField = selection.selectionSet.selections.find((s): s is FieldNode => s.kind === Kind.FIELD && s.name.value === "node");
      const nodeDef = named.getFields().node;
      if (nodeField?.selectionSet && nodeDef) cost = Math.max(cost, 1 + selectionCost(nodeField.selectionSet, getNamedType(nodeDef.type), env));
      else cost = Math.max(cost, 1);
    }
  }
  return Math.max(cost, 1);
}

/** Actual cost: objects actually returned (never more than requested), the way Shopify refunds unused page slots. */
export function actualQueryCost(data: unknown, isMutation: boolean, requested: number): number {
  if (isMutation) return requested;
  const count = (value: unknown, key: string): number => {
    if (Array.isArray(value)) return value.reduce<number>((s, v) => s + count(v, key), 0);
    if (value === null || typeof value !== "object") return 0;
    const own = key === "edges" || key === "pageInfo" ? 0 : 1;
    return own + Object.entries(value).reduce((s, [k, v]) => s + count(v, k), 0);
  };
  const objects = data && typeof data === "object" ? Object.entries(data).reduce((s, [k, v]) => s + count(v, k), 0) : 0;
  return Math.min(requested, objects);
}
