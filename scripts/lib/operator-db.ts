// The database an operator command works on: DATABASE_URL, or the embedded default (SQLite), as
// the app itself. The commands assume it is migrated (`npm start`/`npm run setup` migrate it).
import { createPrismaClient, type Db } from "../../app/db-client.server";
import { defaultSqliteUrl } from "../../app/database-url.mjs";

/** Run `body` with the database, print a failure to stderr with exit code 1, always disconnect. */
export async function withOperatorDb(body: (db: Db) => Promise<void>): Promise<void> {
  const db = createPrismaClient(process.env.DATABASE_URL || defaultSqliteUrl);
  try {
    await body(db);
  } catch (error) {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  } finally {
    await db.$disconnect();
  }
}

export class UsageError extends Error {
  override name = "UsageError";
}
