// Multi-row INSERTs of webhook deliveries and their jobs in one transaction, for the intake
// writer's group commit. Prisma's createMany costs about 1 ms of CPU per delivery here (the JS
// query engine compiles every call with its data); a parameterised INSERT costs about a third.
// The rows are the same ones Prisma would write (test/webhooks/intake-writer.test.ts compares
// them column by column): ids and timestamps that Prisma fills in on the client are filled in here.
import { randomUUID } from "node:crypto";
import { sqlTarget, type Db } from "../db-client.server";
import type { JobRow } from "../jobs/queue.server";
import type { deliveryRow } from "./deliveries.server";

type DeliveryRow = ReturnType<typeof deliveryRow>;
type Value = string | number | Date | null;

const DELIVERY_COLUMNS = ["id", "shop", "webhookId", "topic", "eventId", "eventKey", "apiVersion", "triggeredAt", "receivedAt", "status", "error", "rawBody"] as const;
const JOB_COLUMNS = ["id", "shop", "kind", "dedupeKey", "payload", "state", "attempts", "maxAttempts", "runAt", "createdAt", "updatedAt"] as const;

function insert(db: Db, table: string, columns: readonly string[], rows: Value[][]) {
  const target = sqlTarget(db);
  if (!target) throw new Error("bulk insert needs a client made by createPrismaClient");
  const pg = target.dialect === "postgresql";
  const name = pg && target.schema ? `"${target.schema.replaceAll('"', '""')}"."${table}"` : `"${table}"`;
  let n = 0;
  const tuples = rows.map((row) => `(${row.map(() => (pg ? `$${++n}` : "?")).join(",")})`);
  return db.$executeRawUnsafe(`INSERT INTO ${name} (${columns.map((c) => `"${c}"`).join(",")}) VALUES ${tuples.join(",")}`, ...rows.flat());
}

/**
 * Insert the deliveries and jobs (rows made by `jobRow`, payloads already serialized) in one
 * transaction; any failure, a unique violation or another, rolls back all of it.
 */
export async function insertDeliveriesWithJobs(db: Db, deliveries: DeliveryRow[], jobs: JobRow[]): Promise<void> {
  const now = new Date();
  const deliveryValues = deliveries.map((d): Value[] => [
    randomUUID(), d.shop, d.webhookId, d.topic, d.eventId, d.eventKey, d.apiVersion, d.triggeredAt, now, d.status, d.error, d.rawBody,
  ]);
  const jobValues = jobs.map((r): Value[] => [r.id ?? randomUUID(), r.shop, r.kind, r.dedupeKey, r.payload, "queued", 0, r.maxAttempts, r.runAt, now, now]);
  await db.$transaction([
    insert(db, "WebhookDelivery", DELIVERY_COLUMNS, deliveryValues),
    ...(jobValues.length > 0 ? [insert(db, "Job", JOB_COLUMNS, jobValues)] : []),
  ]);
}
