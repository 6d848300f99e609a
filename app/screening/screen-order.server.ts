// The screen_order job: read the order through the Admin API, load this shop's history and lists,
// run the pure risk engine, persist the decision (with identity rows and an audit event, in one
// transaction), then apply the store actions. A run after a crash or a failed store action reuses
// the persisted decision for the same revision and only completes the store actions that are
// missing or failed; a store action Shopify refuses fails the run (StoreActionFailedError), so the
// job is retried and, after its last attempt, dead-lettered naming what failed.
// A held order whose fulfillment orders Shopify has not routed yet gets its tag and risk assessment
// at once; the job then waits for the fulfillment orders (WaitForShopify, run again later with a
// growing delay) and gives up after HOLD_WAIT_MS (NoFulfillmentOrderError: dead-lettered, audited),
// never ending as done without its hold. `follow` applies the current revision's actions again
// when fulfillment orders appear, split or move (fulfillment_orders/* webhooks, reconciliation).
import type { PrismaPromise } from "@prisma/client";
import { z } from "zod";
import type { Db } from "../db-client.server";
import { changedFacts, factsFromAdmin, factsHash } from "../guarantee/facts";
import { chargeFeeJob } from "../guarantee/fee-job";
import { feeOnApproval, feeOnVoid } from "../guarantee/ledger.server";
import { feeOn, money, roundTo } from "../guarantee/money";
import { guaranteeFor } from "../guarantee/policy";
import { defaultRuleset, evaluate, factsFromWebhook, identityKeys, type ListEntry, type ListKind, type RiskFacts, type ShopLists } from "../risk";
import type { AdminGateway } from "../shopify/gateway.server";
import { OrderForScreening } from "../shopify/operations";
import type { OrderForScreeningQuery } from "../types/admin.generated";
import { loadShopAdjustment } from "../learning/refit.server";
import { hashedKeys, identityRows, loadHistory, nextTypicalValueLog, recordAmount } from "./history.server";
import { screenJobKey, shippingHash, type ScreenOrderPayload } from "./intake.server";
import { enqueue, wake } from "../jobs/queue.server";
import { notifyWork, type JobContext } from "../jobs/worker.server";
import { StoreActions, shopTags, StoreActionsPending, type AdminOrder } from "./store-actions.server";

/** How long a held order's screening waits for Shopify to create a fulfillment order to hold. */
export const HOLD_WAIT_MS = 3_600_000;
const MIN_WAIT_MS = 2_000;
/** A routing wakes the screenings of held orders decided this recently (see wakeWaitingHolds). */
export const WAKE_WINDOW_MS = 10 * 60_000;
const MAX_WAIT_MS = 5 * 60_000;

/** Run again later: Shopify has not done something yet (the composition root makes it a deferral). */
export class WaitForShopify extends Error {
  override name = "WaitForShopify";
  constructor(message: string, readonly retryInMs: number) {
    super(message);
  }
}

/** A held order still had no fulfillment order to hold after HOLD_WAIT_MS: retrying cannot help. */
export class NoFulfillmentOrderError extends Error {
  override name = "NoFulfillmentOrderError";
}

/** The next wait: as long as waited so far (doubling), between 2 s and 5 min. */
export function nextWaitMs(waitedMs: number): number {
  return Math.min(MAX_WAIT_MS, Math.max(MIN_WAIT_MS, waitedMs));
}

export interface ScreeningDeps {
  db: Db;
  gateway: AdminGateway;
  now?: () => number;
  /** Country of an IP (GeoIP). */
  ipCountry?: (ip: string) => string | undefined;
}

export const DEFAULT_AUTO_CANCEL_SCORE = 970;
/** The guarantee's fee rate on the covered amount when the operator set none for the shop (Shop.feeRate). */
export const DEFAULT_FEE_RATE = "0.005";

/** The order's total in the shop's currency, as the Admin API reads it (never the webhook body's). */
const ShopMoney = z.object({ amount: z.string().refine((a) => /^\d+(\.\d+)?$/.test(a), "must be a non-negative decimal"), currencyCode: z.string().regex(/^[A-Z]{3}$/) });

const ListKindSchema = z.enum(["email", "phone", "ip", "device", "card", "address", "customer"]) satisfies z.ZodType<ListKind>;
/** The risk facts sent to Shopify, as stored with the decision (read back through a schema). */
const StoredRiskFacts = z.array(z.object({ description: z.string(), sentiment: z.string() }));

