// Group commit for webhook intake. Every delivery is persisted (with its jobs) before it is
// answered 200; deliveries that arrive together are written in one transaction (createMany), so
// under load one transaction carries many deliveries. A lone delivery is written at once; while
// deliveries keep coming (another one within BUSY_MS), a write waits up to GATHER_MS for company.
// A batch that fails is rolled back whole and written one delivery at a time: a unique key (a
// redelivered webhook id, or a job that reconciliation or another delivery already enqueued) is
// then recognised and answered as a duplicate, and any other failure fails only the delivery whose
// row causes it, never the neighbours that shared its batch. The rows come ready to insert (job
// payloads serialized and size-checked by acceptWebhook), so nothing here depends on their content.
//
// The batch is two multi-row INSERTs of our own (bulk-insert.server.ts) rather than Prisma's
// createMany: the JS query engine compiles each createMany with its data, which cost about twice
// the CPU per delivery at 1,000 deliveries/s (ADR 005). The one-at-a-time path stays on Prisma.
import { isUniqueViolation, type Db } from "../db-client.server";
import { enqueueRow, type JobRow } from "../jobs/queue.server";
import { insertDeliveriesWithJobs } from "./bulk-insert.server";
import type { deliveryRow } from "./deliveries.server";

export type DeliveryRow = ReturnType<typeof deliveryRow>;
export type WriteOutcome = "recorded" | "duplicate";

interface Pending {
  row: DeliveryRow;
  jobs: JobRow[];
  resolve: (outcome: WriteOutcome) => void;
  reject: (error: unknown) => void;
}

const MAX_BATCH = 64;
const BUSY_MS = 20;
const GATHER_MS = 4;

export class IntakeWriter {
  private queue: Pending[] = [];
  private flushing = false;
  private lastWriteAt = 0;

  constructor(private readonly db: Db) {}

  /** Persist a delivery and its jobs; resolves once committed. */
  write(row: DeliveryRow, jobs: JobRow[]): Promise<WriteOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row, jobs, resolve, reject });
      if (this.flushing) return;
      this.flushing = true;
      const now = Date.now();
      const busy = now - this.lastWriteAt < BUSY_MS;
      this.lastWriteAt = now;
      if (busy) setTimeout(() => void this.flush(), GATHER_MS);
      else void this.flush();
    });
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          await this.writeBatch(batch);
        } catch (error) {
          for (const p of batch) p.reject(error);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    if (batch.length > 1) {
      try {
        await insertDeliveriesWithJobs(this.db, batch.map((p) => p.row), batch.flatMap((p) => p.jobs));
        for (const p of batch) p.resolve("recorded");
        return;
      } catch {
        // Rolled back whole: one at a time below, where each delivery gets its own outcome.
      }
    }
    for (const p of batch) {
      try {
        p.resolve(await this.writeOne(p));
      } catch (error) {
        p.reject(error);
      }
    }
  }

  private async writeOne({ row, jobs }: Pending): Promise<WriteOutcome> {
    const db = this.db;
    for (let attempt = 1; ; attempt++) {
      try {
        await db.$transaction([db.webhookDelivery.create({ data: row }), ...jobs.map((job) => enqueueRow(db, job))]);
        return "recorded";
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        const seen = await db.webhookDelivery.findFirst({
          where: { shop: row.shop, OR: [{ webhookId: row.webhookId }, ...(row.eventKey ? [{ eventKey: row.eventKey }] : [])] },
          select: { id: true },
        });
        // Seen before: its jobs were committed with it. Otherwise another delivery enqueued the
        // same job at the same moment; once more finds it there.
        if (seen || attempt >= 2) return "duplicate";
      }
    }
  }
}

const writers = new WeakMap<Db, IntakeWriter>();

/** The writer for a database client (one per client, so one batch stream per process). */
export function intakeWriter(db: Db): IntakeWriter {
  let w = writers.get(db);
  if (!w) writers.set(db, (w = new IntakeWriter(db)));
  return w;
}
