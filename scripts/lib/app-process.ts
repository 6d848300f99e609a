// Starts the production build (`node scripts/serve.mjs build/server/index.js`, what `npm start`
// runs after the migrations) as a child process, so tests exercise the real HTTP stack, routes,
// start-up validation and shutdown. The child is the server itself (no npm or shell in between),
// so signals sent to it reach the app.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { createHmac, randomUUID } from "node:crypto";

export const TEST_API_KEY = "holdfast-test-key";
export const TEST_API_SECRET = "holdfast-test-secret";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      srv.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export interface RunningApp {
  baseUrl: string;
  child: ChildProcess;
  output: () => string;
  /** SIGTERM, then wait for the exit; SIGKILL after `timeoutMs` (default 15 s) so a caller is never stuck. */
  stop: (timeoutMs?: number) => Promise<void>;
}

export function appEnv(overrides: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    SHOPIFY_API_KEY: TEST_API_KEY,
    SHOPIFY_API_SECRET: TEST_API_SECRET,
    SHOPIFY_APP_URL: "https://holdfast.test",
    ...overrides,
  };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  return env;
}

/** Spawn `node scripts/serve.mjs build/server/index.js` on a free port, collecting its output. */
async function spawnApp(overrides: Record<string, string | undefined>) {
  const port = await freePort();
  // HOLDFAST_APP_NODE_ARGS: extra node flags for the app process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile a bench.
  const nodeArgs = process.env.HOLDFAST_APP_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, "scripts/serve.mjs", "build/server/index.js"], {
    env: appEnv({ PORT: String(port), HOST: "127.0.0.1", ...overrides }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d) => (out += String(d)));
  child.stderr?.on("data", (d) => (out += String(d)));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
  return { child, baseUrl: `http://127.0.0.1:${port}`, output: () => out, exited };
}

/** Start the built app; resolves once it answers HTTP. */
export async function startApp(overrides: Record<string, string | undefined>): Promise<RunningApp> {
  const { child, baseUrl, output, exited } = await spawnApp(overrides);
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}:\n${output()}`);
    try {
      await fetch(baseUrl, { signal: AbortSignal.timeout(1000) });
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`app did not start:\n${output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    baseUrl,
    child,
    output,
    stop: async (timeoutMs = 15_000) => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Run the built app expecting it to exit; returns its exit code and output. */
export async function runAppToExit(overrides: Record<string, string | undefined>): Promise<{ code: number | null; output: string }> {
  const { child, output, exited } = await spawnApp(overrides);
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  const code = await exited;
  clearTimeout(timer);
  return { code, output: output() };
}

/** Headers of a webhook delivery as Shopify sends it, signed with `secret`. */
export function signedWebhook(topic: string, shop: string, body: string, secret = TEST_API_SECRET, webhookId = randomUUID()) {
  return {
    "Content-Type": "application/json",
    "X-Shopify-Topic": topic,
    "X-Shopify-Shop-Domain": shop,
    "X-Shopify-API-Version": "2026-07",
    "X-Shopify-Webhook-Id": webhookId,
    "X-Shopify-Event-Id": randomUUID(),
    "X-Shopify-Triggered-At": new Date().toISOString(),
    "X-Shopify-Hmac-Sha256": createHmac("sha256", secret).update(body, "utf8").digest("base64"),
  };
}