async function shopLists(db: Db, shop: string): Promise<ShopLists> {
  const rows = await db.listEntry.findMany({ where: { shop } });
  const lists: Required<ShopLists> = { allow: [], block: [] };
  for (const r of rows) {
    // A stored row of an unknown kind is skipped, never read as another kind.
    const kind = ListKindSchema.safeParse(r.kind);
    if (!kind.success) continue;
    const entry: ListEntry = { kind: kind.data, value: r.value, note: r.note ?? undefined };
    (r.list === "allow" ? lists.allow : lists.block).push(entry);
  }
  return lists;
}

/** What is kept of the facts: enough to explain the verdict, without names, emails, phones or street addresses. */
export function minimisedFacts(f: RiskFacts): Record<string, unknown> {
  return {
    createdAt: new Date(f.createdAt).toISOString(), totalPrice: f.totalPrice, currency: f.currency, ipCountry: f.ipCountry,
    emailDomain: f.email?.split("@")[1], hasPhone: Boolean(f.phone), phoneCountry: f.phone?.country,
    billingCountry: f.billing?.countryCode, shippingCountry: f.shipping?.countryCode,
    customer: f.customer ? { previousOrders: f.customer.previousOrders, createdAt: f.customer.createdAt, verifiedEmail: f.customer.verifiedEmail } : undefined,
    payment: f.payment ? { avs: f.payment.avsResultCode, cvv: f.payment.cvvResultCode, company: f.payment.company, failedAttempts: f.payment.failedAttempts } : undefined,
    lineItems: f.lineItems?.length, units: f.lineItems?.reduce((n, li) => n + (li.quantity || 0), 0),
    sourceName: f.sourceName, shopifyRecommendation: f.shopifyRecommendation, test: f.test, history: f.history,
  };
}

export class OrderScreener {
  private readonly actions: StoreActions;
  private readonly now: () => number;

  constructor(private readonly deps: ScreeningDeps) {
    this.now = deps.now ?? Date.now;
    this.actions = new StoreActions(deps.db, deps.gateway, this.now);
  }

  /** The job handler (payload parsed by the job's schema). Returns the compacted payload (the webhook's personal data is not kept). */
  async run(shop: string, payload: ScreenOrderPayload, ctx: Partial<JobContext> = {}): Promise<unknown> {
    const { signal } = ctx;
    const { db, gateway } = this.deps;
    const compact = { orderId: payload.orderId, revision: payload.revision, reason: payload.reason };
    const shopRow = await db.shop.findUnique({ where: { shop } });
    if (shopRow?.uninstalledAt) return { ...compact, skipped: "shop uninstalled" };

    const read = await gateway.request<OrderForScreeningQuery>(shop, OrderForScreening, { id: `gid://shopify/Order/${payload.orderId}` }, signal);
    const order = read.order;
    if (!order) throw new Error(`order ${payload.orderId} is not readable in ${shop} (yet)`);

    const existing = await db.orderScreening.findUnique({ where: { shop_orderId: { shop, orderId: payload.orderId } } });
    // A new revision is decided now; a run after a crash reuses the decision it persisted.
    const fresh = !existing || existing.revision < payload.revision;
    const screening = fresh ? await this.decide(shop, shopRow, payload, order, existing) : existing;
    // A run after a crash heals what follows the decision: an active guarantee's fee job (deduplicated
    // by key, so a no-op when it exists), a voided one's fee not charged or credited (idempotent).
    if (!fresh) await this.settleGuarantee(shop, screening);
    signal?.throwIfAborted();
    try {
      await this.applyActions(shop, shopRow, screening, order, { signal, fresh, completion: ctx.completion && (() => ctx.completion!(compact)) });
    } catch (error) {
      if (!(error instanceof StoreActionsPending)) throw error;
      const waited = this.now() - screening.screenedAt.getTime();
      if (error.noFulfillmentOrder && waited >= HOLD_WAIT_MS) {
        const message = `hold: no fulfillment order to hold after ${Math.round(waited / 60_000)} min (Shopify has not routed the order); the order is tagged ${shopTags(shopRow).holdTag} but not held`;
        await db.auditEvent.create({ data: { shop, orderId: payload.orderId, kind: "store_action_failed", message } });
        throw new NoFulfillmentOrderError(message);
      }
      throw new WaitForShopify(error.message, nextWaitMs(waited));
    }
    return compact;
  }

