#!/usr/bin/env node
// Extracts Shopify's real Admin GraphQL schema (introspection JSON) for our API version
// from the @shopify/dev-mcp npm package and vendors it into the repo.
// The package is large and does not export the file, so we fetch its tarball with
// `npm pack` into a temporary folder rather than depending on it.
//
//   npm run schema:extract                 # uses the pinned version below
//   npm run schema:extract -- 1.17.0       # another dev-mcp version
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, rmSync, readdirSync } from "node:fs";
import { gunzipSync, gzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import path from "node:path";

import { ADMIN_API_VERSION as API_VERSION } from "../app/shopify/version.mjs";

const DEV_MCP_VERSION = process.argv[2] ?? "1.16.0";
const target = path.resolve(`app/shopify/schema/admin-${API_VERSION}.json.gz`);

const dir = mkdtempSync(path.join(tmpdir(), "dev-mcp-"));
try {
  execFileSync("npm", ["pack", `@shopify/dev-mcp@${DEV_MCP_VERSION}`, "--silent", "--pack-destination", dir], { stdio: ["ignore", "pipe", "inherit"] });
  const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"));
  if (!tarball) throw new Error("npm pack produced no tarball");
  const member = `package/dist/data/admin_${API_VERSION}.json.gz`;
  execFileSync("tar", ["-xzf", path.join(dir, tarball), "-C", dir, member]);
  const introspection = JSON.parse(gunzipSync(readFileSync(path.join(dir, member))).toString("utf8"));
  const data = introspection.data ?? introspection;
  if (!data.__schema) throw new Error(`${member} is not an introspection result`);
  // Re-serialise deterministically so the vendored file only changes when the schema does.
  writeFileSync(target, gzipSync(JSON.stringify({ data }), { level: 9 }));
  console.log(`Wrote ${path.relative(process.cwd(), target)} (${data.__schema.types.length} types) from @shopify/dev-mcp@${DEV_MCP_VERSION}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
