// The guarantee's fee through Shopify usage billing (docs/guarantee.md "Fees and billing",
// docs/decisions/011-usage-billing-and-credits.md).
//
// - The shop's usage subscription: created after install (afterAuth) with one usage line item and a
//   capped amount in the shop's currency; its status, line item, currency and cap are kept on Shop
//   and re-read by reconciliation while it is not ACTIVE.
// - One charge_fee job per guaranteed order: the pending fee entry is converted to the billing
//   currency (an operator-configured rate, never a guessed one), open credits are netted against it
//   (oldest first), and the rest is billed with appUsageRecordCreate under an idempotencyKey derived
//   from shop and order. What is billed is written down before the call, so every retry sends the
//   same price under the same key and Shopify keeps one record.
// - "exceeds balance remaining" pauses charging for the shop (coverage continues; fees are owed);
//   reconciliation resumes once the cap has room and re-enqueues the owed fees.
import { z } from "zod";
import type { Db, Tx } from "../db-client.server";
import { translate, type MessageKey } from "../i18n";
import { enqueue } from "../jobs/queue.server";
import { BillingState, BillingSubscription, BillingSubscriptionCreate, BillingUsageRecordCreate } from "../shopify/operations";
import { chargeFeeJob } from "./fee-job";
import { feeKey, feeOnVoid } from "./ledger.server";
import { Decimal, minorDigits, money, roundTo } from "./money";
import { rateAt } from "./rates.server";

/** What billing needs of the Admin API: the gateway, or the library's client in afterAuth. */
export interface AdminRequester {
  request(shop: string, document: string, variables?: Record<string, unknown>, signal?: AbortSignal): Promise<unknown>;
}

export const SUBSCRIPTION_NAME = "Holdfast chargeback guarantee";
/** The fee rate when the operator set none for the shop (Shop.feeRate). */
export const DEFAULT_FEE_RATE = "0.005";

export interface BillingOptions {
  /** Shopify test charges (no money moves): everywhere but production. */
  test: boolean;
  /** Where Shopify sends the merchant after approving (default: the shop's apps page). */
  returnUrl?: string;
  /** The usage cap to ask for, in the billing currency (default: defaultCappedAmount). */
  cappedAmount?: string;
}

/** Never real charges unless production says so. */
export const DEFAULT_BILLING: BillingOptions = { test: true };

export function billingOptions(env: { NODE_ENV: string; SHOPIFY_APP_URL?: string; HOLDFAST_BILLING_TEST?: "on" | "off" }): BillingOptions {
  const test = env.HOLDFAST_BILLING_TEST ? env.HOLDFAST_BILLING_TEST === "on" : env.NODE_ENV !== "production";
  return { test, ...(env.SHOPIFY_APP_URL ? { returnUrl: new URL("/app", env.SHOPIFY_APP_URL).toString() } : {}) };
}

/**
 * The cap asked for by default: 1,000 units of a two-decimal currency (USD 1,000), scaled by the
 * currency's minor unit (JPY 100,000; KWD 100). It limits what Holdfast may bill per 30 days, never
 * what is covered: past it, charging pauses and coverage continues.
 */
export function defaultCappedAmount(currency: string): string {
  return new Decimal(1000).times(new Decimal(10).pow(2 - minorDigits(currency))).toFixed(minorDigits(currency));
}

// ---- Admin API answers (parsed, never cast) --------------------------------------------------

const Money = z.object({ amount: z.union([z.string(), z.number()]).transform(String), currencyCode: z.string().regex(/^[A-Z]{3}$/) });
const UsagePricing = z.object({ __typename: z.literal("AppUsagePricing"), cappedAmount: Money, balanceUsed: Money, terms: z.string().nullish() });
const LineItem = z.object({ id: z.string(), plan: z.object({ pricingDetails: z.object({ __typename: z.string() }).passthrough() }) });
const Subscription = z.object({ id: z.string(), status: z.string(), lineItems: z.array(LineItem) });
const StateAnswer = z.object({
  shop: z.object({ currencyCode: z.string().regex(/^[A-Z]{3}$/) }),
  currentAppInstallation: z.object({ activeSubscriptions: z.array(Subscription) }),
});
const NodeAnswer = z.object({ node: z.object({ __typename: z.string() }).passthrough().nullable() });
const UserErrors = z.array(z.object({ message: z.string() }));
const CreateAnswer = z.object({
  appSubscriptionCreate: z.object({
    appSubscription: z.object({ id: z.string(), status: z.string(), lineItems: z.array(z.object({ id: z.string() })) }).nullable(),
    confirmationUrl: z.string().nullable(),
    userErrors: UserErrors,
  }),
});
const UsageAnswer = z.object({
  appUsageRecordCreate: z.object({ appUsageRecord: z.object({ id: z.string() }).nullable(), userErrors: UserErrors }),
});

