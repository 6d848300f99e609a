import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { databaseKind, defaultSqliteUrl } from "./app/database-url.mjs";

// Prisma runs offline here: the JS schema engine with a driver adapter (see docs/decisions/003-two-databases.md).
// SQLite is the default; a postgres:// DATABASE_URL selects the generated PostgreSQL schema.
// The schema reads env("DATABASE_URL"), so the default must be visible to Prisma too.
process.env.DATABASE_URL ??= defaultSqliteUrl;
const url = process.env.DATABASE_URL;
const postgres = databaseKind(url) === "postgresql";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: postgres ? path.join("prisma", "postgresql", "schema.prisma") : path.join("prisma", "schema.prisma"),
  async adapter() {
    return postgres ? new PrismaPg({ connectionString: url }) : new PrismaBetterSQLite3({ url });
  },
});
