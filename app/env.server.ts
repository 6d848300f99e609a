// The environment, parsed and validated once at start-up (docs/style.md, practice 9).
// A missing or malformed variable stops the process with a message naming it.
import { z } from "zod";
import { databaseKind, defaultSqliteUrl } from "./database-url.mjs";

/** Scopes Holdfast needs; must match shopify.app.toml (a test checks). */
export const DEFAULT_SCOPES = [
  "read_orders",
  "write_orders",
  "read_customers",
  "read_merchant_managed_fulfillment_orders",
  "write_merchant_managed_fulfillment_orders",
  "read_third_party_fulfillment_orders",
  "write_third_party_fulfillment_orders",
  "read_shopify_payments_disputes",
  // Dispute evidence (disputeEvidence, disputeEvidenceUpdate); the write scope implies the read one.
  "write_shopify_payments_dispute_evidences",
] as const;

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  SHOPIFY_API_KEY: z.string({ required_error: "is required (the app's client id)" }).min(1, "must not be empty"),
  SHOPIFY_API_SECRET: z.string({ required_error: "is required (the app's client secret)" }).min(1, "must not be empty"),
  SHOPIFY_APP_URL: z.string({ required_error: "is required (the public https URL of this app)" }).url("must be a URL"),
  SCOPES: z
    .string()
    .min(1, "must not be empty")
    .transform((s) => s.split(",").map((x) => x.trim()).filter(Boolean))
    .optional(),
  DATABASE_URL: z
    .string()
    .default(defaultSqliteUrl)
    .superRefine((url, ctx) => {
      try {
        databaseKind(url);
      } catch (error) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: (error as Error).message });
      }
    }),
  /** Where Admin API traffic goes instead of https://<shop>; only for the local emulator (demo, tests). */
  SHOPIFY_API_ORIGIN_OVERRIDE: z.string().url("must be a URL").optional(),
  /**
   * Where the embedded pages load App Bridge's script from instead of Shopify's CDN: the emulator's
   * stand-in (`/app-bridge.js`), which mints fresh session tokens so the pages work in a plain
   * browser. Demo and tests only: refused unless SHOPIFY_API_ORIGIN_OVERRIDE (the emulator) is set.
   */
  HOLDFAST_APP_BRIDGE_URL: z.string().url("must be a URL").optional(),
  PORT: z.coerce.number().int().positive().default(3000),
  /** Run the job worker inside this process (the embedded default), or leave it to `npm run worker`. */
  HOLDFAST_WORKER: z.enum(["on", "off"], { message: "must be on or off" }).default("on"),
  /** Jobs one worker process runs at once. */
  HOLDFAST_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  /** How long a job's lease lasts without a heartbeat (a process that dies frees its jobs after this). */
  HOLDFAST_JOB_LEASE_MS: z.coerce.number().int().min(1000).default(60_000),
  /**
   * How often an idle worker looks for jobs. A worker inside the web process is also woken at once
   * by each webhook; a separate `npm run worker` process finds new jobs at its next look.
   */
  HOLDFAST_WORKER_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(200),
  /**
   * On SIGTERM/SIGINT, how long running jobs and open requests get to finish before jobs are
   * aborted and released to another process and connections closed. Keep it well under the host's
   * kill timeout: the process exits about a second after it.
   */
  HOLDFAST_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(60_000).default(3_000),
  /** Shopify test charges for the guarantee's fees (no money moves); default: on unless NODE_ENV=production. */
  HOLDFAST_BILLING_TEST: z.enum(["on", "off"], { message: "must be on or off" }).optional(),
});

export type Env = Omit<z.infer<typeof schema>, "SCOPES"> & { SCOPES: string[] };

export class InvalidEnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment: ${problems.join("; ")}. See .env.example.`);
    this.name = "InvalidEnvironmentError";
  }
}

/** Pure: parse a given environment. Throws InvalidEnvironmentError naming every bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  // Treat empty strings as unset, so `FOO=` in a .env file is reported as missing, not accepted.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message === "Required" ? "is required" : i.message}`);
    throw new InvalidEnvironmentError(problems);
  }
  // The App Bridge stand-in mints session tokens from the emulator: never beside real Shopify.
  if (parsed.data.HOLDFAST_APP_BRIDGE_URL && !parsed.data.SHOPIFY_API_ORIGIN_OVERRIDE) {
    throw new InvalidEnvironmentError(["HOLDFAST_APP_BRIDGE_URL is only for the local store emulator (set SHOPIFY_API_ORIGIN_OVERRIDE too, or unset it)"]);
  }
  return { ...parsed.data, SCOPES: parsed.data.SCOPES ?? [...DEFAULT_SCOPES] };
}

let cached: Env | undefined;
/** The process environment, validated on first use (at start-up: shopify.server.ts calls it on import). */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