function parse<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, answer: unknown, what: string): T {
  const parsed = schema.safeParse(answer);
  if (!parsed.success) throw new Error(`${what} answer is malformed: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return parsed.data;
}

interface UsageSubscription {
  id: string;
  status: string;
  itemId: string;
  cap: { amount: string; currencyCode: string };
  balanceUsed: string;
}

/** The subscription's usage line item, if it has one (a malformed AppUsagePricing is an error, not "none"). */
function usageOf(sub: z.infer<typeof Subscription>): UsageSubscription | undefined {
  for (const li of sub.lineItems) {
    if (li.plan.pricingDetails.__typename !== "AppUsagePricing") continue;
    const usage = parse(UsagePricing, li.plan.pricingDetails, "AppUsagePricing");
    return { id: sub.id, status: sub.status, itemId: li.id, cap: usage.cappedAmount, balanceUsed: usage.balanceUsed.amount };
  }
  return undefined;
}

// ---- the subscription ---------------------------------------------------------------------------

export interface SubscriptionState {
  status: string | null;
  subscriptionId: string | null;
  confirmationUrl: string | null;
  billingCurrency: string | null;
  cappedAmount: string | null;
  /** Billed so far in the current 30-day period (when Shopify told). */
  balanceUsed?: string;
  created: boolean;
}

/** Subscriptions that ended: a new one is asked for only when `recreate` says so (a new install). */
const ENDED = new Set(["DECLINED", "EXPIRED", "CANCELLED"]);

async function remember(db: Db, shop: string, sub: UsageSubscription): Promise<void> {
  const data = {
    subscriptionId: sub.id, subscriptionItemId: sub.itemId, subscriptionStatus: sub.status,
    billingCurrency: sub.cap.currencyCode, cappedAmount: sub.cap.amount, ...(sub.status === "ACTIVE" ? { confirmationUrl: null } : {}),
  };
  await db.shop.upsert({ where: { shop }, create: { shop, ...data }, update: data });
}

async function readSubscription(gateway: AdminRequester, shop: string, id: string, signal?: AbortSignal): Promise<UsageSubscription | { id: string; status: string } | null> {
  const answer = parse(NodeAnswer, await gateway.request(shop, BillingSubscription, { id }, signal), "BillingSubscription");
  if (!answer.node || answer.node.__typename !== "AppSubscription") return null;
  const sub = parse(Subscription, answer.node, "AppSubscription");
  return usageOf(sub) ?? { id: sub.id, status: sub.status };
}

/**
 * Make sure the shop has a usage subscription, and record what Shopify says of it on Shop:
 *   - an ACTIVE one with a usage line item (ours, or one the merchant approved later) is adopted;
 *   - the one recorded is re-read while it is PENDING (approval flips it to ACTIVE);
 *   - none recorded (or, with `recreate`, the recorded one DECLINED/EXPIRED/CANCELLED): created,
 *     then read again (a merchant, or the emulator's auto-approval, may have approved already).
 */
export async function ensureSubscription(
  db: Db, gateway: AdminRequester, shop: string, options: BillingOptions = DEFAULT_BILLING, opts: { recreate?: boolean; signal?: AbortSignal } = {},
): Promise<SubscriptionState> {
  const signal = opts.signal;
  const row = await db.shop.findUnique({ where: { shop } });
  const state = parse(StateAnswer, await gateway.request(shop, BillingState, {}, signal), "BillingState");
  const active = state.currentAppInstallation.activeSubscriptions.map(usageOf).find((s) => s?.status === "ACTIVE");
  const stateOf = async (created: boolean, balanceUsed?: string): Promise<SubscriptionState> => {
    const now = await db.shop.findUnique({ where: { shop } });
    return {
      status: now?.subscriptionStatus ?? null, subscriptionId: now?.subscriptionId ?? null, confirmationUrl: now?.confirmationUrl ?? null,
      billingCurrency: now?.billingCurrency ?? null, cappedAmount: now?.cappedAmount ?? null, created, ...(balanceUsed !== undefined ? { balanceUsed } : {}),
    };
  };
  if (active) {
    await remember(db, shop, active);
    return stateOf(false, active.balanceUsed);
  }
  if (row?.subscriptionId) {
    const read = await readSubscription(gateway, shop, row.subscriptionId, signal);
    const status = read?.status ?? "CANCELLED"; // gone from Shopify: it is not billing anything
    if (read && "itemId" in read) await remember(db, shop, read);
    else await db.shop.update({ where: { shop }, data: { subscriptionStatus: status } });
    if (!ENDED.has(status) || !opts.recreate) return stateOf(false, read && "itemId" in read ? read.balanceUsed : undefined);
  }

  const currency = state.shop.currencyCode;
  const cappedAmount = options.cappedAmount ?? defaultCappedAmount(currency);
  const feeRate = row?.feeRate ?? DEFAULT_FEE_RATE;
  const created = parse(CreateAnswer, await gateway.request(shop, BillingSubscriptionCreate, {
    name: SUBSCRIPTION_NAME,
    returnUrl: options.returnUrl ?? `https://${shop}/admin/apps`,
    test: options.test,
    lineItems: [{ plan: { appUsagePricingDetails: { cappedAmount: { amount: cappedAmount, currencyCode: currency }, terms: termsFor(feeRate) } } }],
  }, signal), "BillingSubscriptionCreate").appSubscriptionCreate;
  if (created.userErrors.length || !created.appSubscription) {
    throw new Error(`appSubscriptionCreate refused for ${shop}: ${created.userErrors.map((e) => e.message).join("; ") || "no subscription"}`);
  }
  const itemId = created.appSubscription.lineItems[0]?.id;
  if (!itemId) throw new Error(`appSubscriptionCreate for ${shop} answered no line item`);
  const data = {
    subscriptionId: created.appSubscription.id, subscriptionItemId: itemId, subscriptionStatus: created.appSubscription.status,
    confirmationUrl: created.confirmationUrl, billingCurrency: currency, cappedAmount,
  };
  await db.shop.upsert({ where: { shop }, create: { shop, ...data }, update: data });
  // Read again: approved already (the emulator's auto-approval, a quick merchant), or another
  // install's call created the one that is active now (two loaders may run afterAuth at once).
  const after = parse(StateAnswer, await gateway.request(shop, BillingState, {}, signal), "BillingState");
  const nowActive = after.currentAppInstallation.activeSubscriptions.map(usageOf).find((s) => s?.status === "ACTIVE");
  if (nowActive) {
    await remember(db, shop, nowActive);
    return stateOf(true, nowActive.balanceUsed);
  }
  const reread = await readSubscription(gateway, shop, created.appSubscription.id, signal);
  if (reread && "itemId" in reread) await remember(db, shop, reread);
  return stateOf(true, reread && "itemId" in reread ? reread.balanceUsed : undefined);
}

