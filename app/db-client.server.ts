// Creates Prisma clients. The driver adapter and generated client follow the URL:
// SQLite (better-sqlite3) for file: URLs, PostgreSQL (pg) for postgres:// URLs.
// See docs/decisions/003-two-databases.md. The app's own client is in db.server.ts.
import { createRequire } from "node:module";
import { z } from "zod";
import { PrismaClient } from "@prisma/client";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { databaseKind } from "./database-url.mjs";

/** Both generated clients have the same model API; we type them as the SQLite one. */
export type Db = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

const require = createRequire(import.meta.url);

/** What hand-written SQL needs to know about a client: its dialect and (PostgreSQL) schema. */
export interface SqlTarget {
  dialect: "sqlite" | "postgresql";
  /** PostgreSQL schema from `?schema=`; Prisma qualifies its own queries with it, raw SQL must too. */
  schema?: string;
}

const targets = new WeakMap<Db, SqlTarget>();

export function createPrismaClient(url: string): Db {
  if (databaseKind(url) === "postgresql") {
    // `?schema=` selects a PostgreSQL schema (the tests give each file its own); pg itself must not see it.
    const parsed = new URL(url);
    const schemaName = parsed.searchParams.get("schema") ?? undefined;
    parsed.searchParams.delete("schema");
    const { PrismaClient: PgClient } = require(".prisma/client-pg") as { PrismaClient: new (o: object) => unknown };
    const adapter = new PrismaPg({ connectionString: parsed.toString(), max: 10 }, { schema: schemaName });
    const client = new PgClient({ adapter }) as Db;
    targets.set(client, { dialect: "postgresql", schema: schemaName });
    return client;
  }
  const client = new PrismaClient({ adapter: serialisedSqlite(new PrismaBetterSQLite3({ url })) });
  targets.set(client, { dialect: "sqlite" });
  return client;
}

/** A FIFO lock: `acquire` resolves to its release once every earlier holder has released. */
function fifoLock(): () => Promise<() => void> {
  let tail: Promise<void> = Promise.resolve();
  return () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const ready = tail.then(() => release);
    tail = tail.then(() => held);
    return ready;
  };
}

interface SqliteTransaction {
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

/**
 * The SQLite adapter keeps one connection. It serialises transactions, but a query outside one
 * still runs on that connection while another job's transaction is open between its statements, so
 * it joins that transaction and is lost if it rolls back (a group commit that meets a duplicate, a
 * failed claim): measured, 50 of 100 such writes were lost (test/db/sqlite-transactions.test.ts).
 * Here a query outside a transaction waits while one is open, then runs at once (better-sqlite3
 * runs a statement synchronously when called, so nothing can begin between the check and the
 * statement); with no transaction open it costs nothing. Transactions take turns as before.
 * (PostgreSQL's adapter gives each transaction its own pooled connection.)
 */
function serialisedSqlite(factory: PrismaBetterSQLite3): PrismaBetterSQLite3 {
  const turn = fifoLock();
  /** Settles when the open transaction ends; null when none is open. */
  let open: Promise<void> | null = null;
  const guard = <A extends { startTransaction(...args: never[]): Promise<SqliteTransaction> }>(adapter: A): A =>
    new Proxy(adapter, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== "function") return value;
        const fn = value as (...args: unknown[]) => Promise<unknown>;
        if (prop === "queryRaw" || prop === "executeRaw" || prop === "executeScript") {
          return async (...args: unknown[]) => {
            while (open) await open;
            return fn.apply(target, args);
          };
        }
        if (prop === "startTransaction") {
          return async (...args: unknown[]) => {
            const release = await turn();
            let ended!: () => void;
            open = new Promise<void>((resolve) => (ended = resolve));
            let over = false;
            const finish = () => {
              if (over) return;
              over = true;
              open = null;
              ended();
              release();
            };
            try {
              const tx = (await fn.apply(target, args)) as SqliteTransaction;
              const end = (close: () => Promise<void>) => async () => {
                try {
                  await close();
                } finally {
                  finish();
                }
              };
              return Object.assign(tx, { commit: end(tx.commit.bind(tx)), rollback: end(tx.rollback.bind(tx)) });
            } catch (error) {
              finish();
              throw error;
            }
          };
        }
        return fn.bind(target);
      },
    });
  return new Proxy(factory, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if ((prop === "connect" || prop === "connectToShadowDb") && typeof value === "function") {
        return async () => guard(await (value as () => Promise<Parameters<typeof guard>[0]>).call(target));
      }
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** The dialect and schema of a client made by createPrismaClient (undefined for any other). */
export function sqlTarget(db: Db): SqlTarget | undefined {
  return targets.get(db);
}

const PrismaErrorShape = z.object({
  code: z.string(),
  meta: z.object({ driverAdapterError: z.object({ cause: z.object({ kind: z.string() }).passthrough() }).passthrough().optional() }).passthrough().optional(),
});

/**
 * A unique-constraint violation: Prisma's P2002, or a raw query's failure (P2010) that the driver
 * adapter reports as a UniqueConstraintViolation (PostgreSQL 23505, SQLite's UNIQUE/PRIMARY KEY).
 * Checked by code, not `instanceof`: the SQLite and PostgreSQL clients are generated separately
 * and each has its own error classes.
 */
export function isUniqueViolation(error: unknown): boolean {
  const e = PrismaErrorShape.safeParse(error);
  if (!e.success) return false;
  return e.data.code === "P2002" || (e.data.code === "P2010" && e.data.meta?.driverAdapterError?.cause.kind === "UniqueConstraintViolation");
}
