// Mandatory compliance webhooks (protected customer data):
//   customers/data_request -> an export of what Holdfast holds on that customer, stored for staff to send;
//   customers/redact       -> that customer's personal data erased from screenings, identities and job payloads;
//   shop/redact            -> everything Holdfast holds for the shop deleted.
// Each runs as a job (idempotent: running it twice leaves the same state).
import { z } from "zod";
import type { Db } from "../db-client.server";
import { REDACTED_PAYLOAD } from "../jobs/queue.server";
import type { DeliveryPlan, WebhookContext } from "../webhooks/accept.server";
import { CustomersDataRequestPayload, CustomersRedactPayload, ShopRedactPayload, describeIssues } from "../webhooks/payloads";

export const DATA_REQUEST = "customers_data_request";
export const CUSTOMER_REDACT = "customers_redact";
export const SHOP_REDACT = "shop_redact";

/** The payload of the customer data-request and redact jobs, parsed when the job is claimed. */
export const CustomerJobPayload = z.object({
  customerId: z.string().max(40).nullable(),
  orderIds: z.array(z.string().max(40)).max(10_000),
  webhookId: z.string().min(1).max(200),
});
export type CustomerJobPayload = z.infer<typeof CustomerJobPayload>;

/** The shop/redact job's payload. */
export const ShopRedactJobPayload = z.object({ webhookId: z.string().min(1).max(200) });

const ids = (list: (string | number)[] | null | undefined) => (list ?? []).map(String);

export function planCompliance(ctx: WebhookContext): DeliveryPlan {
  const topic = ctx.topic.toLowerCase();
  if (topic === "customers/data_request") {
    const r = CustomersDataRequestPayload.safeParse(ctx.payload);
    if (!r.success) return { invalid: `${topic} payload: ${describeIssues(r.error)}` };
    const p: CustomerJobPayload = { customerId: r.data.customer.id == null ? null : String(r.data.customer.id), orderIds: ids(r.data.orders_requested), webhookId: ctx.webhookId };
    return { jobs: [{ shop: ctx.shop, kind: DATA_REQUEST, dedupeKey: `data_request:${ctx.webhookId}`, payload: p }] };
  }
  if (topic === "customers/redact") {
    const r = CustomersRedactPayload.safeParse(ctx.payload);
    if (!r.success) return { invalid: `${topic} payload: ${describeIssues(r.error)}` };
    const p: CustomerJobPayload = { customerId: r.data.customer.id == null ? null : String(r.data.customer.id), orderIds: ids(r.data.orders_to_redact), webhookId: ctx.webhookId };
    return { jobs: [{ shop: ctx.shop, kind: CUSTOMER_REDACT, dedupeKey: `customer_redact:${ctx.webhookId}`, payload: p }] };
  }
  if (topic === "shop/redact") {
    const r = ShopRedactPayload.safeParse(ctx.payload);
    if (!r.success) return { invalid: `${topic} payload: ${describeIssues(r.error)}` };
    return { jobs: [{ shop: ctx.shop, kind: SHOP_REDACT, dedupeKey: `shop_redact:${ctx.webhookId}`, payload: { webhookId: ctx.webhookId } }] };
  }
  return { invalid: `unexpected compliance topic ${ctx.topic}` };
}

function customerScope(shop: string, p: CustomerJobPayload) {
  const or: object[] = [];
  if (p.customerId) or.push({ customerId: p.customerId });
  if (p.orderIds.length) or.push({ orderId: { in: p.orderIds } });
  return or.length ? { shop, OR: or } : null;
}