  /**
   * Fulfillment orders of a screened order appeared, split or moved: apply its current revision's
   * store actions again (a new fulfillment order of a held order is held; one staff released stays
   * released). Nothing to do for an order not screened yet (its screening reads the fulfillment
   * orders itself) or approved. While the revision's screening job is queued (waiting) or running,
   * it is left to that job (woken now), so that two jobs never act on one order side by side.
   */
  async follow(shop: string, orderId: string, signal?: AbortSignal): Promise<{ orderId: string; outcome: string }> {
    const { db, gateway } = this.deps;
    const shopRow = await db.shop.findUnique({ where: { shop } });
    if (shopRow?.uninstalledAt) return { orderId, outcome: "shop uninstalled" };
    const screening = await db.orderScreening.findUnique({ where: { shop_orderId: { shop, orderId } } });
    if (!screening) return { orderId, outcome: "not screened yet" };
    if (screening.verdict !== "hold") return { orderId, outcome: "approved" };
    // The screening job of this revision still at work (waiting for fulfillment orders, say) does it:
    // wake it rather than act beside it.
    // So is a staff decision or re-screen already asked for (the next revision's job).
    const own = await this.wakeScreeningJobs(shop, [screening, { orderId, revision: screening.revision + 1 }]);
    if (own.some((j) => j.state === "running")) return { orderId, outcome: "left to its screening job (running)" };
    if (own.some((j) => j.state === "queued")) return { orderId, outcome: "left to its screening job (woken)" };
    const read = await gateway.request<OrderForScreeningQuery>(shop, OrderForScreening, { id: `gid://shopify/Order/${orderId}` }, signal);
    if (!read.order) throw new Error(`order ${orderId} is not readable in ${shop}`);
    try {
      const results = await this.applyActions(shop, shopRow, screening, read.order, { signal, fresh: false });
      return { orderId, outcome: results.length ? results.map((r) => `${r.action} ${r.target} ${r.outcome}`.replace(/\s+/g, " ")).join("; ") : "nothing to do" };
    } catch (error) {
      if (error instanceof StoreActionsPending) return { orderId, outcome: error.message };
      throw error;
    }
  }

  /**
   * Fulfillment orders were routed in the shop: wake the screening jobs of held orders waiting for
   * theirs (decided within WAKE_WINDOW_MS; older ones keep their own backoff, and reconciliation
   * follows held orders that change). A woken job re-reads its order: held if its fulfillment
   * orders are there, waiting on otherwise. No Admin API call here.
   */
  async wakeWaitingHolds(shop: string): Promise<{ waiting: number; woken: number }> {
    const { db } = this.deps;
    const waiting = await db.orderScreening.findMany({
      where: { shop, verdict: "hold", status: "screened", screenedAt: { gte: new Date(this.now() - WAKE_WINDOW_MS) } },
      select: { orderId: true, revision: true },
      take: 100,
    });
    const jobs = await this.wakeScreeningJobs(shop, waiting);
    return { waiting: waiting.length, woken: jobs.filter((j) => j.woken).length };
  }

  /**
   * The screening jobs of these order revisions (one query): a queued one is made due now and the
   * worker told; a running one is left to finish. Returns each job found with its state.
   */
  private async wakeScreeningJobs(shop: string, revisions: { orderId: string; revision: number }[]) {
    if (revisions.length === 0) return [];
    const { db } = this.deps;
    const jobs = await db.job.findMany({
      where: { shop, dedupeKey: { in: revisions.map((r) => screenJobKey(r.orderId, r.revision)) } },
      select: { id: true, state: true },
    });
    const found: { id: string; state: string; woken: boolean }[] = [];
    for (const job of jobs) {
      const woken = job.state === "queued" && (await wake(db, shop, job.id, new Date()));
      if (woken) notifyWork([{ id: job.id, shop }]);
      found.push({ ...job, woken });
    }
    return found;
  }

  private async settleGuarantee(shop: string, screening: { orderId: string; guarantee: string }) {
    const { db } = this.deps;
    if (screening.guarantee === "active") await enqueue(db, chargeFeeJob(shop, screening.orderId));
    if (screening.guarantee === "void") await feeOnVoid(db, shop, screening.orderId, new Date(this.now()));
  }

