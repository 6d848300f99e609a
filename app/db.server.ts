// The one Prisma client of the process, for DATABASE_URL (SQLite by default, PostgreSQL for
// postgres:// URLs). See docs/decisions/003-two-databases.md.
import { env } from "./env.server";
import { createPrismaClient, type Db } from "./db-client.server";

export { createPrismaClient, type Db, type Tx } from "./db-client.server";

declare global {
  // Survives Vite's dev-server module reloads.
  var __holdfastDb: Db | undefined;
}

export const db: Db = (globalThis.__holdfastDb ??= createPrismaClient(env().DATABASE_URL));
export default db;
