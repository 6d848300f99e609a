#!/usr/bin/env node
// `npm start`'s web server (after the migrations): `node scripts/serve.mjs [build/server/index.js]`.
// It serves the Remix build as remix-serve did (compression; build/client cached for a year as
// immutable, public/ for an hour; a one-line log per request, for webhook deliveries only the failed ones, as the database records each; Remix's globals; PORT, HOST) and owns
// the process's shutdown, which remix-serve did not (docs/decisions/009-shutdown.md). On SIGTERM or
// SIGINT: stop accepting connections and close idle keep-alive ones; open requests and running jobs
// get HOLDFAST_SHUTDOWN_GRACE_MS; then the remaining connections are closed, unfinished jobs are
// released to the queue, the database is closed, and the process exits 0.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import { installGlobals } from "@remix-run/node";
import compression from "compression";
import express from "express";
import morgan from "morgan";
import { MAX_WEBHOOK_BODY_BYTES } from "../app/webhooks/limits.mjs";

process.env.NODE_ENV = process.env.NODE_ENV ?? "production";

const buildPath = path.resolve(process.argv[2] ?? "build/server/index.js");
// Importing the build validates the environment and starts the in-process worker (app/entry.server.tsx).
const build = await import(pathToFileURL(buildPath).href);
/** @type {(drain: (graceMs: number) => Promise<void>) => Promise<void>} */
const shutdownApp = build.entry.module.shutdown;
if (typeof shutdownApp !== "function") throw new Error(`${buildPath}: the server entry exports no shutdown()`);
/** @type {(target: {has(name: string): boolean; set(name: string, value: string): void}) => void} */
const applySecurityHeaders = build.entry.module.applySecurityHeaders;
if (typeof applySecurityHeaders !== "function") throw new Error(`${buildPath}: the server entry exports no applySecurityHeaders()`);
// Node's own Request, kept before installGlobals swaps in Remix's polyfill (for the webhook fast path below).
const NativeRequest = globalThis.Request;
installGlobals({ nativeFetch: build.future.v3_singleFetch });

let closing = false;
const app = express();
app.disable("x-powered-by");
app.use(securityHeaders());
// Webhook deliveries first: their answers are empty (nothing to compress), and each one is recorded
// in WebhookDelivery, so only a failed one is logged (below).
app.use(webhookFastPath(build));
app.use(compression());
app.use(build.publicPath, express.static(build.assetsBuildDirectory, { immutable: true, maxAge: "1y" }));
app.use(express.static("public", { maxAge: "1h" }));
app.use(morgan("tiny"));
app.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV }));

/**
 * Every response gets the app's security headers (app/http/security-headers.ts: nosniff,
 * Referrer-Policy, a frame-ancestors policy for those without one), whoever answers it: static
 * files, the webhook fast path, Remix, Express's own errors. They are added as the headers are
 * written, so a header the answer set itself (an embedded page's frame-ancestors) is kept and none
 * is sent twice.
 */
function securityHeaders() {
  return (_req, res, next) => {
    const writeHead = res.writeHead;
    res.writeHead = function writeHeadWithSecurityHeaders(...args) {
      if (!res.headersSent) applySecurityHeaders({ has: (name) => res.hasHeader(name), set: (name, value) => res.setHeader(name, value) });
      return writeHead.apply(this, args);
    };
    next();
  };
}

/**
 * Webhook deliveries (POST to a `webhooks/...` route) go straight to their route module's action,
 * the same function Remix would call, without Remix's document/data pipeline (route matching,
 * request conversion, response headers for pages), which a webhook does not use and which cost
 * about a fifth of the CPU per delivery at 1,000 deliveries/s (docs/benchmarks.md). Routes come
 * from the build's own route table; anything else falls through to Remix.
 *
 * The body is collected here, so it is capped here, with the app's own limit (app/webhooks/limits.mjs,
 * docs/security.md): a Content-Length above it is answered 413 before reading, and a body that
 * grows past it is answered 413 as soon as it does, the bytes held dropped and the rest not kept
 * (`tooLarge`). The action checks the HMAC over exactly these bytes.
 */