  private applyActions(
    shop: string,
    shopRow: { autoCancel: boolean; autoCancelScore: number | null; shipTag: string | null; holdTag: string | null } | null,
    screening: { orderId: string; revision: number; verdict: string; score: number; riskLevel: string; riskFacts: string },
    order: AdminOrder,
    opts: { signal?: AbortSignal; fresh: boolean; completion?: () => PrismaPromise<unknown> },
  ) {
    const { db } = this.deps;
    const { orderId, revision } = screening;
    return this.actions.apply(
      shop,
      { ...screening, riskFacts: StoredRiskFacts.parse(JSON.parse(screening.riskFacts)) },
      order,
      { autoCancel: shopRow?.autoCancel ?? false, autoCancelScore: shopRow?.autoCancelScore ?? DEFAULT_AUTO_CANCEL_SCORE, ...shopTags(shopRow) },
      {
        signal: opts.signal,
        fresh: opts.fresh,
        // Marked acted (once: a later run keeps the first time), and the job done, in the same
        // transaction as the actions' records (only when none failed or waits).
        finish: () => [
          db.orderScreening.updateMany({ where: { shop, orderId, revision, status: "screened" }, data: { status: "acted", actedAt: new Date(this.now()) } }),
          ...(opts.completion ? [opts.completion()] : []),
        ],
      },
    );
  }

