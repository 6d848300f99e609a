// `npm run demo` stays runnable: a short run on a throwaway SQLite file, end to end.
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";

it("streams orders and disputes through the real webhook endpoints and reports what it did", async () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "holdfast-demo-")), "demo.sqlite");
  const { stdout } = await promisify(execFile)("npx", ["tsx", "scripts/demo.ts", "--once", "--orders", "20"], {
    env: { ...process.env, DEMO_DATABASE_URL: `file:${file}` },
    timeout: 120_000,
  });
  expect(stdout).toMatch(/installed: offline token stored/);
  expect(stdout).toMatch(/recorded ORDERS_CREATE\s+20\b/);
  expect(stdout).toMatch(/recorded DISPUTES_CREATE\s+5\b/);
  expect(stdout).toMatch(/not built yet:/);
}, 150_000);
