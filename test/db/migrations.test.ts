// The two schemas and their migrations stay in step (docs/decisions/003-two-databases.md):
// - the PostgreSQL schema is exactly the one generated from the SQLite source;
// - the source has no change that lacks a migration;
// - for each database, applying the migrations gives the same tables, columns and indexes as
//   creating the current schema from empty.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { describe, expect, it, inject } from "vitest";
import { MIGRATED_SNAPSHOT, PG_SCHEMA, SQLITE_SCHEMA, readSource, toPostgresSchema } from "../../scripts/prisma-schemas.mjs";
import { applyPostgresMigrations, readMigrations } from "../../scripts/db-migrate.mjs";
import { pgUrl } from "../support/db";

function fromEmptyScript(schemaFile: string, url: string): string {
  return execFileSync("npx", ["prisma", "migrate", "diff", "--from-empty", "--to-schema-datamodel", schemaFile, "--script"], {
    encoding: "utf8",
    env: { ...process.env, DATABASE_URL: url },
    stdio: ["ignore", "pipe", "ignore"],
  });
}

function sqliteShape(file: string) {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db
      .prepare(`SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
      .all() as { name: string }[];
    return tables.map(({ name }) => ({
      name,
      columns: db.prepare(`PRAGMA table_info("${name}")`).all(),
      indexes: (db.prepare(`PRAGMA index_list("${name}")`).all() as { name: string; unique: number }[])
        .map((i) => ({ name: i.name, unique: i.unique, cols: (db.prepare(`PRAGMA index_info("${i.name}")`).all() as { name: string }[]).map((c) => c.name) }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    }));
  } finally {
    db.close();
  }
}

describe("schema sources", () => {
  it("prisma/postgresql/schema.prisma is generated from prisma/schema.prisma", () => {
    expect(readFileSync(PG_SCHEMA, "utf8")).toBe(toPostgresSchema(readSource()));
  });

  it("every change to prisma/schema.prisma has a migration (npm run db:migration -- <name>)", () => {
    expect(readFileSync(MIGRATED_SNAPSHOT, "utf8")).toBe(readFileSync(SQLITE_SCHEMA, "utf8"));
  });

  it("both databases have the same migrations", () => {
    const sqlite = readMigrations("prisma/migrations").map((m) => m.name);
    expect(sqlite.length).toBeGreaterThan(0);
    expect(readMigrations("prisma/postgresql/migrations").map((m) => m.name)).toEqual(sqlite);
  });
});

describe("SQLite migrations", () => {
  it("leave the database in write-ahead-log mode", () => {
    const db = new Database(inject("sqliteTemplate"), { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    db.close();
  });

  it("produce the same database as the current schema", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "holdfast-mig-"));
    const expected = path.join(dir, "expected.sqlite");
    const db = new Database(expected);
    db.exec(fromEmptyScript(SQLITE_SCHEMA, `file:${expected}`));
    db.close();
    const got = sqliteShape(inject("sqliteTemplate"));
    expect(got.map((t) => t.name)).toContain("WebhookDelivery");
    expect(got).toEqual(sqliteShape(expected));
  });
});

(pgUrl ? describe : describe.skip)(`PostgreSQL migrations${pgUrl ? "" : " [set TEST_DATABASE_URL to run]"}`, () => {
  async function shape(client: pg.Client, schema: string) {
    const columns = await client.query(
      `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
       WHERE table_schema = $1 AND table_name NOT LIKE '\\_%' ORDER BY table_name, column_name`,
      [schema],
    );
    const indexes = await client.query(
      `SELECT tablename, indexname, indexdef AS def FROM pg_indexes
       WHERE schemaname = $1 AND tablename NOT LIKE '\\_%' ORDER BY tablename, indexname`,
      [schema],
    );
    return { columns: columns.rows, indexes: indexes.rows.map((r) => ({ ...r, def: String(r.def).replaceAll(schema, "S") })) };
  }

  it("produce the same database as the current schema, and re-running applies nothing", async () => {
    const suffix = Math.random().toString(36).slice(2, 10);
    const migrated = `m_${suffix}`;
    const fresh = `e_${suffix}`;
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    try {
      const applied = await applyPostgresMigrations({ connectionString: pgUrl!, schema: migrated });
      expect(applied).toEqual(readMigrations("prisma/postgresql/migrations").map((m) => m.name));
      expect(await applyPostgresMigrations({ connectionString: pgUrl!, schema: migrated })).toEqual([]);

      await client.query(`CREATE SCHEMA "${fresh}"`);
      await client.query(`SET search_path TO "${fresh}"`);
      await client.query(fromEmptyScript(PG_SCHEMA, pgUrl!));
      const got = await shape(client, migrated);
      expect(got.columns.length).toBeGreaterThan(10);
      expect(got).toEqual(await shape(client, fresh));
    } finally {
      await client.query(`DROP SCHEMA IF EXISTS "${migrated}" CASCADE`);
      await client.query(`DROP SCHEMA IF EXISTS "${fresh}" CASCADE`);
      await client.end();
    }
  });

  it("npm run setup / npm start migrate the schema that DATABASE_URL names with ?schema=, which the app reads", async () => {
    const schema = `u_${Math.random().toString(36).slice(2, 10)}`;
    const url = new URL(pgUrl!);
    url.searchParams.set("schema", schema);
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    try {
      execFileSync(process.execPath, ["scripts/db-migrate.mjs"], { env: { ...process.env, DATABASE_URL: url.toString() }, stdio: "ignore" });
      const tables = await client.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'Job'`, [schema]);
      expect(tables.rows[0].n).toBe(1);
    } finally {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    }
  });
});