/** The usage line item's terms, shown to the merchant when approving. */
export function termsFor(feeRate: string): string {
  return `${percent(feeRate)} of the total (shipping included) of each order Holdfast guarantees, billed once per order; no cap on what is covered.`;
}

function percent(rate: string): string {
  return `${money(rate).times(100).toFixed()}%`;
}

/** An amount as people read it: "JPY 12,000,000", "USD 1,234.50" (exact: no rounding). */
export function formatMoney(amount: string, currency: string): string {
  const [whole = "0", fraction] = amount.split(".");
  return `${currency} ${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}${fraction ? `.${fraction}` : ""}`;
}

// ---- charging a fee -----------------------------------------------------------------------------

/** The usage record's idempotency key: one per shop and order (Shopify keeps one record per key). */
export function usageKey(shop: string, orderId: string): string {
  return `holdfast-fee:${shop}:${orderId}`.slice(0, 255);
}

/** The detail of a credit applied to the fee of `orderId` (also how the fee finds what it nets). */
export const appliedTo = (orderId: string) => `applied to ${feeKey(orderId)}`;
/** The open remainder of a credit (of order `creditOrderId`) that the fee of `orderId` used in part. */
export const remainderKey = (creditOrderId: string, orderId: string) => `credit:${creditOrderId}:rest:${orderId}`;

