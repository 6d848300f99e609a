#!/usr/bin/env node
// Generates both Prisma clients: @prisma/client (SQLite) and .prisma/client-pg (PostgreSQL).
// Each schema's env("DATABASE_URL") must look like its own provider, so set one per run.
import { execFileSync } from "node:child_process";
import { PG_SCHEMA, SQLITE_SCHEMA } from "./prisma-schemas.mjs";

for (const [schema, url] of [
  [SQLITE_SCHEMA, "file:./prisma/holdfast.sqlite"],
  [PG_SCHEMA, "postgresql://generate@localhost/unused"],
]) {
  execFileSync("npx", ["prisma", "generate", "--schema", schema], { stdio: "inherit", env: { ...process.env, DATABASE_URL: url } });
}
