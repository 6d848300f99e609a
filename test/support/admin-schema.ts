// Shopify's real Admin API 2026-07 schema (vendored by `npm run schema:extract`) and helpers
// to find and validate every GraphQL operation in the app and its extensions.
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { parse, validate, type GraphQLError } from "graphql";
import { adminSchema } from "../../emulator/admin-schema";

export { adminSchema };

/** Validation errors for one operation document (empty when valid). */
export function validateOperation(source: string, schema = adminSchema()): readonly GraphQLError[] {
  let document;
  try {
    document = parse(source);
  } catch (error) {
    return [error as GraphQLError];
  }
  return validate(schema, document);
}

export interface FoundOperation {
  file: string;
  source: string;
}

const SOURCE_EXT = /\.(ts|tsx|js|jsx|mjs)$/;
/** `#graphql` template literals and .graphql files under the given folders. */
export function findOperations(roots: string[]): FoundOperation[] {
  const found: FoundOperation[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (name === "node_modules" || name === "dist" || name.startsWith(".")) continue;
      const file = path.join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else if (name.endsWith(".graphql")) found.push({ file, source: readFileSync(file, "utf8") });
      else if (SOURCE_EXT.test(name) && !name.endsWith(".d.ts")) {
        const text = readFileSync(file, "utf8");
        for (const m of text.matchAll(/`#graphql([^`]*)`/g)) found.push({ file, source: m[1] ?? "" });
      }
    }
  };
  for (const root of roots) walk(path.resolve(root));
  return found;
}