/** Why a fee is owed; reconciliation charges it again once the cause is gone. */
export type OwedReason = "billing.paused" | "billing.no_rate" | "billing.not_approved";
const RETRYABLE: ReadonlySet<string> = new Set<OwedReason>(["billing.paused", "billing.no_rate", "billing.not_approved"]);

export type ChargeOutcome =
  | { outcome: "charged"; usageRecordId: string; price: string; currency: string; description: string }
  | { outcome: "netted"; description: string }
  | { outcome: "owed"; reason: OwedReason | "billing.refused"; message?: string }
  | { outcome: "void" }
  | { outcome: "already"; state: string }
  | { outcome: "no_fee" };

type Entry = NonNullable<Awaited<ReturnType<Db["ledgerEntry"]["findUnique"]>>>;
const OPEN = ["pending", "owed"];

class CreditRace extends Error {}

/**
 * Fix what the fee bills, in one transaction: the converted amount, the credits it nets (taken
 * oldest first; one used in part is split into its applied part and an open remainder), the price
 * left (billedAmount), the rate and the idempotency key. Done once: a fee already prepared is
 * returned as it is, so every retry sends the same price. Undefined: no rate is configured.
 */
async function prepare(db: Db, fee: Entry, billingCurrency: string): Promise<Entry | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction(async (tx: Tx) => {
        const now = await tx.ledgerEntry.findUniqueOrThrow({ where: { id: fee.id } });
        if (now.billedAmount !== null || !OPEN.includes(now.state)) return now;
        const conversion = await rateAt(tx, now.currency, billingCurrency, now.createdAt);
        if (!conversion) return undefined;
        const orderId = now.orderId ?? now.key.slice("fee:".length);
        const gross = roundTo(money(now.amount).times(money(conversion.rate)), billingCurrency);
        let remaining = money(gross);
        const credits = await tx.ledgerEntry.findMany({
          where: { shop: now.shop, kind: "fee_credit", state: "open", currency: billingCurrency },
          orderBy: [{ createdAt: "asc" }, { key: "asc" }],
        });
        for (const credit of credits) {
          if (remaining.isZero()) break;
          const available = money(credit.amount);
          const used = Decimal.min(available, remaining);
          const taken = await tx.ledgerEntry.updateMany({
            where: { id: credit.id, shop: now.shop, state: "open", amount: credit.amount },
            data: { state: "applied", amount: roundTo(used, billingCurrency), detail: appliedTo(orderId) },
          });
          if (taken.count !== 1) throw new CreditRace();
          if (used.lt(available)) {
            const creditOrder = credit.orderId ?? credit.key;
            await tx.ledgerEntry.create({
              data: {
                shop: now.shop, key: remainderKey(creditOrder, orderId), kind: "fee_credit", state: "open", orderId: credit.orderId,
                amount: roundTo(available.minus(used), billingCurrency), currency: billingCurrency, month: credit.month,
                // Keeps the original's place in the netting order.
                createdAt: credit.createdAt,
                detail: `remainder of ${credit.key} after ${feeKey(orderId)}`,
              },
            });
          }
          remaining = remaining.minus(used);
        }
        const netted = remaining.isZero();
        const done = await tx.ledgerEntry.updateMany({
          where: { id: now.id, shop: now.shop, billedAmount: null, state: { in: OPEN } },
          data: {
            billedAmount: roundTo(remaining, billingCurrency), billedCurrency: billingCurrency, rate: conversion.rate, rateSource: conversion.source,
            idempotencyKey: usageKey(now.shop, orderId), ...(netted ? { state: "netted" } : {}),
          },
        });
        if (done.count !== 1) throw new CreditRace();
        return tx.ledgerEntry.findUniqueOrThrow({ where: { id: now.id } });
      });
    } catch (error) {
      // Another fee took one of these credits (or this fee) meanwhile: look again.
      if (error instanceof CreditRace && attempt < 8) continue;
      throw error;
    }
  }
}

