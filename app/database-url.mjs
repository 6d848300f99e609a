// Which database a DATABASE_URL points at. Shared by prisma.config.ts, the migration
// runner and app/env.server.ts so the three can never disagree.

/** SQLite file used when DATABASE_URL is unset: the embedded default. */
export const defaultSqliteUrl = "file:./prisma/holdfast.sqlite";

/**
 * @param {string} url
 * @returns {"sqlite" | "postgresql"}
 */
export function databaseKind(url) {
  if (/^postgres(ql)?:\/\//i.test(url)) return "postgresql";
  if (/^file:/i.test(url)) return "sqlite";
  throw new Error(
    `DATABASE_URL must start with "file:" (SQLite) or "postgres://"/"postgresql://" (PostgreSQL); got "${url.split(":")[0]}:..."`,
  );
}
