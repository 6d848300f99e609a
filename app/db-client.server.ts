// Creates Prisma clients. The driver adapter and generated client follow the URL:
// SQLite (better-sqlite3) for file: URLs, PostgreSQL (pg) for postgres:// URLs.
// See docs/decisions/003-two-databases.md. The app's own client is in db.server.ts.
import { createRequire } from "node:module";
import { PrismaClient } from "@prisma/client";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { databaseKind } from "./database-url.mjs";

/** Both generated clients have the same model API; we type them as the SQLite one. */
export type Db = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

const require = createRequire(import.meta.url);

export function createPrismaClient(url: string): Db {
  if (databaseKind(url) === "postgresql") {
    // `?schema=` selects a PostgreSQL schema (the tests give each file its own); pg itself must not see it.
    const parsed = new URL(url);
    const schemaName = parsed.searchParams.get("schema") ?? undefined;
    parsed.searchParams.delete("schema");
    const { PrismaClient: PgClient } = require(".prisma/client-pg") as { PrismaClient: new (o: object) => unknown };
    const adapter = new PrismaPg({ connectionString: parsed.toString(), max: 10 }, { schema: schemaName });
    return new PgClient({ adapter }) as Db;
  }
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url }) });
}

/**
 * A unique-constraint violation (Prisma P2002). Checked by code, not `instanceof`: the SQLite and
 * PostgreSQL clients are generated separately and each has its own error classes.
 */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}
