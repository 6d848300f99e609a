// The charge_fee job: bill one guaranteed order's fee through Shopify usage billing
// (app/guarantee/billing.server.ts). Enqueued with the guarantee that created the pending fee entry,
// and again by reconciliation for owed fees once charging can resume; one job per order (dedupe).
import { z } from "zod";
import type { NewJob } from "../jobs/queue.server";

export const CHARGE_FEE = "charge_fee";

export const ChargeFeePayload = z.object({ orderId: z.string().regex(/^\d{1,20}$/) });
export type ChargeFeePayload = z.infer<typeof ChargeFeePayload>;

export function chargeFeeJob(shop: string, orderId: string): NewJob {
  return { shop, kind: CHARGE_FEE, dedupeKey: `fee:${orderId}`, payload: { orderId } };
}
