// `npm run worker`: a background-only Holdfast process (job worker + scheduler, no HTTP).
// Production runs web processes with HOLDFAST_WORKER=off and any number of these against
// PostgreSQL; each claims jobs atomically (app/jobs/queue.server.ts). SIGTERM/SIGINT stop claiming,
// give running jobs HOLDFAST_SHUTDOWN_GRACE_MS to finish, release the rest to the queue, close the
// database and exit 0 (the same path as the web process: shutdownProcess); SIGKILL leaves the
// leases to expire and another process runs the jobs again.
import { shutdownProcess, startProcessBackground } from "../app/background/process.server";
import { env } from "../app/env.server";

const config = env();
const background = startProcessBackground();
console.log(`holdfast worker ${background.worker.owner} started (concurrency ${config.HOLDFAST_WORKER_CONCURRENCY})`);
// The worker's own timers do not keep a process alive (inside the web server they must not), and
// an idle SQLite connection holds no socket: without this, an idle worker process would just exit.
const keepAlive = setInterval(() => {}, 3600_000);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`holdfast worker: ${signal}, finishing running jobs (up to ${config.HOLDFAST_SHUTDOWN_GRACE_MS} ms)`);
  clearInterval(keepAlive);
  await shutdownProcess();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
