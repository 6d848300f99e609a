// The refit_shop_model job: fit the shop's adjustment again from its labelled orders
// (app/learning/refit.server.ts). Enqueued, due at once, by every new or changed outcome,
// deduplicated per REFIT_SLOT_MS (a burst of outcomes gives at most one refit per slot); outcomes
// that arrive after the slot's refit ran are picked up by reconciliation, which enqueues a refit when
// the shop's newest outcome is newer than its newest version (refitIfStale).
import { z } from "zod";
import type { NewJob } from "../jobs/queue.server";

export const REFIT_SHOP_MODEL = "refit_shop_model";
export const REFIT_SLOT_MS = 15 * 60_000;

export const RefitPayload = z.object({ slot: z.number().int().min(0) });
export type RefitPayload = z.infer<typeof RefitPayload>;

export function refitJob(shop: string, now: number): NewJob {
  const slot = Math.floor(now / REFIT_SLOT_MS);
  return { shop, kind: REFIT_SHOP_MODEL, dedupeKey: `refit:${slot}`, payload: { slot }, maxAttempts: 3 };
}
