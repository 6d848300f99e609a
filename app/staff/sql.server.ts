// Hand-written SQL the staff pages need where Prisma's groupBy cannot express the grouping (days,
// score bands, exact sums of decimal strings): the same text runs on SQLite and PostgreSQL, with
// placeholders and the PostgreSQL schema as the client needs them (see app/screening/history.server.ts).
import type { Db } from "../db-client.server";
import { sqlTarget } from "../db-client.server";

export type SqlNum = number | bigint | string | { toString(): string } | null;

/** A query under construction: `p(value)` adds a parameter and returns its placeholder; `table(name)` the qualified table. */
export function sqlBuilder(db: Db) {
  const target = sqlTarget(db);
  const pg = target?.dialect === "postgresql";
  const values: unknown[] = [];
  return {
    values,
    p(v: unknown): string {
      values.push(v);
      return pg ? `$${values.length}` : "?";
    },
    table(name: string): string {
      return pg && target?.schema ? `"${target.schema.replace(/"/gu, "")}"."${name}"` : `"${name}"`;
    },
    run<T>(sql: string): Promise<T[]> {
      return db.$queryRawUnsafe<T[]>(sql, ...values);
    },
  };
}

/** A count or sum as SQL returns it (bigint, numeric, string) as a number; null reads 0. */
export function num(v: SqlNum): number {
  return v === null ? 0 : Number(typeof v === "object" ? v.toString() : v);
}

/** A sum as an exact decimal string (PostgreSQL numeric, SQLite integer). */
export function exact(v: SqlNum): string {
  return v === null ? "0" : typeof v === "object" ? v.toString() : String(v);
}

/** Longest fraction an amount can have (app/guarantee/money.ts). */
export const MAX_DECIMALS = 12;

/**
 * SQL for the number of decimals of a decimal-string column ("12.30" -> 2, "1200" -> 0), portable:
 * an amount has at most one dot, so `LIKE '%.__'` matches exactly two decimals.
 */
export function decimalsOf(column: string): string {
  const cases = Array.from({ length: MAX_DECIMALS }, (_, i) => `WHEN ${column} LIKE '%.${"_".repeat(i + 1)}' THEN ${i + 1}`).join(" ");
  return `(CASE ${cases} ELSE 0 END)`;
}

/** SQL for the column's amount in units of its last decimal, as an integer ("12.30" -> 1230). */
export function unitsOf(column: string): string {
  return `CAST(REPLACE(${column}, '.', '') AS BIGINT)`;
}
