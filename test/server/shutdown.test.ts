// Shutdown, as a host does it on every deploy: one SIGTERM, then a kill after a grace period.
// For both process kinds (`npm start`: web + in-process worker; `npm run worker`) on both
// databases: with a job in flight whose Shopify call hangs (and, for the web process, an idle
// keep-alive connection), the process exits 0 within a few seconds, and the job it was running is
// back in the queue at once, its attempt not used, for another process to claim. And `npm start`
// itself passes the signal on to the server.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDb, describeEachDb } from "../support/db";
import { installOffline } from "../support/pipeline";
import { TEST_API_KEY, TEST_API_SECRET, appEnv, freePort, startApp } from "../../scripts/lib/app-process";
import { OrderFactory, ShopifyEmulator, WebhookSender, startEmulatorServer, type RunningEmulator } from "../../emulator/index";
import { acceptWebhook } from "../../app/webhooks/accept.server";
import { routeOfTopic } from "../../app/webhooks/subscriptions.server";
import { claim, complete } from "../../app/jobs/queue.server";
import type { Db } from "../../app/db-client.server";

/** Running jobs get this long after SIGTERM; then they are aborted and released. */
const GRACE_MS = 1_000;
/** The whole shutdown, grace included, must take at most this long. */
const EXIT_WITHIN_MS = 5_000;

const orders = new OrderFactory({ seed: 10 });

/** Send SIGTERM; resolves with the exit code and how long the exit took (SIGKILL after 15 s: code null). */
async function terminate(child: ChildProcess): Promise<{ code: number | null; ms: number }> {
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const t0 = Date.now();
  child.kill("SIGTERM");
  const killer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  const code = await exited;
  clearTimeout(killer);
  return { code, ms: Date.now() - t0 };
}

