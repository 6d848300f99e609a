// Mandatory compliance webhooks (protected customer data):
//   customers/data_request -> an export of what Holdfast holds on that customer, stored for staff to send
//                             (deleted after 30 days, pruneExports);
//   customers/redact       -> that customer's personal data erased from every table and every job state
//                             (screenings, identities, job payloads, invalid deliveries' raw bodies, exports);
//   shop/redact            -> everything Holdfast holds for the shop deleted, in every table.
// Each runs as a job (idempotent: running it twice leaves the same state). docs/security.md, finding 3,
// says what is kept, where and for how long; test/compliance/redaction.test.ts searches every table.
import { z } from "zod";
import type { Db } from "../db-client.server";
import { REDACTED_FACTS_HASH, StoredFrozenFacts } from "../guarantee/facts";
import { DeferJob, REDACTED_PAYLOAD } from "../jobs/queue.server";
import { refreshLockName } from "../shopify/tokens.server";
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
  /**
   * customers/redact only: the customer's email and phone, to find the raw bodies of invalid
   * deliveries that name them. Dropped from the payload when the job is done.
   */
  email: z.string().max(320).nullish(),
  phone: z.string().max(64).nullish(),
});
export type CustomerJobPayload = z.infer<typeof CustomerJobPayload>;

/** A customer job's payload without the email and phone: what its done job keeps, and a dead one after the retention limit. */
export function customerJobIds(p: CustomerJobPayload): CustomerJobPayload {
  return { customerId: p.customerId, orderIds: p.orderIds, webhookId: p.webhookId };
}

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
    const p: CustomerJobPayload = {
      customerId: r.data.customer.id == null ? null : String(r.data.customer.id), orderIds: ids(r.data.orders_to_redact), webhookId: ctx.webhookId,
      email: r.data.customer.email?.slice(0, 320) || null, phone: r.data.customer.phone?.slice(0, 64) || null,
    };
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
  const [identities, disputes, guarantees] = await Promise.all([
    db.identity.count({ where: { shop, orderId: { in: orderIds } } }),
    db.dispute.findMany({ where: { shop, orderId: { in: orderIds } } }),
    db.guarantee.findMany({ where: { shop, orderId: { in: orderIds } } }),
  ]);
  const guaranteeOf = new Map(guarantees.map((g) => [g.orderId, g]));
  // The facts a guarantee froze are the customer's data as Shopify gave it (stored JSON, parsed, never cast).
  const frozen = (json: string | null) => {
    if (!json) return null;
    try {
      const parsed = StoredFrozenFacts.safeParse(JSON.parse(json));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  };
  const data = {
    shop, customerId: p.customerId, generatedAt: new Date().toISOString(),
    note: "Holdfast keeps fraud-screening results per order. Identity values (email, phone, IP, device, card, address) are stored only as one-way hashes.",
    orders: screenings.map((s) => ({
      orderId: s.orderId, orderName: s.orderName, screenedAt: s.screenedAt.toISOString(), verdict: s.verdict, score: s.score,
      riskLevel: s.riskLevel, reasons: JSON.parse(s.reasons) as unknown, facts: JSON.parse(s.facts) as unknown, guarantee: s.guarantee,
      ...(guaranteeOf.has(s.orderId)
        ? (({ state, reason, amount, currency, approvedAt, voidedAt, frozenFacts }) => ({
            guaranteeDetail: { state, reason, amount, currency, approvedAt, voidedAt, frozenFacts: frozen(frozenFacts) },
          }))(guaranteeOf.get(s.orderId)!)
        : {}),
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

/**
 * Retention of exports: a data request's export (it holds the customer's screenings, whose reasons
 * can quote names) is deleted this long after it was made; staff send it to the merchant before.
 */
export const EXPORT_RETENTION_MS = 30 * 24 * 3_600_000;

export async function pruneExports(db: Db, now: number): Promise<number> {
  const r = await db.dataRequest.deleteMany({ where: { createdAt: { lt: new Date(now - EXPORT_RETENTION_MS) } } });
  return r.count;
}

const REDACTED = JSON.stringify(REDACTED_PAYLOAD);

/** The reasons left on a screening whose customer was erased: the reasons quoted names, emails and phones. */
const ERASED_REASONS = JSON.stringify({
  en: ["Reasons erased with the customer's personal data (customers/redact); the signals that decided and their weights are kept."],
  ja: ["顧客の個人データの消去（customers/redact）に伴い理由を消去しました。判定に使われたシグナルとその重みは保持しています。"],
});

/** A stored outcome without its value and evidence (a name, an email's local part, a phone, an IP). */
const ErasedOutcomes = z.array(z.object({ id: z.string(), outcome: z.string(), feature: z.number(), contribution: z.number() }));

/** The per-signal outcomes with only what explains the score (the id, hit or not, the contribution); "[]" if they do not parse. */
export function outcomesWithoutValues(json: string): string {
  let stored: unknown;
  try {
    stored = JSON.parse(json);
  } catch {
    return "[]";
  }
  const parsed = ErasedOutcomes.safeParse(stored); // unknown keys (value, evidence) are dropped
  return parsed.success ? JSON.stringify(parsed.data) : "[]";
}

/** Who is being erased, as a customers/redact names them. */
export interface Erased {
  customerId: string | null;
  orderIds: Set<string>;
  email: string | null;
  /** The phone's last digits (up to 10), at least 7 of them. */
  phoneDigits: string | null;
}

export function erasedCustomer(p: CustomerJobPayload): Erased {
  const email = p.email?.trim().toLowerCase();
  const digits = (p.phone ?? "").replace(/\D/g, "").slice(-10);
  return {
    customerId: p.customerId, orderIds: new Set(p.orderIds), email: email && email.includes("@") ? email : null,
    phoneDigits: digits.length >= 7 ? digits : null,
  };
}

const phonePattern = (digits: string) => new RegExp(`${digits.split("").join("[\\s().-]*")}(?!\\d)`);
const idPattern = (ids: string[]) => new RegExp(`(?<!\\d)(?:${ids.join("|")})(?!\\d)`);

/**
 * Whether text Holdfast could not parse (an invalid delivery's raw body or error, a job payload)
 * names the customer: their email, phone (any spelling of its last digits) or, with `ids`, their
 * customer id or one of their orders' ids as a whole number. A false match only erases more.
 */
export function mentionsCustomer(text: string, who: Erased, opts: { ids: boolean }): boolean {
  if (who.email && text.toLowerCase().includes(who.email)) return true;
  if (who.phoneDigits && phonePattern(who.phoneDigits).test(text)) return true;
  if (!opts.ids) return false;
  const ids = [...(who.customerId ? [who.customerId] : []), ...who.orderIds].filter((id) => /^\d+$/.test(id));
  return ids.length > 0 && idPattern(ids).test(text);
}

/** The customer of an order webhook kept in a job payload (screen_order's `webhook`), when it names one. */
const WebhookCustomer = z.object({ customer: z.object({ id: z.union([z.string(), z.number()]).nullish() }).passthrough().nullish() }).passthrough();

const BATCH = 500;

function chunks<T>(list: T[], size = BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** Every row `read` gives, page by page in id order (BATCH at a time, from after `cursor`). */
async function* pages<T extends { id: string }>(read: (page: { orderBy: { id: "asc" }; take: number; cursor?: { id: string }; skip?: number }) => Promise<T[]>) {
  for (let cursor: string | undefined; ; ) {
    const rows = await read({ orderBy: { id: "asc" }, take: BATCH, ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}) });
    yield* rows;
    if (rows.length < BATCH) return;
    cursor = rows[rows.length - 1]!.id;
  }
}

/**
 * The shop's unfinished jobs (queued, retrying, running, dead) that concern the customer: work on
 * one of their orders (dedupe key `order:<id>:`), or a payload naming them (the order webhook's
 * customer id, their email or phone). Compliance jobs are left out: they carry ids only, and the
 * redaction's own email and phone go when it is done. Read in batches of the (shop, state) index.
 */
async function unfinishedJobsOf(db: Db, shop: string, who: Erased) {
  const found: { id: string; orderId: string | null }[] = [];
  const rows = pages((page) =>
    db.job.findMany({
      where: { shop, state: { in: ["queued", "running", "dead"] }, kind: { notIn: [DATA_REQUEST, CUSTOMER_REDACT, SHOP_REDACT] } },
      select: { id: true, dedupeKey: true, payload: true },
      ...page,
    }),
  );
  for await (const row of rows) {
    const orderId = /^order:(\d+):/.exec(row.dedupeKey)?.[1] ?? null;
    if ((orderId && who.orderIds.has(orderId)) || mentionsCustomer(row.payload, who, { ids: false }) || namesCustomer(row.payload, who)) {
      found.push({ id: row.id, orderId });
    }
  }
  return found;
}

function namesCustomer(payload: string, who: Erased): boolean {
  if (!who.customerId) return false;
  let stored: unknown;
  try {
    stored = JSON.parse(payload);
  } catch {
    return false;
  }
  const webhook = z.object({ webhook: WebhookCustomer }).passthrough().safeParse(stored);
  const id = webhook.success ? webhook.data.webhook.customer?.id : undefined;
  return id != null && String(id) === who.customerId;
}

/** The shop's invalid deliveries whose raw body (or error) names the customer; `error` when the error does. Read in batches. */
async function invalidDeliveriesOf(db: Db, shop: string, who: Erased) {
  const found: { id: string; error: boolean }[] = [];
  const rows = pages((page) => db.webhookDelivery.findMany({ where: { shop, status: "invalid" }, select: { id: true, rawBody: true, error: true }, ...page }));
  for await (const row of rows) {
    const inBody = row.rawBody !== null && mentionsCustomer(row.rawBody, who, { ids: true });
    const inError = row.error !== null && mentionsCustomer(row.error, who, { ids: true });
    if (inBody || inError) found.push({ id: row.id, error: inError });
  }
  return found;
}

/** The shop's data-request exports of the customer, or that list one of the orders. */
async function exportsOf(db: Db, shop: string, customerId: string | null, orderIds: Set<string>) {
  const found: string[] = [];
  const listed = orderIds.size ? new RegExp(`"orderId":"(?:${[...orderIds].filter((id) => /^\d+$/.test(id)).join("|") || "(?!)"})"`) : null;
  const rows = pages((page) => db.dataRequest.findMany({ where: { shop }, select: { id: true, customerId: true, data: true }, ...page }));
  for await (const row of rows) if ((customerId && row.customerId === customerId) || listed?.test(row.data)) found.push(row.id);
  return found;
}

/**
 * The shop's allow/block-list entries that are the customer: their email, phone or customer id.
 * (An address entry is a normalised address key, which the redaction's payload cannot name.)
 */
async function listEntriesOf(db: Db, shop: string, who: Erased) {
  const rows = await db.listEntry.findMany({ where: { shop, kind: { in: ["email", "phone", "customer"] } }, select: { id: true, kind: true, value: true } });
  return rows
    .filter((r) => (r.kind === "customer" ? who.customerId !== null && r.value.trim() === who.customerId : mentionsCustomer(r.value, who, { ids: false })))
    .map((r) => r.id);
}

/** The redaction is waiting for a job that is running on the customer's orders (see `redactCustomer`). */
export const REDACT_WAIT_MS = 2_000;

/**
 * customers/redact: erase what could identify the customer, wherever Holdfast keeps it, and keep
 * the shop's record of what it decided:
 *   - the screenings of their orders keep the verdict, score, guarantee and each signal's id and
 *     weight; facts, reasons (they quote names, emails, phones), values, risk facts, the order
 *     name, customer id and address hash go;
 *   - their identity rows (hashes of email, phone, address, name...: still personal data) are deleted;
 *   - every job on their orders or naming them, in any state, gets the redacted payload: a queued
 *     or retrying screening then ends as done without running (the order is never screened: no
 *     verdict, no tag, no guarantee), a dead one stays dead with its error (a retry ends at once);
 *   - the raw body of an invalid delivery that names them is removed (and its error, if it does);
 *   - data-request exports of them, or listing their orders, are deleted; audit events of their
 *     orders lose their data (their messages hold no personal data);
 *   - allow/block-list entries of their email, phone or customer id are deleted (the audit event
 *     says how many, so the merchant knows a block went with them).
 * A screening already running when this runs could write its decision afterwards: the redaction
 * then waits (DeferJob, no attempt used) and runs again until no job of the customer is running,
 * so it always ends after the last write. Idempotent. Returns the payload to keep on the done job
 * (without the email and phone it needed to find raw bodies).
 */
export async function redactCustomer(db: Db, shop: string, p: CustomerJobPayload): Promise<CustomerJobPayload> {
  const who = erasedCustomer(p);
  const where = customerScope(shop, p);
  const screened = where ? (await db.orderScreening.findMany({ where, select: { orderId: true } })).map((s) => s.orderId) : [];
  for (const id of screened) who.orderIds.add(id);
  const jobs = await unfinishedJobsOf(db, shop, who);
  for (const j of jobs) if (j.orderId) who.orderIds.add(j.orderId);
  const all = [...who.orderIds];
  const [screenings, deliveries, exports, listed] = await Promise.all([
    db.orderScreening.findMany({ where: { shop, orderId: { in: all } }, select: { id: true, outcomes: true } }),
    invalidDeliveriesOf(db, shop, who),
    exportsOf(db, shop, p.customerId, who.orderIds),
    listEntriesOf(db, shop, who),
  ]);
  const jobIds = jobs.map((j) => j.id);
  await db.$transaction([
    ...screenings.map((s) =>
      db.orderScreening.update({
        where: { id: s.id },
        data: {
          facts: REDACTED, reasons: ERASED_REASONS, outcomes: outcomesWithoutValues(s.outcomes), riskFacts: "[]", customerId: null, shippingHash: null, orderName: null,
          factsHash: REDACTED_FACTS_HASH,
        },
      }),
    ),
    ...(p.customerId ? [db.identity.deleteMany({ where: { shop, customerId: p.customerId } })] : []),
    ...chunks(all).flatMap((ids) => [
      db.identity.deleteMany({ where: { shop, orderId: { in: ids } } }),
      db.auditEvent.updateMany({ where: { shop, orderId: { in: ids }, data: { not: null } }, data: { data: null } }),
      // The facts a guarantee froze (addresses, email, phone, customer); the guarantee itself, its amount and reason stay.
      db.guarantee.updateMany({ where: { shop, orderId: { in: ids }, frozenFacts: { not: null } }, data: { frozenFacts: null } }),
      // Finished jobs of the orders too (their payloads are compact, but a staff retry must not screen again).
      db.job.updateMany({ where: { shop, state: "done", OR: ids.map((id) => ({ dedupeKey: { startsWith: `order:${id}:` } })) }, data: { payload: REDACTED } }),
    ]),
    ...chunks(jobIds).map((ids) => db.job.updateMany({ where: { shop, id: { in: ids } }, data: { payload: REDACTED } })),
    ...chunks(deliveries.map((d) => d.id)).map((ids) => db.webhookDelivery.updateMany({ where: { shop, id: { in: ids } }, data: { rawBody: null } })),
    ...chunks(deliveries.filter((d) => d.error).map((d) => d.id)).map((ids) =>
      db.webhookDelivery.updateMany({ where: { shop, id: { in: ids } }, data: { error: "invalid delivery (its reason quoted personal data, erased by customers/redact)" } }),
    ),
    ...chunks(exports).map((ids) => db.dataRequest.deleteMany({ where: { shop, id: { in: ids } } })),
    ...(listed.length ? [db.listEntry.deleteMany({ where: { shop, id: { in: listed } } })] : []),
  ]);
  // Read after the writes: a claim that committed before them is seen here; one after them got the redacted payload.
  const running = jobIds.length ? await db.job.count({ where: { shop, id: { in: jobIds }, state: "running" } }) : 0;
  if (running > 0) throw new DeferJob(`customer redaction waits for ${running} running job(s) of the customer's orders`, REDACT_WAIT_MS);
  await db.auditEvent.create({
    data: { shop, kind: "customer_redacted", message: `Personal data of customer ${p.customerId ?? "(none)"} erased from ${all.length} orders, ${jobIds.length} unfinished jobs and ${deliveries.length} invalid deliveries` +
      (listed.length ? `; ${listed.length} allow/block-list entries naming the customer removed` : "") },
  });
  return customerJobIds(p);
}

/**
 * shop/redact: nothing of the shop is kept, in any table, this job's own row included (the worker's
 * completion then finds no row and changes nothing). A job of the shop still running could write
 * after the erasure: the erasure waits (DeferJob) until none is running.
 */
export async function redactShop(db: Db, shop: string): Promise<number> {
  const running = await db.job.count({ where: { shop, state: "running", kind: { not: SHOP_REDACT } } });
  if (running > 0) throw new DeferJob(`shop redaction waits for ${running} running job(s) of the shop`, REDACT_WAIT_MS);
  const deleted = await db.$transaction([
    db.orderScreening.deleteMany({ where: { shop } }),
    db.storeAction.deleteMany({ where: { shop } }),
    db.identity.deleteMany({ where: { shop } }),
    db.shopAmountBucket.deleteMany({ where: { shop } }),
    db.listEntry.deleteMany({ where: { shop } }),
    db.dispute.deleteMany({ where: { shop } }),
    db.riskOutcome.deleteMany({ where: { shop } }),
    db.shopModelAdjustment.deleteMany({ where: { shop } }),
    db.guarantee.deleteMany({ where: { shop } }),
    db.claim.deleteMany({ where: { shop } }),
    db.claimEvent.deleteMany({ where: { shop } }),
    db.ledgerEntry.deleteMany({ where: { shop } }),
    db.dataRequest.deleteMany({ where: { shop } }),
    db.auditEvent.deleteMany({ where: { shop } }),
    db.apiBudget.deleteMany({ where: { shop } }),
    db.webhookDelivery.deleteMany({ where: { shop } }),
    db.session.deleteMany({ where: { shop } }),
    db.shop.deleteMany({ where: { shop } }),
    db.lock.deleteMany({ where: { name: refreshLockName(shop) } }),
    db.job.deleteMany({ where: { shop } }),
  ]);
  return deleted.reduce((n, r) => n + r.count, 0);
}