/** What the usage record says: the order, the rate, the conversion, and the credits it nets. */
async function describe(db: Db, fee: Entry): Promise<string> {
  const orderId = fee.orderId ?? fee.key.slice("fee:".length);
  const [screening, guarantee, credits] = await Promise.all([
    db.orderScreening.findUnique({ where: { shop_orderId: { shop: fee.shop, orderId } }, select: { orderName: true } }),
    db.guarantee.findUnique({ where: { shop_orderId: { shop: fee.shop, orderId } }, select: { amount: true, currency: true, feeRate: true } }),
    db.ledgerEntry.findMany({ where: { shop: fee.shop, kind: "fee_credit", state: "applied", detail: appliedTo(orderId) }, orderBy: [{ createdAt: "asc" }, { key: "asc" }] }),
  ]);
  const order = screening?.orderName ?? `#${orderId}`;
  const billed = fee.billedCurrency ?? fee.currency;
  const parts = [
    guarantee
      ? `Holdfast guarantee fee for order ${order} (${percent(guarantee.feeRate)} of ${formatMoney(guarantee.amount, guarantee.currency)})`
      : `Holdfast guarantee fee for order ${order} (${formatMoney(fee.amount, fee.currency)})`,
  ];
  if (fee.rate && fee.currency !== billed) {
    parts.push(`${formatMoney(fee.amount, fee.currency)} at ${fee.rate} ${billed}/${fee.currency} (${fee.rateSource ?? "?"}) = ${formatMoney(roundTo(money(fee.amount).times(money(fee.rate)), billed), billed)}`);
  }
  if (credits.length) {
    const names = await Promise.all(credits.map(async (c) => {
      const s = c.orderId ? await db.orderScreening.findUnique({ where: { shop_orderId: { shop: fee.shop, orderId: c.orderId } }, select: { orderName: true } }) : null;
      return `${formatMoney(c.amount, c.currency)} (voided order ${s?.orderName ?? `#${c.orderId ?? "?"}`})`;
    }));
    const total = credits.reduce((acc, c) => acc.plus(money(c.amount)), new Decimal(0));
    parts.push(`nets credit of ${formatMoney(roundTo(total, billed), billed)}: ${names.join(", ")}`);
  }
  const text = parts.join("; ");
  return text.length > 255 ? `${text.slice(0, 254)}…` : text;
}

async function owe(db: Db, fee: Entry, reason: OwedReason | "billing.refused", now: number): Promise<boolean> {
  const moved = await db.ledgerEntry.updateMany({ where: { id: fee.id, shop: fee.shop, state: "pending" }, data: { state: "owed", detail: reason } });
  await db.ledgerEntry.updateMany({ where: { id: fee.id, shop: fee.shop, state: "owed" }, data: { detail: reason, updatedAt: new Date(now) } });
  return moved.count === 1;
}

async function audit(db: Db, shop: string, orderId: string | null, key: MessageKey, vars: Record<string, string> = {}, extra: Record<string, unknown> = {}) {
  await db.auditEvent.create({ data: { shop, orderId, kind: "billing", message: translate("en", key, vars), data: JSON.stringify({ key, vars, ...extra }) } });
}

/**
 * The charge_fee job: bill the fee of one guaranteed order, once. Safe to run any number of times
 * and concurrently: a fee leaves pending/owed once (charged, netted or void), the price and the
 * idempotency key are fixed before the first call, and Shopify answers a repeated key with the
 * record it already has.
 */
