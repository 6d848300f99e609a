// Runs once before the suite: builds a migrated SQLite template that each test file copies
// (fast, isolated), using the same `prisma migrate deploy` that `npm run setup` uses.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { enableSqliteWal } from "../../scripts/db-migrate.mjs";

export const TEMPLATE_DIR = path.resolve(".cache/test");
export const SQLITE_TEMPLATE = path.join(TEMPLATE_DIR, "template.sqlite");

export default function setup() {
  mkdirSync(TEMPLATE_DIR, { recursive: true });
  rmSync(SQLITE_TEMPLATE, { force: true });
  execFileSync("npx", ["prisma", "migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: `file:${SQLITE_TEMPLATE}` },
    stdio: ["ignore", "ignore", "pipe"],
  });
  enableSqliteWal(`file:${SQLITE_TEMPLATE}`);
}
