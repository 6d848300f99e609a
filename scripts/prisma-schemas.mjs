// The two Prisma schemas Holdfast keeps in step (docs/decisions/003-two-databases.md):
// prisma/schema.prisma (SQLite, the source) and prisma/postgresql/schema.prisma (generated).
import { readFileSync } from "node:fs";

export const SQLITE_SCHEMA = "prisma/schema.prisma";
export const PG_SCHEMA = "prisma/postgresql/schema.prisma";
export const SQLITE_MIGRATIONS = "prisma/migrations";
export const PG_MIGRATIONS = "prisma/postgresql/migrations";
/** The source schema as of the newest migration; `db:migration` diffs against it. */
export const MIGRATED_SNAPSHOT = "prisma/migrations/.schema-at-last-migration.prisma";

const HEADER = `// GENERATED from prisma/schema.prisma by scripts/db-new-migration.mjs. Do not edit.
// PostgreSQL copy of the Holdfast schema; see docs/decisions/003-two-databases.md.
`;

/** Derive the PostgreSQL schema text from the SQLite source text. */
export function toPostgresSchema(source) {
  if (!/provider\s*=\s*"sqlite"/.test(source)) throw new Error("source schema must use the sqlite provider");
  return (
    HEADER +
    source
      .replace(/provider\s*=\s*"sqlite"/, 'provider = "postgresql"')
      // The PostgreSQL client is generated next to the SQLite one, under its own name.
      .replace(/(engineType\s*=\s*"client")/, '$1\n  output          = "../../node_modules/.prisma/client-pg"')
  );
}

export function readSource() {
  return readFileSync(SQLITE_SCHEMA, "utf8");
}
