// The refit_shop_model job: fit the shop's adjustment again from its labelled orders
// (app/learning/refit.server.ts). Enqueued by every new or changed outcome, deduplicated per
// REFIT_SLOT_MS and due at the end of its slot, so a burst of outcomes (a reconciliation sweep, a
// staff session) gives one refit that sees all of them.
import { z } from "zod";
import type { NewJob } from "../jobs/queue.server";

export const REFIT_SHOP_MODEL = "refit_shop_model";
export const REFIT_SLOT_MS = 15 * 60_000;

export const RefitPayload = z.object({ slot: z.number().int().min(0) });
export type RefitPayload = z.infer<typeof RefitPayload>;

export function refitJob(shop: string, now: number): NewJob {
  const slot = Math.floor(now / REFIT_SLOT_MS);
  return { shop, kind: REFIT_SHOP_MODEL, dedupeKey: `refit:${slot}`, payload: { slot }, runAt: new Date((slot + 1) * REFIT_SLOT_MS), maxAttempts: 3 };
}
