// Filing a claim's dispute evidence (docs/guarantee.md, "Evidence"): the file_evidence job saves the
// text Holdfast holds (app/guarantee/evidence.ts) into the dispute's evidence with
// `disputeEvidenceUpdate`, without submitting it (the merchant may add their own before Shopify's
// deadline); when the shop set `evidenceSubmitDays`, a second job submits it that many days before
// `evidenceDueBy`, unless someone already has. Once per dispute (dedupe keys), recorded on the
// Dispute row (evidenceState saved | submitted | failed, evidenceAt, evidenceError); Shopify's
// userErrors (e.g. EVIDENCE_PAST_DUE_DATE) are recorded and shown, not retried. Whether Holdfast pays
// a claim never depends on any of this.
import { z } from "zod";
import type { Db } from "../db-client.server";
import { enqueue, type NewJob } from "../jobs/queue.server";
import type { AdminGateway } from "../shopify/gateway.server";
import { DisputeEvidenceOf, DisputeEvidenceUpdate } from "../shopify/operations";
import { StoredReasons, buildEvidence, submitAt, type EvidenceDecision } from "./evidence";

export const FILE_EVIDENCE = "file_evidence";

export const EvidenceJobPayload = z.object({
  disputeId: z.string().regex(/^\d{1,20}$/),
  /** false: save the text without submitting; true: submit what the evidence holds (if nobody has). */
  submit: z.boolean(),
});
export type EvidenceJobPayload = z.infer<typeof EvidenceJobPayload>;

export function evidenceJob(shop: string, payload: EvidenceJobPayload, runAt?: Date): NewJob {
  return { shop, kind: FILE_EVIDENCE, dedupeKey: `evidence:${payload.disputeId}:${payload.submit ? "submit" : "save"}`, payload, runAt, maxAttempts: 5 };
}

const nullableString = z.string().nullish().transform((v) => v ?? null);
const EvidenceRead = z.object({
  dispute: z
    .object({
      id: z.string(),
      status: z.string(),
      evidenceDueBy: z.string().nullish(),
      disputeEvidence: z.object({ id: z.string(), submitted: z.boolean() }),
      order: z
        .object({
          name: z.string(),
          createdAt: z.string(),
          email: nullableString,
          clientIp: nullableString,
          customer: z.object({ firstName: nullableString, lastName: nullableString, email: nullableString }).nullish().transform((v) => v ?? null),
          billingAddress: z.object({ firstName: nullableString, lastName: nullableString }).nullish().transform((v) => v ?? null),
          shippingAddress: z
            .object({
              firstName: nullableString, lastName: nullableString, company: nullableString, address1: nullableString, address2: nullableString,
              city: nullableString, province: nullableString, provinceCode: nullableString, zip: nullableString, country: nullableString,
              countryCodeV2: nullableString, phone: nullableString,
            })
            .nullish()
            .transform((v) => v ?? null),
          customerJourneySummary: z
            .object({
              firstVisit: z.object({ source: nullableString, occurredAt: nullableString }).nullish(),
              lastVisit: z.object({ source: nullableString, occurredAt: nullableString }).nullish(),
            })
            .nullish(),
        })
        .nullish(),
    })
    .nullish(),
});

const UpdateReply = z.object({
  disputeEvidenceUpdate: z
    .object({
      disputeEvidence: z.object({ id: z.string(), submitted: z.boolean() }).nullish(),
      userErrors: z.array(z.object({ message: z.string(), code: z.string().nullish() })),
    })
    .nullish(),
});

export interface EvidenceDeps {
  db: Db;
  gateway: AdminGateway;
  now?: () => number;
}

export type EvidenceOutcome = "saved" | "submitted" | "already_submitted" | "already_saved" | "not_needed" | "no_claim" | "not_found" | "failed";