function webhookFastPath(remixBuild) {
  const actions = new Map(
    Object.values(remixBuild.routes)
      .filter((r) => r.parentId === "root" && typeof r.path === "string" && r.path.startsWith("webhooks/") && typeof r.module.action === "function")
      .map((r) => [`/${r.path}`, r.module.action]),
  );
  return (req, res, next) => {
    const action = req.method === "POST" ? actions.get(req.path) : undefined;
    if (!action) return next();
    if (Number(req.headers["content-length"]) > MAX_WEBHOOK_BODY_BYTES) return tooLarge(req, res);
    let chunks = [];
    let size = 0;
    let refused = false;
    req.on("data", (chunk) => {
      size += chunk.length;
      if (size <= MAX_WEBHOOK_BODY_BYTES) return void chunks.push(chunk);
      refused = true;
      chunks = [];
      tooLarge(req, res);
    });
    req.on("error", (error) => (refused ? undefined : next(error)));
    req.on("end", async () => {
      if (refused) return;
      try {
        const headers = new Headers();
        for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
        const url = `http://${req.headers.host ?? "localhost"}${req.originalUrl}`;
        const request = new NativeRequest(url, { method: "POST", headers, body: Buffer.concat(chunks) });
        const response = await action({ request, params: {}, context: {} });
        res.status(response.status);
        if (response.status >= 400) console.log(`POST ${req.path} ${response.status}`);
        response.headers.forEach((value, key) => res.setHeader(key, value));
        res.end(response.body ? Buffer.from(await response.arrayBuffer()) : undefined);
      } catch (error) {
        next(error);
      }
    });
  };
}

/**
 * 413, then the rest of the body is read and dropped, never kept, so that a client still sending
 * can read the answer: closing at once resets the connection under it, and over loopback a client
 * was seen to send up to 9 MiB more before it read the answer. After LINGER_BYTES dropped, or
 * LINGER_MS, the connection is closed.
 */
const LINGER_BYTES = 16 * MAX_WEBHOOK_BODY_BYTES;
const LINGER_MS = 5000;
function tooLarge(req, res) {
  console.log(`POST ${req.path} 413`);
  let dropped = 0;
  const close = () => req.socket.destroy();
  const timer = setTimeout(close, LINGER_MS).unref();
  req.removeAllListeners("data");
  req.on("data", (chunk) => {
    dropped += chunk.length;
    if (dropped > LINGER_BYTES) close();
  });
  req.once("end", () => clearTimeout(timer));
  req.once("close", () => clearTimeout(timer));
  req.resume();
  res.status(413).type("text/plain").end("Payload Too Large");
}

const port = Number(process.env.PORT ?? 3000);
const onListen = () => console.log(`[holdfast] listening on http://${process.env.HOST ?? "localhost"}:${port}`);
const server = process.env.HOST ? app.listen(port, process.env.HOST, onListen) : app.listen(port, onListen);

// While closing, no connection is kept alive after its response: a request that arrives on a
// keep-alive connection is answered with `Connection: close`, and one that was being answered
// when closing began leaves its connection idle, which is then closed.
server.on("request", (_req, res) => {
  if (closing) res.setHeader("Connection", "close");
  else res.once("finish", () => closing && server.closeIdleConnections());
});

/** Stop accepting, close idle connections, and the rest once their requests end or the grace is over. */
function drainHttp(graceMs) {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

async function shutdown(signal) {
  if (closing) return;
  closing = true;
  const started = Date.now();
  console.log(`[holdfast] ${signal}: shutting down`);
  await shutdownApp(drainHttp);
  console.log(`[holdfast] stopped in ${Date.now() - started} ms`);
  process.exit(0);
}

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () =>
    shutdown(signal).catch((error) => {
      console.error("[holdfast] shutdown failed:", error);
      process.exit(1);
    }),
  );
}