export async function chargeFee(db: Db, gateway: AdminRequester, shop: string, orderId: string, now: number, signal?: AbortSignal): Promise<ChargeOutcome> {
  const fee = await db.ledgerEntry.findUnique({ where: { shop_key: { shop, key: feeKey(orderId) } } });
  if (!fee || fee.kind !== "fee") return { outcome: "no_fee" };
  if (!OPEN.includes(fee.state)) return { outcome: "already", state: fee.state };
  const guarantee = await db.guarantee.findUnique({ where: { shop_orderId: { shop, orderId } }, select: { state: true } });
  const covered = guarantee?.state === "active";
  if (!covered && fee.billedAmount === null) {
    // Nothing was sent for it: the fee is simply not charged.
    await db.ledgerEntry.updateMany({ where: { id: fee.id, shop, state: { in: OPEN }, billedAmount: null }, data: { state: "void", detail: "guarantee not active: fee not charged" } });
    return { outcome: "void" };
  }
  // A prepared fee whose guarantee was voided meanwhile may already be billed: it is completed
  // under its key (Shopify keeps one record) and then credited back (feeOnVoid below).
  const row = await db.shop.findUnique({ where: { shop } });
  if (!row || row.subscriptionStatus !== "ACTIVE" || !row.subscriptionItemId || !row.billingCurrency) {
    await owe(db, fee, "billing.not_approved", now);
    return { outcome: "owed", reason: "billing.not_approved" };
  }
  if (row.chargingPausedAt) {
    await owe(db, fee, "billing.paused", now);
    return { outcome: "owed", reason: "billing.paused" };
  }
  const prepared = await prepare(db, fee, row.billingCurrency);
  if (!prepared) {
    if (await owe(db, fee, "billing.no_rate", now)) await audit(db, shop, orderId, "billing.no_rate", { from: fee.currency, to: row.billingCurrency });
    return { outcome: "owed", reason: "billing.no_rate" };
  }
  const description = await describe(db, prepared);
  if (prepared.state === "netted") {
    await db.ledgerEntry.updateMany({ where: { id: prepared.id, shop, state: "netted" }, data: { detail: description } });
    if (!covered) await feeOnVoid(db, shop, orderId, new Date(now));
    return { outcome: "netted", description };
  }
  if (!OPEN.includes(prepared.state)) return { outcome: "already", state: prepared.state };
  const price = prepared.billedAmount!;
  const currency = prepared.billedCurrency!;
  const answer = parse(UsageAnswer, await gateway.request(shop, BillingUsageRecordCreate, {
    lineItemId: row.subscriptionItemId,
    price: { amount: price, currencyCode: currency },
    description,
    idempotencyKey: prepared.idempotencyKey ?? usageKey(shop, orderId),
  }, signal), "BillingUsageRecordCreate").appUsageRecordCreate;

  if (answer.userErrors.length || !answer.appUsageRecord) {
    const message = answer.userErrors.map((e) => e.message).join("; ") || "no usage record";
    if (/exceeds balance remaining/i.test(message)) {
      await owe(db, prepared, "billing.paused", now);
      const paused = await db.shop.updateMany({ where: { shop, chargingPausedAt: null }, data: { chargingPausedAt: new Date(now), chargingPausedReason: message.slice(0, 500) } });
      if (paused.count === 1) await audit(db, shop, orderId, "billing.paused", {}, { userError: message, cappedAmount: row.cappedAmount });
      return { outcome: "owed", reason: "billing.paused", message };
    }
    if (/not active/i.test(message)) {
      await owe(db, prepared, "billing.not_approved", now);
      await db.shop.updateMany({ where: { shop, subscriptionStatus: "ACTIVE" }, data: { subscriptionStatus: "UNKNOWN" } });
      return { outcome: "owed", reason: "billing.not_approved", message };
    }
    // Refused for another reason: owed, told, and left for staff (not retried by itself).
    await owe(db, prepared, "billing.refused", now);
    await audit(db, shop, orderId, "billing.refused", { message: message.slice(0, 300) });
    return { outcome: "owed", reason: "billing.refused", message };
  }
  const usageRecordId = answer.appUsageRecord.id.slice(answer.appUsageRecord.id.lastIndexOf("/") + 1);
  await db.ledgerEntry.updateMany({ where: { id: prepared.id, shop, state: { in: OPEN } }, data: { state: "charged", usageRecordId, detail: description } });
  if (!covered) await feeOnVoid(db, shop, orderId, new Date(now));
  return { outcome: "charged", usageRecordId, price, currency, description };
}