  private async decide(
    shop: string,
    shopRow: { holdThreshold: number | null; typicalValueLog: number | null; feeRate: string | null; subscriptionStatus: string | null; thinDataPolicy: string | null; ianaTimezone: string | null } | null,
    payload: ScreenOrderPayload,
    order: AdminOrder,
    previous: { guarantee: string; factsHash: string | null } | null,
  ) {
    const { db } = this.deps;
    const now = this.now();
    const lists = await shopLists(db, shop);
    // The shop's timezone (read with its identity at install) for hour-of-day signals; UTC while unknown.
    const base = factsFromWebhook(payload.webhook ?? {}, order, { shop, now, ipCountry: this.deps.ipCountry, timezone: shopRow?.ianaTimezone ?? undefined });
    const keys = identityKeys(base);
    const typical = shopRow?.typicalValueLog ?? null;
    const hashed = hashedKeys(keys);
    const ruleset = defaultRuleset(shopRow?.holdThreshold != null ? { threshold: shopRow.holdThreshold } : {});
    // The order's history and the shop's learnt adjustment (newest version for this model, recorded
    // with the decision) are independent reads: made together.
    const [history, adjustment] = await Promise.all([
      loadHistory(db, shop, hashed, base.createdAt, payload.orderId, typical),
      loadShopAdjustment(db, shop, ruleset.model),
    ]);
    const facts: RiskFacts = { ...base, history, lists };
    // A stored policy other than the two known ones reads as the default (hold): fail safe.
    const thinDataPolicy = shopRow?.thinDataPolicy === "ship_unguaranteed" ? "ship_unguaranteed" : "hold";
    const decision = evaluate(facts, { ...ruleset, thinDataPolicy, ...(adjustment ? { adjustment } : {}) });
    // The guarantee: the order's full total in the shop's currency (no cap), its fee at the shop's rate.
    const total = ShopMoney.parse(order.totalPriceSet.shopMoney);
    const currency = total.currencyCode;
    const amount = roundTo(money(total.amount), currency);
    const feeRate = shopRow?.feeRate ?? DEFAULT_FEE_RATE;
    const before = await db.guarantee.findUnique({ where: { shop_orderId: { shop, orderId: payload.orderId } } });
    const frozen = factsFromAdmin(order);
    const hashOfFacts = factsHash(frozen);
    const rescreen = payload.reason === "facts_changed" || payload.reason === "address_changed";
    const changed = (previous?.factsHash ? changedFacts(previous.factsHash, frozen) : null) ?? (payload.reason === "address_changed" ? ["shipping address"] : undefined);
    const at = new Date(now);
    const previousState = before?.state ?? previous?.guarantee;
    const g = guaranteeFor({
      verdict: decision.verdict, test: Boolean(facts.test || order.test), cancelledAt: order.cancelledAt ?? null,
      fulfillmentStatus: order.displayFulfillmentStatus ?? null, shopifyProtect: order.shopifyProtect?.status ?? null,
      subscriptionStatus: shopRow?.subscriptionStatus ?? null, reason: payload.reason, previous: previousState, previousReason: before?.reason ?? null,
      changed: changed ?? undefined, at, amount, currency, thinData: decision.thinData,
    });
    const becameActive = g.state === "active" && previousState !== "active";
    const fee = g.state === "active" ? (becameActive || !before ? feeOn(amount, feeRate, currency) : before.fee) : g.state === "void" && before ? before.fee : roundTo(money("0"), currency);
    const guaranteeRow = {
      revision: payload.revision, state: g.state, reason: g.reason, note: g.note, amount, currency,
      feeRate: becameActive || !before ? feeRate : before.feeRate, fee,
      // The facts approved, frozen while the guarantee lasts (a void keeps what had been approved).
      frozenFacts: g.state === "active" ? JSON.stringify(frozen) : g.state === "void" ? (before?.frozenFacts ?? null) : null,
      approvedAt: g.state === "active" ? (previousState === "active" ? (before?.approvedAt ?? at) : at) : (before?.approvedAt ?? null),
      voidedAt: g.state === "void" ? (order.cancelledAt && g.reason === "guarantee.void_cancelled" ? new Date(order.cancelledAt) : at) : null,
    };
    const guaranteeAudit = `Guarantee ${g.state}${g.state === "active" ? ` for ${amount} ${currency} (fee ${fee} at ${feeRate})` : ""}: ${g.note}`;

    const orderCreatedAt = new Date(base.createdAt);
    const row = {
      orderName: order.name, revision: payload.revision, status: "screened", verdict: decision.verdict, score: decision.score,
      threshold: decision.threshold, riskLevel: decision.riskLevel, decidedBy: decision.decidedBy,
      rulesetVersion: decision.rulesetVersion, modelVersion: decision.modelVersion,
      reasons: JSON.stringify(decision.reasons), outcomes: JSON.stringify(decision.outcomes), riskFacts: JSON.stringify(decision.riskFacts),
      facts: JSON.stringify({ ...minimisedFacts(facts), coverage: decision.coverage }), customerId: base.customer?.id ?? null,
      totalPrice: base.totalPrice === undefined ? null : String(base.totalPrice), currency: base.currency ?? null, test: Boolean(base.test || order.test),
      orderCreatedAt, shippingHash: shippingHash((payload.webhook?.shipping_address as Record<string, unknown> | undefined) ?? gqlShipping(order)),
      guarantee: g.state, guaranteeNote: g.note, factsHash: hashOfFacts, screenedAt: new Date(now), actedAt: null,
      probability: decision.probability, adjustmentVersion: adjustment?.version ?? null,
    };
    const summary = `${decision.verdict === "ship" ? "Approved" : "Held"} (score ${decision.score}/${decision.threshold}, ${decision.decidedBy})` +
      (rescreen ? ` after a change of ${changed?.length ? changed.join(", ") : "the order's facts"}` : "") + `; guarantee: ${g.note}`;
    const typicalValueLog = nextTypicalValueLog(typical, base.totalPrice);
    const [saved] = await db.$transaction([
      // The first decision creates the row and its identities; a re-screen replaces them.
      previous
        ? db.orderScreening.update({ where: { shop_orderId: { shop, orderId: payload.orderId } }, data: row })
        : db.orderScreening.create({ data: { shop, orderId: payload.orderId, ...row } }),
      ...(previous ? [db.identity.deleteMany({ where: { shop, orderId: payload.orderId } })] : []),
      db.identity.createMany({ data: identityRows(shop, payload.orderId, hashed, orderCreatedAt) }),
      // The shop's typical order value and amount histogram move with first decisions only.
      ...(payload.revision > 0 ? [] : recordAmount(db, shop, base.totalPrice)),
      ...(payload.revision > 0
        ? []
        : [shopRow ? db.shop.update({ where: { shop }, data: { typicalValueLog } }) : db.shop.upsert({ where: { shop }, create: { shop, typicalValueLog }, update: { typicalValueLog } })]),
      db.auditEvent.create({ data: { shop, orderId: payload.orderId, kind: payload.revision === 0 ? "screened" : "rescreened", message: summary } }),
      // The guarantee, one row per order, with its reason; its fee entry and fee job the first time it is active.
      db.guarantee.upsert({
        where: { shop_orderId: { shop, orderId: payload.orderId } },
        create: { shop, orderId: payload.orderId, ...guaranteeRow },
        update: guaranteeRow,
      }),
      ...(becameActive ? [feeOnApproval(db, { shop, orderId: payload.orderId, fee, currency, at }), enqueue(db, chargeFeeJob(shop, payload.orderId))] : []),
      db.auditEvent.create({ data: { shop, orderId: payload.orderId, kind: "guarantee", message: guaranteeAudit.slice(0, 1000) } }),
    ]);
    // A guarantee voided by this re-screen: its fee is not charged, or credited if it was (idempotent;
    // a crash before it is healed by the job's next run, settleGuarantee).
    if (g.state === "void" && previousState === "active") await feeOnVoid(db, shop, payload.orderId, at);
    return saved;
  }
}

function gqlShipping(order: AdminOrder): Record<string, unknown> | null {
  const a = order.shippingAddress;
  return a ? { address1: a.address1, address2: a.address2, city: a.city, zip: a.zip, country_code: a.countryCodeV2 } : null;
}