export async function exportCustomerData(db: Db, shop: string, p: CustomerJobPayload): Promise<void> {
  const where = customerScope(shop, p);
  const screenings = where ? await db.orderScreening.findMany({ where, orderBy: { orderCreatedAt: "asc" } }) : [];
  const orderIds = screenings.map((s) => s.orderId);
  const [identities, disputes] = await Promise.all([
    db.identity.count({ where: { shop, orderId: { in: orderIds } } }),
    db.dispute.findMany({ where: { shop, orderId: { in: orderIds } } }),
  ]);
  const data = {
    shop, customerId: p.customerId, generatedAt: new Date().toISOString(),
    note: "Holdfast keeps fraud-screening results per order. Identity values (email, phone, IP, device, card, address) are stored only as one-way hashes.",
    orders: screenings.map((s) => ({
      orderId: s.orderId, orderName: s.orderName, screenedAt: s.screenedAt.toISOString(), verdict: s.verdict, score: s.score,
      riskLevel: s.riskLevel, reasons: JSON.parse(s.reasons) as unknown, facts: JSON.parse(s.facts) as unknown, guarantee: s.guarantee,
    })),
    hashedIdentityRecords: identities,
    disputes: disputes.map((d) => ({ disputeId: d.disputeId, orderId: d.orderId, reason: d.reason, status: d.status, amount: d.amount, currency: d.currency })),
  };
  await db.dataRequest.upsert({
    where: { shop_webhookId: { shop, webhookId: p.webhookId } },
    create: { shop, customerId: p.customerId ?? "", webhookId: p.webhookId, data: JSON.stringify(data) },
    update: { data: JSON.stringify(data) },
  });
}

const REDACTED = JSON.stringify(REDACTED_PAYLOAD);

export async function redactCustomer(db: Db, shop: string, p: CustomerJobPayload): Promise<void> {
  const where = customerScope(shop, p);
  if (!where) return;
  const orderIds = (await db.orderScreening.findMany({ where, select: { orderId: true } })).map((s) => s.orderId);
  const all = [...new Set([...orderIds, ...p.orderIds])];
  const jobKeys = all.map((id) => ({ dedupeKey: { startsWith: `order:${id}:` } }));
  await db.$transaction([
    // The verdict and score stay (they are the shop's record of what Holdfast decided); what could identify the person goes.
    db.orderScreening.updateMany({ where: { shop, orderId: { in: all } }, data: { facts: REDACTED, outcomes: "[]", riskFacts: "[]", customerId: null, shippingHash: null, orderName: null } }),
    db.identity.deleteMany({ where: { shop, OR: [{ orderId: { in: all } }, ...(p.customerId ? [{ customerId: p.customerId }] : [])] } }),
    ...(jobKeys.length ? [db.job.updateMany({ where: { shop, OR: jobKeys, state: { in: ["done", "dead"] } }, data: { payload: REDACTED } })] : []),
    db.dataRequest.deleteMany({ where: { shop, customerId: p.customerId ?? "\u0000" } }),
    db.auditEvent.create({ data: { shop, kind: "customer_redacted", message: `Personal data of customer ${p.customerId ?? "(none)"} erased from ${all.length} orders` } }),
  ]);
}

/** shop/redact: nothing of the shop is kept. */
export async function redactShop(db: Db, shop: string): Promise<number> {
  const deleted = await db.$transaction([
    db.orderScreening.deleteMany({ where: { shop } }),
    db.storeAction.deleteMany({ where: { shop } }),
    db.identity.deleteMany({ where: { shop } }),
    db.listEntry.deleteMany({ where: { shop } }),
    db.dispute.deleteMany({ where: { shop } }),
    db.dataRequest.deleteMany({ where: { shop } }),
    db.auditEvent.deleteMany({ where: { shop } }),
    db.apiBudget.deleteMany({ where: { shop } }),
    db.webhookDelivery.deleteMany({ where: { shop } }),
    db.session.deleteMany({ where: { shop } }),
    db.shop.deleteMany({ where: { shop } }),
    // Every other job of the shop; this job's own row is removed when it completes (see runtime).
    db.job.deleteMany({ where: { shop, kind: { not: SHOP_REDACT } } }),
  ]);
  return deleted.reduce((n, r) => n + r.count, 0);
}