export async function fileEvidence(deps: EvidenceDeps, shop: string, p: EvidenceJobPayload, signal?: AbortSignal): Promise<{ outcome: EvidenceOutcome; error?: string }> {
  const { db, gateway } = deps;
  const now = new Date((deps.now ?? Date.now)());
  const key = { shop_disputeId: { shop, disputeId: p.disputeId } };
  const [dispute, claim] = await Promise.all([db.dispute.findUnique({ where: key }), db.claim.findUnique({ where: key })]);
  if (!dispute || !claim) return { outcome: "no_claim" };
  const read = EvidenceRead.parse(await gateway.request<unknown>(shop, DisputeEvidenceOf, { id: `gid://shopify/ShopifyPaymentsDispute/${p.disputeId}` }, signal));
  const x = read.dispute;
  if (!x) return { outcome: "not_found" };
  const record = (data: { evidenceState: string; evidenceError: string | null }, message: string) =>
    db.$transaction([
      db.dispute.update({ where: key, data: { ...data, evidenceAt: now } }),
      db.auditEvent.create({ data: { shop, orderId: dispute.orderId, kind: "dispute_evidence", message: `Dispute ${p.disputeId}: ${message}` } }),
    ]);

  if (x.disputeEvidence.submitted) {
    if (dispute.evidenceState !== "submitted") await record({ evidenceState: "submitted", evidenceError: null }, "evidence already submitted (by the merchant or Shopify); Holdfast changed nothing");
    return { outcome: "already_submitted" };
  }
  // Only a dispute still waiting for a response takes evidence (first seen already decided, e.g. by
  // reconciliation after lost webhooks: nothing to file, and nothing to report as a failure).
  if (x.status !== "NEEDS_RESPONSE") return { outcome: "not_needed" };
  if (!p.submit && (dispute.evidenceState === "saved" || dispute.evidenceState === "submitted")) {
    return { outcome: "already_saved" }; // never overwrite what the merchant may have added since
  }

  const input = p.submit ? { submitEvidence: true } : { ...buildEvidence(orderOf(x.order), await decisionOf(db, shop, dispute.orderId)), submitEvidence: false };
  const reply = UpdateReply.parse(await gateway.request<unknown>(shop, DisputeEvidenceUpdate, { id: x.disputeEvidence.id, input }, signal));
  const errors = reply.disputeEvidenceUpdate?.userErrors ?? [{ message: "no answer to disputeEvidenceUpdate", code: null }];
  if (errors.length > 0) {
    const error = errors.map((e) => `${e.code ?? "ERROR"}: ${e.message}`).join("; ").slice(0, 1000);
    await record({ evidenceState: "failed", evidenceError: error }, `Holdfast could not ${p.submit ? "submit" : "save"} the evidence: ${error}`);
    return { outcome: "failed", error };
  }
  if (p.submit) {
    await record({ evidenceState: "submitted", evidenceError: null }, "evidence submitted automatically before Shopify's due date");
    return { outcome: "submitted" };
  }
  await record({ evidenceState: "saved", evidenceError: null }, "evidence saved (not submitted: the merchant may add their own before the due date)");
  const shopRow = await db.shop.findUnique({ where: { shop }, select: { evidenceSubmitDays: true } });
  const dueBy = x.evidenceDueBy ? new Date(x.evidenceDueBy) : dispute.evidenceDueBy;
  if (shopRow?.evidenceSubmitDays != null && dueBy) {
    await enqueue(db, evidenceJob(shop, { disputeId: p.disputeId, submit: true }, submitAt(dueBy, shopRow.evidenceSubmitDays, now)));
  }
  return { outcome: "saved" };
}

function orderOf(o: NonNullable<z.infer<typeof EvidenceRead>["dispute"]>["order"]) {
  if (!o) {
    return { name: "(no order)", createdAt: "unknown", email: null, clientIp: null, customer: null, billingAddress: null, shippingAddress: null, firstVisit: null, lastVisit: null };
  }
  return { ...o, firstVisit: o.customerJourneySummary?.firstVisit ?? null, lastVisit: o.customerJourneySummary?.lastVisit ?? null };
}

export async function decisionOf(db: Db, shop: string, orderId: string | null): Promise<EvidenceDecision | null> {
  if (!orderId) return null;
  const [s, g] = await Promise.all([
    db.orderScreening.findUnique({ where: { shop_orderId: { shop, orderId } } }),
    db.guarantee.findUnique({ where: { shop_orderId: { shop, orderId } }, select: { state: true } }),
  ]);
  if (!s) return null;
  const parsed = StoredReasons.safeParse(safeJson(s.reasons));
  return {
    verdict: s.verdict, score: s.score, threshold: s.threshold, decidedBy: s.decidedBy, screenedAt: s.screenedAt,
    reasons: parsed.success ? parsed.data.en : [], guaranteed: g?.state === "active",
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
