// Test databases. Every suite that touches the database runs once per available kind:
// SQLite always; PostgreSQL when TEST_DATABASE_URL points at a server (each file gets its own
// schema, migrated by the same runner production uses). Without it the PostgreSQL runs are
// reported as skipped, never as passed.
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, inject } from "vitest";
import { createPrismaClient, type Db } from "../../app/db-client.server";
import { applyPostgresMigrations } from "../../scripts/db-migrate.mjs";

export type DbKind = "sqlite" | "postgresql";

export const pgUrl = process.env.TEST_DATABASE_URL;

export interface TestDb {
  kind: DbKind;
  url: string;
  db: Db;
}

/** A fresh, migrated database of the given kind. */
export async function createTestDb(kind: DbKind): Promise<TestDb & { drop: () => Promise<void> }> {
  if (kind === "sqlite") {
    const dir = mkdtempSync(path.join(tmpdir(), "holdfast-test-"));
    const file = path.join(dir, "test.sqlite");
    copyFileSync(inject("sqliteTemplate"), file);
    const url = `file:${file}`;
    const db = createPrismaClient(url);
    return { kind, url, db, drop: async () => { await db.$disconnect(); rmSync(dir, { recursive: true, force: true }); } };
  }
  if (!pgUrl) throw new Error("TEST_DATABASE_URL is not set");
  const schema = `t_${randomUUID().replace(/-/g, "").slice(0, 16)}`;
  await applyPostgresMigrations({ connectionString: pgUrl, schema });
  const url = withSchema(pgUrl, schema);
  const db = createPrismaClient(url);
  return {
    kind,
    url,
    db,
    drop: async () => {
      await db.$disconnect();
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      try {
        // A process of the test (a built app, a worker) may still be finishing a query on the schema:
        // a deadlock with the DROP (40P01) is retried, not reported as the test's failure.
        for (let attempt = 1; ; attempt++) {
          try {
            await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
            break;
          } catch (error) {
            if ((error as { code?: string }).code !== "40P01" || attempt >= 5) throw error;
            await new Promise((r) => setTimeout(r, 200 * attempt));
          }
        }
      } finally {
        await client.end();
      }
    },
  };
}

export function withSchema(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set("schema", schema);
  return u.toString();
}

/**
 * describe() once per database kind. The body gets a getter for the current TestDb
 * (created in beforeAll, dropped in afterAll).
 */
export function describeEachDb(name: string, body: (get: () => TestDb) => void) {
  for (const kind of ["sqlite", "postgresql"] as const) {
    const available = kind === "sqlite" || Boolean(pgUrl);
    const title = available ? `${name} [${kind}]` : `${name} [${kind}: set TEST_DATABASE_URL to run]`;
    (available ? describe : describe.skip)(title, () => {
      let current: Awaited<ReturnType<typeof createTestDb>> | undefined;
      beforeAll(async () => {
        current = await createTestDb(kind);
      });
      afterAll(async () => {
        await current?.drop();
      });
      body(() => {
        if (!current) throw new Error("test database not ready");
        return current;
      });
    });
  }
}
