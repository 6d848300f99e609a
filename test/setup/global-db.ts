// Runs once before the suite: builds the app, and a migrated SQLite template that each test file copies
// (fast, isolated), using the same migration step as `npm run setup` (scripts/db-migrate.mjs).
// Each run gets its own template folder, so two test runs in one checkout never collide.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    sqliteTemplate: string;
  }
}

export default function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(tmpdir(), "holdfast-template-"));
  const template = path.join(dir, "template.sqlite");
  execFileSync(process.execPath, ["scripts/db-migrate.mjs"], {
    env: { ...process.env, DATABASE_URL: `file:${template}` },
    stdio: ["ignore", "ignore", "pipe"],
  });
  project.provide("sqliteTemplate", template);
  // The production build that the HTTP tests start (scripts/lib/app-process.ts), built once per run.
  execFileSync("npx", ["remix", "vite:build"], { stdio: ["ignore", "ignore", "pipe"] });
  return () => rmSync(dir, { recursive: true, force: true });
}
