/** State → objects shaped like the Admin schema; graphql-js's default resolver walks them (functions get field args). */
import { fulfillmentOrderScope, hasScope } from "./access-scopes.js";
import { gid } from "./ids.js";
import { financialStatus, orderTotal, type ShopState } from "./store.js";
import type { Address, Dispute, FulfillmentHold, FulfillmentOrder, Order, RiskAssessment, Subscription, UsageRecord } from "./types.js";

export interface AppIdentity {
  id: number;
  apiKey: string;
  title: string;
  handle: string;
}

export interface ViewContext {
  shop: ShopState;
  app: AppIdentity;
  /** Scopes of the calling token: fulfillment orders are only visible with the scope for their location type. */
  scopes: string[];
}

type View = Record<string, unknown>;

export const moneyV2 = (amount: string, currencyCode: string): View => ({ amount, currencyCode });
const moneyBag = (amount: string, currencyCode: string): View => ({
  shopMoney: moneyV2(amount, currencyCode),
  presentmentMoney: moneyV2(amount, currencyCode),
});

// ---- connections ---------------------------------------------------------

export interface PageArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  reverse?: boolean | null;
}

export const encodeCursor = (id: number): string => Buffer.from(JSON.stringify({ last_id: id })).toString("base64");

function decodeCursor(cursor: string): number | null {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64").toString("utf8")) as { last_id?: unknown };
    return typeof parsed.last_id === "number" ? parsed.last_id : null;
  } catch {
    return null;
  }
}

export class InvalidCursorError extends Error {}

