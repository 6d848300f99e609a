import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from "graphql";

import { ADMIN_API_VERSION } from "../app/shopify/version.mjs";

export { ADMIN_API_VERSION };
const SCHEMA_PATH = fileURLToPath(new URL(`../app/shopify/schema/admin-${ADMIN_API_VERSION}.json.gz`, import.meta.url));

let cached: GraphQLSchema | undefined;

/** The real Admin 2026-07 schema (vendored introspection), built once per process. */
export function adminSchema(): GraphQLSchema {
  if (!cached) {
    const json = JSON.parse(gunzipSync(readFileSync(SCHEMA_PATH)).toString("utf8")) as { data: IntrospectionQuery };
    cached = buildClientSchema(json.data);
  }
  return cached;
}