// ---- reconciliation -----------------------------------------------------------------------------

export interface BillingSync {
  status: string | null;
  created?: boolean;
  resumed?: boolean;
  /** Owed fees given a charge_fee job again. */
  retried: number;
}

/**
 * Reconciliation's billing pass: re-read the subscription while it is not ACTIVE (created if none
 * was recorded) or while charging is paused (its cap and balance), resume a paused shop once the
 * cap has room, and re-enqueue owed fees whose cause is gone. An ACTIVE, unpaused subscription
 * costs no Admin API call here: a charge refused as "not active" marks it for a re-read.
 */
export async function reconcileBilling(db: Db, gateway: AdminRequester, shop: string, now: number, options: BillingOptions = DEFAULT_BILLING, signal?: AbortSignal): Promise<BillingSync> {
  const before = await db.shop.findUnique({ where: { shop } });
  const healthy = before?.subscriptionStatus === "ACTIVE" && before.subscriptionItemId && !before.chargingPausedAt;
  const state: Pick<SubscriptionState, "status" | "cappedAmount" | "balanceUsed" | "created"> = healthy
    ? { status: "ACTIVE", cappedAmount: before.cappedAmount, created: false }
    : await ensureSubscription(db, gateway, shop, options, { signal });
  const result: BillingSync = { status: state.status, retried: 0, ...(state.created ? { created: true } : {}) };
  const row = await db.shop.findUnique({ where: { shop } });
  if (!row || state.status !== "ACTIVE" || !row.billingCurrency) return result;

  if (row.chargingPausedAt && state.cappedAmount && state.balanceUsed !== undefined) {
    const room = money(state.cappedAmount).minus(money(state.balanceUsed));
    // Resume once the smallest fee waiting with a fixed price fits (or, with none fixed, any room).
    const waiting = await db.ledgerEntry.findMany({ where: { shop, kind: "fee", state: "owed", billedCurrency: row.billingCurrency, billedAmount: { not: null } }, select: { billedAmount: true } });
    const smallest = waiting.map((w) => money(w.billedAmount!)).sort((a, b) => a.comparedTo(b))[0];
    if (room.gt(0) && (!smallest || room.gte(smallest))) {
      const resumed = await db.shop.updateMany({ where: { shop, chargingPausedAt: row.chargingPausedAt }, data: { chargingPausedAt: null, chargingPausedReason: null } });
      if (resumed.count === 1) {
        result.resumed = true;
        await audit(db, shop, null, "billing.resumed", {}, { cappedAmount: state.cappedAmount, balanceUsed: state.balanceUsed });
      }
    }
  }
  result.retried = await retryOwedFees(db, shop);
  return result;
}

/**
 * Give each owed fee whose cause is gone (charging not paused, the subscription active, a rate
 * now configured) a charge_fee job; one per fee and owed state (the entry's updatedAt), so a fee
 * is not queued twice for the same state. Returns how many were queued.
 */
export async function retryOwedFees(db: Db, shop: string): Promise<number> {
  const row = await db.shop.findUnique({ where: { shop } });
  if (!row || row.subscriptionStatus !== "ACTIVE" || row.chargingPausedAt || !row.billingCurrency) return 0;
  const owed = await db.ledgerEntry.findMany({ where: { shop, kind: "fee", state: "owed" }, orderBy: [{ createdAt: "asc" }, { key: "asc" }] });
  let queued = 0;
  for (const fee of owed) {
    if (!fee.orderId || !RETRYABLE.has(fee.detail ?? "")) continue;
    if (fee.billedAmount === null && !(await rateAt(db, fee.currency, row.billingCurrency, fee.createdAt))) continue;
    const job = chargeFeeJob(shop, fee.orderId);
    await enqueue(db, { ...job, dedupeKey: `${job.dedupeKey}:retry:${fee.updatedAt.getTime()}` });
    queued++;
  }
  return queued;
}