export function connection<T extends { id: number }>(items: T[], args: PageArgs, toView: (item: T) => View): View {
  let list = args.reverse ? [...items].reverse() : items;
  if (args.after) {
    const id = decodeCursor(args.after);
    if (id === null) throw new InvalidCursorError(`Invalid cursor for current pagination sort.`);
    const index = list.findIndex((i) => i.id === id);
    list = index >= 0 ? list.slice(index + 1) : [];
  }
  if (args.before) {
    const id = decodeCursor(args.before);
    if (id === null) throw new InvalidCursorError(`Invalid cursor for current pagination sort.`);
    const index = list.findIndex((i) => i.id === id);
    list = index >= 0 ? list.slice(0, index) : list;
  }
  const total = list.length;
  let page = list;
  if (typeof args.first === "number") page = page.slice(0, args.first);
  if (typeof args.last === "number") page = page.slice(Math.max(0, page.length - args.last));
  const firstIndex = page.length > 0 ? list.indexOf(page[0] as T) : list.length;
  const edges = page.map((item) => ({ cursor: encodeCursor(item.id), node: toView(item) }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage: firstIndex + page.length < total,
      hasPreviousPage: Boolean(args.after) || firstIndex > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

// ---- views ---------------------------------------------------------------

export function appView(app: AppIdentity): View {
  return { __typename: "App", id: gid("App", app.id), apiKey: app.apiKey, title: app.title, handle: app.handle };
}

function addressView(address: Address | null): View | null {
  if (!address) return null;
  return {
    __typename: "MailingAddress",
    firstName: address.firstName,
    lastName: address.lastName,
    name: `${address.firstName} ${address.lastName}`.trim(),
    address1: address.address1,
    address2: address.address2,
    city: address.city,
    province: address.province,
    provinceCode: address.provinceCode,
    zip: address.zip,
    country: address.country,
    countryCode: address.countryCode,
    countryCodeV2: address.countryCode,
    phone: address.phone,
    company: address.company,
    latitude: address.latitude,
    longitude: address.longitude,
  };
}

const sameAddress = (a: Address | null, b: Address | null): boolean =>
  !!a && !!b && (["address1", "address2", "city", "zip", "countryCode", "provinceCode", "firstName", "lastName"] as const).every((k) => a[k] === b[k]);

function riskView(order: Order, ctx: ViewContext): View {
  const rank: Record<string, number> = { HIGH: 3, MEDIUM: 2, LOW: 1, NONE: 1, PENDING: 0 };
  const top = Math.max(0, ...order.riskAssessments.map((a) => rank[a.riskLevel] ?? 0));
  const recommendation = top === 3 ? "CANCEL" : top === 2 ? "INVESTIGATE" : top === 1 ? "ACCEPT" : "NONE";
  return { recommendation, assessments: order.riskAssessments.map((a) => assessmentView(a, ctx)) };
}

export function assessmentView(a: RiskAssessment, ctx: ViewContext): View {
  return {
    riskLevel: a.riskLevel,
    provider: a.providerApiKey === ctx.app.apiKey ? appView(ctx.app) : a.providerApiKey ? { __typename: "App", id: gid("App", 1), apiKey: a.providerApiKey, title: "Other app", handle: "other-app" } : null,
    facts: a.facts.map((f) => ({ ...f })),
  };
}

export function holdView(hold: FulfillmentHold, ctx: ViewContext): View {
  return {
    __typename: "FulfillmentHold",
    id: gid("FulfillmentHold", hold.id),
    handle: hold.handle,
    reason: hold.reason,
    reasonNotes: hold.reasonNotes,
    displayReason: hold.reason.toLowerCase().replace(/_/g, " "),
    heldByRequestingApp: hold.heldByApiKey === ctx.app.apiKey,
    // "The app that created the fulfillment hold": every app's hold names its app; a merchant's has none.
    heldByApp:
      hold.heldByApiKey === null
        ? null
        : hold.heldByApiKey === ctx.app.apiKey
          ? appView(ctx.app)
          : { __typename: "App", id: gid("App", 1), apiKey: hold.heldByApiKey, title: "Other app", handle: "other-app" },
  };
}

export function supportedActions(fo: FulfillmentOrder): string[] {
  switch (fo.status) {
    case "OPEN":
      return fo.managedBy === "merchant"
        ? ["CREATE_FULFILLMENT", "REPORT_PROGRESS", "MOVE", "HOLD", "SPLIT"]
        : ["REQUEST_FULFILLMENT", "MOVE", "HOLD", "SPLIT"];
    case "ON_HOLD":
      return ["RELEASE_HOLD", "HOLD", "MOVE"];
    case "IN_PROGRESS":
      return fo.managedBy === "merchant" ? ["CREATE_FULFILLMENT", "REPORT_PROGRESS", "HOLD"] : ["REQUEST_CANCELLATION"];
    default:
      return [];
  }
}

export function fulfillmentOrderView(fo: FulfillmentOrder, ctx: ViewContext): View {
  return {
    __typename: "FulfillmentOrder",
    id: gid("FulfillmentOrder", fo.id),
    orderId: gid("Order", fo.orderId),
    status: fo.status,
    requestStatus: fo.managedBy === "third_party" && fo.status === "IN_PROGRESS" ? "ACCEPTED" : "UNSUBMITTED",
    supportedActions: supportedActions(fo).map((action) => ({ action, externalUrl: null })),
    fulfillmentHolds: fo.holds.map((h) => holdView(h, ctx)),
    order: () => orderView(ctx.shop.requireOrder(fo.orderId), ctx),
  };
}

function fulfillmentStatus(order: Order): string {
  const fos = order.fulfillmentOrders;
  if (fos.length > 0 && fos.every((f) => f.fulfilled)) return "FULFILLED";
  if (fos.some((f) => f.fulfilled)) return "PARTIALLY_FULFILLED";
  if (fos.some((f) => f.status === "ON_HOLD")) return "ON_HOLD";
  if (fos.some((f) => f.status === "IN_PROGRESS")) return "IN_PROGRESS";
  return "UNFULFILLED";
}

export function orderView(order: Order, ctx: ViewContext): View {
  const { shop } = ctx;
  const total = orderTotal(order);
  return {
    __typename: "Order",
    id: gid("Order", order.id),
    legacyResourceId: String(order.id),
    name: order.name,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    processedAt: order.processedAt,
    test: order.test,
    tags: [...order.tags],
    email: order.email,
    phone: order.phone,
    clientIp: order.browserIp,
    sourceName: order.sourceName,
    currencyCode: order.currency,
    totalPriceSet: moneyBag(total, order.currency),
    displayFinancialStatus: financialStatus(order),
    displayFulfillmentStatus: fulfillmentStatus(order),
    fullyPaid: financialStatus(order) === "PAID",
    cancelledAt: order.cancelledAt,
    cancelReason: order.cancelReason,
    closed: order.closedAt !== null,
    closedAt: order.closedAt,
    billingAddressMatchesShippingAddress: sameAddress(order.billingAddress, order.shippingAddress),
    customer: () => {
      const customer = order.customerId !== null ? shop.customers.get(order.customerId) : undefined;
      if (!customer) return null;
      const orders = shop.ordersOf(customer.id);
      const spent = orders.filter((o) => !o.cancelledAt).reduce((s, o) => s + Number(orderTotal(o)), 0);
      return {
        __typename: "Customer",
        id: gid("Customer", customer.id),
        createdAt: customer.createdAt,
        updatedAt: customer.updatedAt,
        email: customer.email,
        phone: customer.phone,
        firstName: customer.firstName,
        lastName: customer.lastName,
        displayName: `${customer.firstName} ${customer.lastName}`.trim(),
        numberOfOrders: String(orders.length),
        amountSpent: moneyV2(spent.toFixed(2), order.currency),
        verifiedEmail: customer.verifiedEmail,
      };
    },
    billingAddress: addressView(order.billingAddress),
    shippingAddress: addressView(order.shippingAddress),
    customerJourneySummary: order.journey
      ? {
          ready: true,
          customerOrderIndex: order.journey.customerOrderIndex,
          daysToConversion: order.journey.daysToConversion,
          firstVisit: order.journey.firstVisit ? { ...order.journey.firstVisit, referrerUrl: null } : null,
          lastVisit: null,
        }
      : null,
    transactions: (args: { first?: number | null }) =>
      order.transactions.slice(0, args.first ?? undefined).map((t) => ({
        __typename: "OrderTransaction",
        id: gid("OrderTransaction", t.id),
        kind: t.kind,
        status: t.status,
        gateway: t.gateway,
        test: t.test,
        createdAt: t.createdAt,
        errorCode: t.errorCode,
        amount: t.amount,
        amountSet: moneyBag(t.amount, order.currency),
        paymentDetails: t.card ? { __typename: "CardPaymentDetails", ...t.card, paymentMethodName: "card", expirationMonth: 12, expirationYear: 2029 } : null,
      })),
    risk: riskView(order, ctx),
    shopifyProtect: order.shopifyProtect
      ? { status: order.shopifyProtect.status, eligibility: { status: order.shopifyProtect.eligible ? "ELIGIBLE" : "NOT_ELIGIBLE" } }
      : null,
    disputes: [...shop.disputes.values()]
      .filter((d) => d.orderId === order.id)
      .map((d) => ({ __typename: "OrderDisputeSummary", id: gid("ShopifyPaymentsDispute", d.id), status: d.status, initiatedAs: d.initiatedAs })),
    fulfillments: (args: { first?: number | null }) =>
      order.fulfillments.slice(0, args.first ?? undefined).map((f) => ({
        __typename: "Fulfillment",
        id: gid("Fulfillment", f.id),
        legacyResourceId: String(f.id),
        createdAt: f.createdAt,
        updatedAt: f.deliveredAt ?? f.createdAt,
        status: "SUCCESS",
        displayStatus: f.displayStatus,
        deliveredAt: f.deliveredAt,
        inTransitAt: null,
        name: `${order.name}-F${order.fulfillments.indexOf(f) + 1}`,
        order: () => orderView(order, ctx),
      })),
    fulfillmentOrders: (args: PageArgs) =>
      connection(
        order.fulfillmentOrders.filter((fo) => hasScope(ctx.scopes, fulfillmentOrderScope(fo.managedBy, "read"))),
        args,
        (fo) => fulfillmentOrderView(fo, ctx),
      ),
  };
}

export function disputeView(d: Dispute, ctx: ViewContext): View {
  const order = ctx.shop.orders.get(d.orderId);
  return {
    __typename: "ShopifyPaymentsDispute",
    id: gid("ShopifyPaymentsDispute", d.id),
    legacyResourceId: String(d.id),
    type: d.type,
    status: d.status,
    initiatedAt: d.initiatedAt,
    evidenceDueBy: d.evidenceDueBy,
    evidenceSentOn: d.evidenceSentOn,
    finalizedOn: d.finalizedOn,
    amount: moneyV2(d.amount, d.currency),
    reasonDetails: { reason: d.reason, networkReasonCode: d.networkReasonCode },
    order: order ? () => orderView(order, ctx) : null,
    disputeEvidence: () => disputeEvidenceView(d, ctx),
  };
}

/**
 * `ShopifyPaymentsDisputeEvidence`: text fields, addresses and `submitted` from state. No file can be uploaded
 * to the emulator, so the file fields are null and `disputeFileUploads` is empty; `fulfillments` is not
 * emulated (the emulator keeps no carrier or tracking data).
 */
export function disputeEvidenceView(d: Dispute, ctx: ViewContext): View {
  const e = d.evidence;
  return {
    __typename: "ShopifyPaymentsDisputeEvidence",
    id: gid("ShopifyPaymentsDisputeEvidence", e.id),
    ...e.text,
    customerPurchaseIp: e.customerPurchaseIp,
    productDescription: e.productDescription,
    billingAddress: addressView(e.billingAddress),
    shippingAddress: addressView(e.shippingAddress),
    submitted: e.submitted,
    cancellationPolicyFile: null,
    customerCommunicationFile: null,
    refundPolicyFile: null,
    serviceDocumentationFile: null,
    shippingDocumentationFile: null,
    uncategorizedFile: null,
    disputeFileUploads: [],
    dispute: () => disputeView(d, ctx),
  };
}

export function usageRecordView(r: UsageRecord, ctx: ViewContext): View {
  return {
    __typename: "AppUsageRecord",
    id: gid("AppUsageRecord", r.id),
    createdAt: r.createdAt,
    description: r.description,
    idempotencyKey: r.idempotencyKey,
    price: moneyV2(r.price.amount, r.price.currencyCode),
    subscriptionLineItem: () => {
      const found = ctx.shop.findLineItem(r.lineItemId);
      return found ? lineItemView(found.lineItem, ctx) : null;
    },
  };
}

function lineItemView(li: Subscription["lineItems"][number], ctx: ViewContext): View {
  const pricingDetails = li.usage
    ? {
        __typename: "AppUsagePricing",
        cappedAmount: moneyV2(li.usage.cappedAmount.amount, li.usage.cappedAmount.currencyCode),
        balanceUsed: moneyV2(ctx.shop.balanceUsed(li.id).toFixed(2), li.usage.cappedAmount.currencyCode),
        interval: "EVERY_30_DAYS",
        terms: li.usage.terms,
      }
    : {
        __typename: "AppRecurringPricing",
        price: moneyV2(li.recurring?.price.amount ?? "0.00", li.recurring?.price.currencyCode ?? "USD"),
        interval: li.recurring?.interval ?? "EVERY_30_DAYS",
        discount: null,
        planHandle: null,
      };
  return {
    __typename: "AppSubscriptionLineItem",
    id: gid("AppSubscriptionLineItem", li.id),
    plan: { pricingDetails },
    usageRecords: (args: PageArgs) => connection(ctx.shop.usageRecordsOf(li.id), args, (r) => usageRecordView(r, ctx)),
  };
}

export function subscriptionView(s: Subscription, ctx: ViewContext): View {
  return {
    __typename: "AppSubscription",
    id: gid("AppSubscription", s.id),
    name: s.name,
    status: s.status,
    test: s.test,
    trialDays: s.trialDays,
    returnUrl: s.returnUrl,
    createdAt: s.createdAt,
    currentPeriodEnd: s.status === "ACTIVE" ? new Date(Date.parse(s.createdAt) + 30 * 86_400_000).toISOString() : null,
    lineItems: s.lineItems.map((li) => lineItemView(li, ctx)),
  };
}

export function installationView(ctx: ViewContext): View {
  const inst = ctx.shop.installation;
  return {
    __typename: "AppInstallation",
    id: gid("AppInstallation", inst.id),
    app: appView(ctx.app),
    launchUrl: `https://admin.shopify.com/store/${ctx.shop.domain.replace(/\.myshopify\.com$/, "")}/apps/${ctx.app.handle}`,
    accessScopes: inst.scopes.map((handle) => ({ handle, description: handle })),
    activeSubscriptions: ctx.shop.activeSubscriptions().map((s) => subscriptionView(s, ctx)),
    allSubscriptions: (args: PageArgs) => connection(inst.subscriptions, args, (s) => subscriptionView(s, ctx)),
  };
}
