import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from "graphql";

export const ADMIN_API_VERSION = "2026-07";
const SCHEMA_PATH = fileURLToPath(new URL("../../app/shopify/schema/admin-2026-07.json.gz", import.meta.url));

let cached: GraphQLSchema | undefined;

/** The real Admin 2026-07 schema (vendored introspection), built once per process. */
export function adminSchema(): GraphQLSchema {
  if (!cached) {
    const json = JSON.parse(gunzipSync(readFileSync(SCHEMA_PATH)).toString("utf8")) as { data: IntrospectionQuery };
    cached = buildClientSchema(json.data);
  }
  return cached;
}
