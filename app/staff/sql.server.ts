// Hand-written SQL the staff pages need where Prisma's groupBy cannot express the grouping (days,
// score bands, exact sums of decimal strings): the same text runs on SQLite and PostgreSQL, with
// placeholders and the PostgreSQL schema as the client needs them (see app/screening/history.server.ts).
import type { Db } from "../db-client.server";
import { sqlTarget } from "../db-client.server";
import DecimalJs from "decimal.js";

/** decimal.js with room for every digit of any sum of amounts (its default keeps 20 significant digits). */
export const Decimal = DecimalJs.clone({ precision: 1000 });
export type Decimal = InstanceType<typeof Decimal>;

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

/** Longest amount summed by SQL as an integer: 16 characters stay far below BIGINT's range even summed a few hundred times. */
const SHORT = 16;

/**
 * Exact sums of a decimal-string column, grouped by `groups` (column SQL -> output name), over the
 * rows matching `where`. Amounts of up to SHORT characters are summed by the database as integers
 * of their last decimal (per number of decimals); longer ones, rare, are read and summed with
 * decimal.js; if the database's integer sum overflows, every matching row is read in batches.
 * Returns each group's values and its sum as an exact decimal string (null when no row had a value).
 */
export async function exactSums<G extends string>(
  db: Db, table: string, column: string, groups: Record<G, string>, where: (p: (v: unknown) => string) => string,
): Promise<{ group: Record<G, string | null>; sum: string | null; count: number }[]> {
  const names = Object.keys(groups) as G[];
  const select = names.map((n) => `${groups[n]} AS "g_${n}"`).join(", ");
  const out = new Map<string, { group: Record<G, string | null>; sum: Decimal | null; count: number }>();
  const add = (row: Record<string, unknown>, value: Decimal | null, count: number) => {
    const group = Object.fromEntries(names.map((n) => [n, row[`g_${n}`] === null || row[`g_${n}`] === undefined ? null : String(row[`g_${n}`])])) as Record<G, string | null>;
    const key = JSON.stringify(names.map((n) => group[n]));
    const slot = out.get(key) ?? { group, sum: null, count: 0 };
    slot.count += count;
    if (value !== null) slot.sum = (slot.sum ?? new Decimal(0)).plus(value);
    out.set(key, slot);
  };
  const readRows = async (extra: string, batch?: { size: number; offset: number }) => {
    const q = sqlBuilder(db);
    return q.run<Record<string, unknown>>(
      `SELECT ${select}, ${column} AS "v" FROM ${q.table(table)} WHERE ${where(q.p)}${extra}` +
        (batch ? ` ORDER BY "id" LIMIT ${batch.size} OFFSET ${batch.offset}` : ""),
    );
  };
  const fromRow = (r: Record<string, unknown>) => (r.v === null || r.v === undefined ? null : new Decimal(String(r.v)));
  try {
    const q = sqlBuilder(db);
    const grouped = await q.run<Record<string, unknown> & { d: SqlNum; u: SqlNum; n: SqlNum }>(
      `SELECT ${select}, ${decimalsOf(column)} AS "d", SUM(${unitsOf(column)}) AS "u", COUNT(*) AS "n" FROM ${q.table(table)} ` +
        `WHERE ${where(q.p)} AND (${column} IS NULL OR LENGTH(${column}) <= ${SHORT}) GROUP BY ${names.map((_, i) => i + 1).join(", ")}${names.length ? ", " : ""}${names.length + 1}`,
    );
    for (const r of grouped) add(r, r.u === null ? null : new Decimal(exact(r.u)).div(new Decimal(10).pow(num(r.d))), num(r.n));
    for (const r of await readRows(` AND LENGTH(${column}) > ${SHORT}`)) add(r, fromRow(r), 1);
  } catch {
    out.clear();
    for (let offset = 0; ; offset += 5000) {
      const rows = await readRows("", { size: 5000, offset });
      for (const r of rows) add(r, fromRow(r), 1);
      if (rows.length < 5000) break;
    }
  }
  return [...out.values()].map((s) => ({ group: s.group, sum: s.sum === null ? null : s.sum.toFixed(), count: s.count }));
}
