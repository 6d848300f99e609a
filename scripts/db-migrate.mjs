#!/usr/bin/env node
// Applies pending migrations to DATABASE_URL (SQLite by default).
// - SQLite: `prisma migrate deploy` (works offline with the JS schema engine).
// - PostgreSQL: Prisma's JS engine cannot migrate PostgreSQL yet (prisma/orm#27403), so this
//   file applies prisma/postgresql/migrations/*/migration.sql itself: in name order, each in a
//   transaction, recorded with a checksum in "_holdfast_migrations", under an advisory lock so
//   several processes starting at once apply each migration exactly once.
//   See docs/decisions/003-two-databases.md.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import pg from "pg";
import { databaseKind, defaultSqliteUrl } from "../app/database-url.mjs";
import { PG_MIGRATIONS } from "./prisma-schemas.mjs";

const LOCK_KEY = 7_310_420_119; // any constant; identifies Holdfast's migration lock

/** @returns {{name: string, sql: string, checksum: string}[]} */
export function readMigrations(dir = PG_MIGRATIONS) {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

/**
 * Apply pending PostgreSQL migrations. `schema` (optional) targets a schema other than public,
 * which the test suite uses to give each test file its own database.
 * @returns {Promise<string[]>} names of the migrations applied now
 */
export async function applyPostgresMigrations({ connectionString, schema, dir = PG_MIGRATIONS, log = () => {} }) {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    if (schema) {
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema.replace(/"/g, '""')}"`);
      await client.query(`SET search_path TO "${schema.replace(/"/g, '""')}"`);
    }
    await client.query("SELECT pg_advisory_lock($1)", [LOCK_KEY]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS "_holdfast_migrations" (
        name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      const { rows } = await client.query(`SELECT name, checksum FROM "_holdfast_migrations"`);
      const applied = new Map(rows.map((r) => [r.name, r.checksum]));
      const done = [];
      for (const m of readMigrations(dir)) {
        const seen = applied.get(m.name);
        if (seen !== undefined) {
          if (seen !== m.checksum) throw new Error(`Migration ${m.name} was changed after it was applied (checksum differs)`);
          continue;
        }
        await client.query("BEGIN");
        try {
          await client.query(m.sql);
          await client.query(`INSERT INTO "_holdfast_migrations" (name, checksum) VALUES ($1, $2)`, [m.name, m.checksum]);
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK");
          throw new Error(`Migration ${m.name} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
        log(`applied ${m.name}`);
        done.push(m.name);
      }
      return done;
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

/**
 * SQLite: switch the file to write-ahead logging (persistent in the file), so readers such as the
 * dashboard never block the writer and commits are cheaper.
 */
function enableSqliteWal(url) {
  const file = url.replace(/^file:/i, "").split("?")[0];
  const db = new Database(file);
  try {
    db.pragma("journal_mode = WAL");
  } finally {
    db.close();
  }
}

async function main() {
  const url = process.env.DATABASE_URL || defaultSqliteUrl;
  if (databaseKind(url) === "postgresql") {
    // `?schema=` names the schema the app reads (app/db-client.server.ts); migrate that one, and
    // keep the parameter away from pg, as the app does.
    const parsed = new URL(url);
    const schema = parsed.searchParams.get("schema") ?? undefined;
    parsed.searchParams.delete("schema");
    const done = await applyPostgresMigrations({ connectionString: parsed.toString(), schema, log: (m) => console.log(`[db] ${m}`) });
    console.log(`[db] PostgreSQL${schema ? ` schema ${schema}` : ""} up to date (${done.length} migration(s) applied now)`);
  } else {
    execFileSync("npx", ["prisma", "migrate", "deploy"], { stdio: "inherit", env: { ...process.env, DATABASE_URL: url } });
    enableSqliteWal(url);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(`[db] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
