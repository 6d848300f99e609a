// Named leases in the database, for work that must not run in two processes at once
// (refreshing one shop's offline token). A lease expires on its own if its holder dies.
import type { Db } from "./db-client.server";
import { isUniqueViolation } from "./db-client.server";

/** Take the lease `name` for `ttlMs` if it is free or expired. Returns false when someone else holds it. */
export async function tryLock(db: Db, name: string, owner: string, ttlMs: number, now = Date.now()): Promise<boolean> {
  const expiresAt = new Date(now + ttlMs);
  const taken = await db.lock.updateMany({ where: { name, OR: [{ expiresAt: { lt: new Date(now) } }, { owner }] }, data: { owner, expiresAt } });
  if (taken.count === 1) return true;
  try {
    await db.lock.create({ data: { name, owner, expiresAt } });
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

export async function unlock(db: Db, name: string, owner: string): Promise<void> {
  await db.lock.deleteMany({ where: { name, owner } });
}

/** Remove leases that expired before `before` (their holders are gone). */
export async function pruneLocks(db: Db, before: Date): Promise<number> {
  const r = await db.lock.deleteMany({ where: { expiresAt: { lt: before } } });
  return r.count;
}
