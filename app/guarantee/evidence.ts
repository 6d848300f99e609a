// The text Holdfast files as a dispute's evidence (docs/guarantee.md, "Evidence"). Pure: built from
// the order as the Admin API answers it and Holdfast's stored decision; the file_evidence job sends it.
import { z } from "zod";

/** OrderScreening.reasons as stored (JSON): the decision's reasons in English and Japanese. */
export const StoredReasons = z.object({ en: z.array(z.string()), ja: z.array(z.string()).optional() });

export interface EvidenceOrder {
  name: string;
  createdAt: string;
  email: string | null;
  clientIp: string | null;
  customer: { firstName: string | null; lastName: string | null; email: string | null } | null;
  billingAddress: { firstName: string | null; lastName: string | null } | null;
  shippingAddress: {
    firstName: string | null; lastName: string | null; company: string | null; address1: string | null; address2: string | null; city: string | null;
    province: string | null; provinceCode: string | null; zip: string | null; country: string | null; countryCodeV2: string | null; phone: string | null;
  } | null;
  firstVisit: { source: string | null; occurredAt: string | null } | null;
  lastVisit: { source: string | null; occurredAt: string | null } | null;
}

export interface EvidenceDecision {
  verdict: string;
  score: number;
  threshold: number;
  decidedBy: string;
  screenedAt: Date;
  reasons: string[];
  guaranteed: boolean;
}

/** ShopifyPaymentsDisputeEvidenceUpdateInput's text fields and shipping address (never files, never submitEvidence). */
export interface EvidenceText {
  uncategorizedText: string;
  accessActivityLog: string;
  customerEmailAddress?: string;
  customerFirstName?: string;
  customerLastName?: string;
  shippingAddress?: Record<string, string>;
}

const LIMIT = 20_000;

export function buildEvidence(order: EvidenceOrder, decision: EvidenceDecision | null): EvidenceText {
  const receipt = decision
    ? [
        `Order ${order.name} was screened for fraud by Holdfast on ${decision.screenedAt.toISOString()} before it was fulfilled.`,
        `Decision: ${decision.verdict === "ship" ? "approved" : decision.verdict} (risk score ${decision.score}/1000, hold threshold ${decision.threshold}; decided by ${decision.decidedBy})` +
          (decision.guaranteed ? ", and guaranteed against fraud chargebacks." : "."),
        ...(decision.reasons.length > 0 ? ["Reasons:", ...decision.reasons.map((r) => `- ${r}`)] : []),
      ]
    : [`Order ${order.name}: Holdfast holds no screening decision for this order.`];
  const activity = [
    `Order placed: ${order.createdAt}`,
    `Customer IP address at checkout: ${order.clientIp ?? "not recorded"}`,
    ...(order.firstVisit?.occurredAt ? [`First visit to the store: ${order.firstVisit.occurredAt}${order.firstVisit.source ? ` (source: ${order.firstVisit.source})` : ""}`] : []),
    ...(order.lastVisit?.occurredAt ? [`Last visit before the order: ${order.lastVisit.occurredAt}${order.lastVisit.source ? ` (source: ${order.lastVisit.source})` : ""}`] : []),
    "Device / user agent: not available from the order as Shopify's Admin API reports it.",
  ];
  const first = order.customer?.firstName ?? order.billingAddress?.firstName ?? order.shippingAddress?.firstName ?? null;
  const last = order.customer?.lastName ?? order.billingAddress?.lastName ?? order.shippingAddress?.lastName ?? null;
  const email = order.email ?? order.customer?.email ?? null;
  const a = order.shippingAddress;
  const address = a
    ? Object.fromEntries(
        Object.entries({
          firstName: a.firstName, lastName: a.lastName, company: a.company, address1: a.address1, address2: a.address2, city: a.city,
          province: a.province, provinceCode: a.provinceCode, zip: a.zip, country: a.country, countryCode: a.countryCodeV2, phone: a.phone,
        }).filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== ""),
      )
    : undefined;
  return {
    uncategorizedText: receipt.join("\n").slice(0, LIMIT),
    accessActivityLog: activity.join("\n").slice(0, LIMIT),
    ...(email ? { customerEmailAddress: email } : {}),
    ...(first ? { customerFirstName: first } : {}),
    ...(last ? { customerLastName: last } : {}),
    ...(address && Object.keys(address).length > 0 ? { shippingAddress: address } : {}),
  };
}

/** When the automatic submission runs: `days` before Shopify's due date (at once if that is past). */
export function submitAt(dueBy: Date, days: number, now: Date): Date {
  const at = new Date(dueBy.getTime() - days * 86_400_000);
  return at < now ? now : at;
}
