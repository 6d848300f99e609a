// SQLite keeps one connection: a query outside a transaction must wait for another job's open
// transaction instead of joining it (and being rolled back with it). Measured before the fix:
// every such write of the second half below was lost.
import { expect, it } from "vitest";
import { createTestDb } from "../support/db";

it("a write outside a transaction is not lost when a concurrent transaction rolls back (SQLite)", async () => {
  const { db, drop } = await createTestDb("sqlite");
  try {
    await db.lock.create({ data: { name: "taken", owner: "a", expiresAt: new Date() } });
    let lost = 0;
    for (let i = 0; i < 20; i++) {
      // A batch transaction and an interactive one, each failing on a duplicate, beside a lone write.
      const batch = db.$transaction([
        db.auditEvent.create({ data: { shop: "s.myshopify.com", kind: "k", message: "batch" } }),
        db.lock.create({ data: { name: "taken", owner: "b", expiresAt: new Date() } }),
      ]).catch(() => undefined);
      const interactive = db.$transaction(async (tx) => {
        await tx.auditEvent.create({ data: { shop: "s.myshopify.com", kind: "k", message: "interactive" } });
        await new Promise((r) => setTimeout(r, 1));
        await tx.lock.create({ data: { name: "taken", owner: "c", expiresAt: new Date() } });
      }).catch(() => undefined);
      const lone = (async () => {
        await new Promise((r) => setTimeout(r, 0));
        await db.lock.create({ data: { name: `lone-${i}`, owner: "d", expiresAt: new Date() } });
      })();
      await Promise.all([batch, interactive, lone]);
      if (!(await db.lock.findUnique({ where: { name: `lone-${i}` } }))) lost++;
    }
    expect(lost).toBe(0);
    // Both transactions rolled back as a whole.
    expect(await db.auditEvent.count()).toBe(0);
  } finally {
    await drop();
  }
});