async function waitFor(what: string, check: () => Promise<boolean> | boolean, output: () => string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${output()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Every job of `shop` that was running is queued again, due now, attempts not used; another worker gets them at once. */
async function expectReleased(db: Db, shop: string, kind: string) {
  const rows = await db.job.findMany({ where: { shop } });
  expect(rows.filter((r) => r.state === "running")).toEqual([]);
  const job = rows.find((r) => r.kind === kind);
  expect([job?.state, job?.attempts, job?.leaseOwner]).toEqual(["queued", 0, null]);
  expect(job!.runAt.getTime()).toBeLessThanOrEqual(Date.now());
  const claimed = await claim(db, { owner: "next-process", limit: 10, leaseMs: 600_000, kinds: [kind] });
  expect(claimed.map((j) => [j.id, j.attempt])).toEqual([[job!.id, 1]]);
  // Finish it here, so no other process of this file picks it up.
  for (const j of claimed) await complete(db, j);
}

describeEachDb("shutdown on SIGTERM", (get) => {
  let emulator: ShopifyEmulator;
  let server: RunningEmulator;
  /** Admin API calls currently held by the injected latency: the work in flight. */
  let hanging = 0;
  const held = new Set<() => void>();
  beforeAll(async () => {
    emulator = new ShopifyEmulator({
      apiKey: TEST_API_KEY,
      apiSecret: TEST_API_SECRET,
      // Injected latency waits here: counted, and let go when the test ends.
      sleep: (ms) =>
        new Promise<void>((resolve) => {
          hanging++;
          const done = () => {
            hanging--;
            held.delete(done);
            resolve();
          };
          held.add(done);
          setTimeout(done, ms).unref();
        }),
    });
    server = await startEmulatorServer(emulator);
    // Every Admin API call hangs for a minute: the jobs that make one are in flight at SIGTERM.
    emulator.faults.latency(60_000, { target: "graphql" });
  });
  afterAll(async () => {
    for (const done of [...held]) done();
    await server?.stop();
  });

  it("npm start (web + in-process worker): exits 0 within seconds, releasing the job in flight; an idle keep-alive connection does not hold it", async () => {
    const { db, url } = get();
    const shop = "shutdown-web.myshopify.com";
    emulator.createShop(shop);
    await installOffline(db, emulator, shop);
    const app = await startApp({ DATABASE_URL: url, SHOPIFY_API_ORIGIN_OVERRIDE: server.baseUrl, HOLDFAST_SHUTDOWN_GRACE_MS: String(GRACE_MS) });
    const agent = new http.Agent({ keepAlive: true });
    try {
      // An order arrives; the in-process worker starts screening it and waits on the Admin API.
      const sender = new WebhookSender(emulator, { targetBaseUrl: app.baseUrl, retrySchedule: [] });
      const order = emulator.shop(shop).addOrder(orders.legit().draft);
      expect((await sender.deliver(sender.ordersCreate(shop, order.id))).ok).toBe(true);
      const screening = () => db.job.findFirst({ where: { shop, kind: "screen_order" } });
      await waitFor("the screening job in flight", async () => (await screening())?.state === "running" && hanging > 0, app.output);

      // An idle keep-alive connection: the answer was read, the socket stays open in the agent.
      await new Promise<void>((resolve, reject) => {
        http.get(`${app.baseUrl}/`, { agent }, (res) => {
          res.resume();
          res.on("end", resolve);
        }).on("error", reject);
      });
      await waitFor("the idle keep-alive socket", () => Object.values(agent.freeSockets).flat().length === 1, app.output);

      const { code, ms } = await terminate(app.child);
      expect(code, app.output()).toBe(0);
      expect(ms, app.output()).toBeLessThanOrEqual(EXIT_WITHIN_MS);
      await expectReleased(db, shop, "screen_order");
    } finally {
      agent.destroy();
      await app.stop();
    }
  }, 60_000);

  it("npm run worker: exits 0 within seconds, releasing the job in flight", async () => {
    const { db, url } = get();
    const shop = "shutdown-worker.myshopify.com";
    emulator.createShop(shop);
    await installOffline(db, emulator, shop);
    // Queue an order through Holdfast's real intake.
    const sender = new WebhookSender(emulator, { targetBaseUrl: "http://holdfast.invalid" });
    const d = sender.ordersCreate(shop, emulator.shop(shop).addOrder(orders.legit().draft).id);
    const res = await acceptWebhook(new Request("https://holdfast.test/webhooks/orders/create", { method: "POST", headers: sender.headers(d), body: d.body }), routeOfTopic(d.topic).route, db);
    expect(res.status).toBe(200);

    // Spawned as one process (not through npm), as a host runs it, so the signal reaches the worker.
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
      env: appEnv({ DATABASE_URL: url, SHOPIFY_API_ORIGIN_OVERRIDE: server.baseUrl, HOLDFAST_WORKER_POLL_MS: "50", HOLDFAST_SHUTDOWN_GRACE_MS: String(GRACE_MS) }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (chunk) => (out += String(chunk)));
    child.stderr.on("data", (chunk) => (out += String(chunk)));
    try {
      const screening = () => db.job.findFirst({ where: { shop, kind: "screen_order" } });
      await waitFor("the screening job in flight", async () => (await screening())?.state === "running" && hanging > 0, () => out);
      const { code, ms } = await terminate(child);
      expect(code, out).toBe(0);
      expect(ms, out).toBeLessThanOrEqual(EXIT_WITHIN_MS);
      await expectReleased(db, shop, "screen_order");
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  }, 60_000);
});

/** The process and all its descendants, e.g. npm -> sh -> node. */
function processTree(pid: number): number[] {
  let children: number[] = [];
  try {
    children = execFileSync("ps", ["-o", "pid=", "--ppid", String(pid)], { encoding: "utf8" }).split("\n").map(Number).filter(Boolean);
  } catch {
    // no children: ps exits 1
  }
  return [pid, ...children.flatMap(processTree)];
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it("npm start: a SIGTERM sent to npm reaches the server, and every process of it exits", async () => {
  const t = await createTestDb("sqlite");
  const port = await freePort();
  const npm = spawn("npm", ["start"], { env: appEnv({ DATABASE_URL: t.url, PORT: String(port), HOST: "127.0.0.1" }), stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  npm.stdout.on("data", (chunk) => (out += String(chunk)));
  npm.stderr.on("data", (chunk) => (out += String(chunk)));
  let tree: number[] = [];
  try {
    await waitFor("the server to answer", () => fetch(`http://127.0.0.1:${port}/`).then(() => true, () => false), () => out, 40_000);
    tree = processTree(npm.pid!);
    const { code, ms } = await terminate(npm);
    expect(code, out).toBe(0);
    expect(ms, out).toBeLessThanOrEqual(EXIT_WITHIN_MS);
    // No server left behind (as when npm's shell died and its child kept running).
    await new Promise((r) => setTimeout(r, 200));
    expect(tree.filter(alive), out).toEqual([]);
  } finally {
    for (const pid of tree.filter(alive)) process.kill(pid, "SIGKILL");
    await t.drop();
  }
}, 60_000);
