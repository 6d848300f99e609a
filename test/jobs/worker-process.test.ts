// `npm run worker` as a process: it stays up while idle, and SIGTERM lets it finish and exit 0.
import { spawn } from "node:child_process";
import { expect, it } from "vitest";
import { createTestDb } from "../support/db";
import { appEnv } from "../../scripts/lib/app-process";

it("an idle worker process keeps running until SIGTERM, then exits cleanly", async () => {
  const t = await createTestDb("sqlite");
  try {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
      env: appEnv({ DATABASE_URL: t.url, HOLDFAST_WORKER_POLL_MS: "50" }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += String(d)));
    child.stderr.on("data", (d) => (out += String(d)));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    const deadline = Date.now() + 15_000;
    while (!out.includes("started") && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    expect(out).toMatch(/holdfast worker \S+ started/);
    await new Promise((r) => setTimeout(r, 1500)); // idle: nothing queued
    expect(child.exitCode, out).toBeNull();
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(out).toMatch(/SIGTERM, finishing running jobs/);
  } finally {
    await t.drop();
  }
});
