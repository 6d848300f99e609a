#!/usr/bin/env node
// Unpacks the vendored Admin schema where @shopify/api-codegen-preset looks for it, then runs
// graphql-codegen, which writes app/types/admin.types.d.ts and admin.generated.d.ts.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { ADMIN_API_VERSION } from "../app/shopify/version.mjs";

const { data } = JSON.parse(gunzipSync(readFileSync(`app/shopify/schema/admin-${ADMIN_API_VERSION}.json.gz`)).toString("utf8"));
mkdirSync("app/types", { recursive: true });
writeFileSync(`app/types/admin-${ADMIN_API_VERSION}.schema.json`, JSON.stringify(data));
execFileSync("npx", ["graphql-codegen", ...process.argv.slice(2)], { stdio: "inherit" });
