#!/usr/bin/env node
// Creates a migration for both databases from a change to prisma/schema.prisma:
//   npm run db:migration -- add_jobs
// 1. regenerates prisma/postgresql/schema.prisma from the SQLite source;
// 2. diffs the schema at the last migration against the current one, for each provider,
//    with `prisma migrate diff` (offline; no shadow database needed);
// 3. writes prisma/migrations/<ts>_<name>/ and prisma/postgresql/migrations/<ts>_<name>/;
// 4. records the new snapshot.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { MIGRATED_SNAPSHOT, PG_MIGRATIONS, PG_SCHEMA, SQLITE_MIGRATIONS, readSource, toPostgresSchema } from "./prisma-schemas.mjs";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:migration -- <snake_case_name>");
  process.exit(2);
}

const source = readSource();
mkdirSync(path.dirname(PG_SCHEMA), { recursive: true });
writeFileSync(PG_SCHEMA, toPostgresSchema(source));

const previous = existsSync(MIGRATED_SNAPSHOT) ? readFileSync(MIGRATED_SNAPSHOT, "utf8") : null;
const tmp = mkdtempSync(path.join(tmpdir(), "holdfast-migration-"));
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);

function diff(provider, fromText, toText) {
  const toFile = path.join(tmp, `${provider}-to.prisma`);
  writeFileSync(toFile, toText);
  const from = fromText === null ? ["--from-empty"] : ["--from-schema-datamodel", write(path.join(tmp, `${provider}-from.prisma`), fromText)];
  return execFileSync("npx", ["prisma", "migrate", "diff", ...from, "--to-schema-datamodel", toFile, "--script"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }).replace(/^Loaded Prisma config.*\n+/m, "");
}
function write(file, text) {
  writeFileSync(file, text);
  return file;
}

const plans = [
  { provider: "sqlite", dir: SQLITE_MIGRATIONS, from: previous, to: source },
  { provider: "postgresql", dir: PG_MIGRATIONS, from: previous && toPostgresSchema(previous), to: toPostgresSchema(source) },
];
const scripts = plans.map((p) => ({ ...p, sql: diff(p.provider, p.from, p.to) }));
if (scripts.every((s) => /empty migration/i.test(s.sql) || s.sql.trim() === "")) {
  console.log("No schema changes since the last migration.");
  process.exit(0);
}
for (const s of scripts) {
  const folder = path.join(s.dir, `${stamp}_${name}`);
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, "migration.sql"), s.sql);
  writeFileSync(path.join(s.dir, "migration_lock.toml"), `# Do not edit: written by scripts/db-new-migration.mjs\nprovider = "${s.provider}"\n`);
  console.log(`Wrote ${folder}/migration.sql`);
}
writeFileSync(MIGRATED_SNAPSHOT, source);
