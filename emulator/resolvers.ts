/** Root Query and Mutation fields Holdfast uses; everything else answers "not emulated". */
import { GraphQLError } from "graphql";
import { accessDenied, fulfillmentOrderScope, hasScope } from "./access-scopes.js";
import { disputeEvidenceMutations, disputeEvidenceQueries } from "./dispute-evidence.js";
import { gid, parseGid } from "./ids.js";
import { HOLD_LIMIT_PER_APP, orderTotal } from "./store.js";
import { matchesDate, parseSearchQuery, type SearchTerm } from "./search-query.js";
import {
  assessmentView,
  connection,
  disputeView,
  fulfillmentOrderView,
  holdView,
  installationView,
  orderView,
  subscriptionView,
  usageRecordView,
  type PageArgs,
  type ViewContext,
} from "./graphql-view.js";
import type { HoldReason, Order, RiskLevel, Sentiment, Subscription } from "./types.js";

export interface ResolverContext extends ViewContext {
  /** Used for the 60-day window of `orders` without read_all_orders. */
  now: number;
  baseUrl: string;
}

type Resolver = (args: Record<string, unknown>, ctx: ResolverContext) => unknown;
type UserError = { field: string[] | null; message: string; code?: string | null };

const SIXTY_DAYS = 60 * 86_400_000;

const idOf = (value: unknown, type: string): number | null => {
  const parsed = typeof value === "string" ? parseGid(value) : null;
  return parsed && parsed.type === type ? parsed.id : null;
};

function findOrder(ctx: ResolverContext, value: unknown): Order | undefined {
  const id = idOf(value, "Order");
  return id === null ? undefined : ctx.shop.orders.get(id);
}

function requirePositiveCount(args: PageArgs): void {
  if (typeof args.first !== "number" && typeof args.last !== "number") {
    throw new GraphQLError("you must provide one of first or last", { extensions: { code: "BAD_REQUEST" } });
  }
  const n = args.first ?? args.last ?? 0;
  if (n > 250) throw new GraphQLError("The maximum number of items per page is 250", { extensions: { code: "BAD_REQUEST" } });
}

// ---- queries -------------------------------------------------------------

function filterOrders(orders: Order[], terms: SearchTerm[]): Order[] {
  return orders.filter((o) =>
    terms.every((t) => {
      let hit: boolean;
      switch (t.field) {
        case "created_at":
          hit = matchesDate(o.createdAt, t);
          break;
        case "updated_at":
          hit = matchesDate(o.updatedAt, t);
          break;
        case "processed_at":
          hit = matchesDate(o.processedAt, t);
          break;
        case "tag":
          hit = o.tags.some((tag) => tag.toLowerCase() === t.value.toLowerCase());
          break;
        case "tag_not":
          hit = !o.tags.some((tag) => tag.toLowerCase() === t.value.toLowerCase());
          break;
        case "id":
          hit = String(o.id) === t.value;
          break;
        case "name":
          hit = o.name === t.value || o.name === `#${t.value}`;
          break;
        case "email":
          hit = (o.email ?? "").toLowerCase() === t.value.toLowerCase();
          break;
        case "status": {
          // Shopify's order search statuses: open, closed, cancelled, not_closed (others are ignored).
          const v = t.value.toLowerCase();
          hit = v === "cancelled" ? o.cancelledAt !== null : v === "closed" ? o.closedAt !== null : v === "open" || v === "not_closed" ? o.closedAt === null && o.cancelledAt === null : true;
          break;
        }
        default:
          hit = true; // Shopify ignores unknown filters (with a search warning)
      }
      return t.negated ? !hit : hit;
    }),
  );
}

const orderSorts: Record<string, (o: Order) => number | string> = {
  ID: (o) => o.id,
  CREATED_AT: (o) => o.createdAt,
  UPDATED_AT: (o) => o.updatedAt,
  PROCESSED_AT: (o) => o.processedAt,
  ORDER_NUMBER: (o) => o.number,
  TOTAL_PRICE: (o) => Number(orderTotal(o)),
  CURRENT_TOTAL_PRICE: (o) => Number(orderTotal(o)),
};

function sortBy<T extends { id: number }>(items: T[], key: (item: T) => number | string): T[] {
  return [...items].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : a.id - b.id;
  });
}

const queries: Record<string, Resolver> = {
  order: (args, ctx) => {
    const order = findOrder(ctx, args.id);
    return order ? orderView(order, ctx) : null;
  },
  orders: (args, ctx) => {
    requirePositiveCount(args);
    let list = [...ctx.shop.orders.values()];
    if (!ctx.scopes.includes("read_all_orders")) list = list.filter((o) => Date.parse(o.createdAt) >= ctx.now - SIXTY_DAYS);
    list = filterOrders(list, parseSearchQuery(args.query as string | null));
    const sortKey = (args.sortKey as string | null) ?? "ID";
    list = sortBy(list, orderSorts[sortKey] ?? orderSorts.ID!);
    return connection(list, args as PageArgs, (o) => orderView(o, ctx));
  },
  dispute: (args, ctx) => {
    const id = idOf(args.id, "ShopifyPaymentsDispute");
    const dispute = id === null ? undefined : ctx.shop.disputes.get(id);
    return dispute ? disputeView(dispute, ctx) : null;
  },
  disputes: (args, ctx) => {
    requirePositiveCount(args);
    const terms = parseSearchQuery(args.query as string | null);
    const list = sortBy([...ctx.shop.disputes.values()], (d) => d.id).filter((d) =>
      terms.every((t) => {
        const hit =
          t.field === "initiated_at"
            ? matchesDate(d.initiatedAt, t)
            : t.field === "status"
              ? d.status.toLowerCase() === t.value.toLowerCase()
              : true;
        return t.negated ? !hit : hit;
      }),
    );
    return connection(list, args as PageArgs, (d) => disputeView(d, ctx));
  },
  fulfillmentOrder: (args, ctx) => {
    const id = idOf(args.id, "FulfillmentOrder");
    const fo = id === null ? undefined : ctx.shop.findFulfillmentOrder(id);
    if (!fo) return null;
    const scope = fulfillmentOrderScope(fo.managedBy, "read");
    if (!hasScope(ctx.scopes, scope)) throw accessDenied("fulfillmentOrder", scope);
    return fulfillmentOrderView(fo, ctx);
  },
  job: (args, ctx) => {
    const id = idOf(args.id, "Job");
    const job = id === null ? undefined : ctx.shop.jobs.get(id);
    return job ? jobView(job.id, job.done) : null;
  },
  currentAppInstallation: (_args, ctx) => installationView(ctx),
  shop: (_args, ctx) => ({
    __typename: "Shop",
    id: gid("Shop", ctx.shop.info.id),
    name: ctx.shop.info.name,
    email: ctx.shop.info.email,
    myshopifyDomain: ctx.shop.domain,
    currencyCode: ctx.shop.info.currency,
    ianaTimezone: ctx.shop.info.timezone,
    createdAt: ctx.shop.info.createdAt,
    plan: { displayName: ctx.shop.info.planName, partnerDevelopment: false, shopifyPlus: false, publicDisplayName: ctx.shop.info.planName },
  }),
  node: (args, ctx) => {
    const parsed = typeof args.id === "string" ? parseGid(args.id) : null;
    if (!parsed) return null;
    if (parsed.type === "Order") return queries.order!(args, ctx);
    if (parsed.type === "ShopifyPaymentsDispute") return queries.dispute!(args, ctx);
    if (parsed.type === "ShopifyPaymentsDisputeEvidence") return disputeEvidenceQueries.disputeEvidence!(args, ctx);
    if (parsed.type === "AppSubscription") {
      const sub = ctx.shop.installation.subscriptions.find((s) => s.id === parsed.id);
      return sub ? subscriptionView(sub, ctx) : null;
    }
    if (parsed.type === "FulfillmentOrder") {
      const fo = ctx.shop.findFulfillmentOrder(parsed.id);
      return fo ? fulfillmentOrderView(fo, ctx) : null;
    }
    return null;
  },
};

function jobView(id: number, done: boolean) {
  return { __typename: "Job", id: gid("Job", id), done, query: null };
}

// ---- mutations -----------------------------------------------------------

function tagsMutation(kind: "add" | "remove"): Resolver {
  return (args, ctx) => {
    const order = findOrder(ctx, args.id);
    if (!order) return { node: null, userErrors: [{ field: ["id"], message: "Order does not exist" }] };
    const tags = (args.tags as string[]).flatMap((t) => t.split(","));
    if (kind === "add") ctx.shop.addTags(order, tags);
    else ctx.shop.removeTags(order, tags);
    return { node: orderView(order, ctx), userErrors: [] };
  };
}

interface RiskInput {
  orderId: string;
  riskLevel: RiskLevel;
  facts: { description: string; sentiment: Sentiment }[];
}

interface HoldInput {
  reason: HoldReason;
  handle?: string | null;
  reasonNotes?: string | null;
  notifyMerchant?: boolean | null;
  externalId?: string | null;
  fulfillmentOrderLineItems?: unknown[] | null;
}

const mutations: Record<string, Resolver> = {
  tagsAdd: tagsMutation("add"),
  tagsRemove: tagsMutation("remove"),

  orderRiskAssessmentCreate: (args, ctx) => {
    const input = args.orderRiskAssessmentInput as RiskInput;
    const fail = (code: string, message: string, field: string[]) => ({
      orderRiskAssessment: null,
      userErrors: [{ field, message, code }],
    });
    const order = findOrder(ctx, input.orderId);
    if (!order) return fail("NOT_FOUND", "Order does not exist.", ["orderRiskAssessmentInput", "orderId"]);
    if (input.facts.length > 20) return fail("TOO_MANY_FACTS", "Too many facts. Maximum is 20.", ["orderRiskAssessmentInput", "facts"]);
    if (order.fulfillmentOrders.length > 0 && order.fulfillmentOrders.every((f) => f.fulfilled || f.status === "CANCELLED") && order.fulfillmentOrders.some((f) => f.fulfilled)) {
      return fail("ORDER_ALREADY_FULFILLED", "Order has already been fulfilled.", ["orderRiskAssessmentInput", "orderId"]);
    }
    const assessment = ctx.shop.addRiskAssessment(order, {
      riskLevel: input.riskLevel,
      providerApiKey: ctx.app.apiKey,
      // OrderRiskAssessmentFactInput.description: "Large values are truncated to 256 characters."
      // (https://shopify.dev/docs/api/admin-graphql/2026-07/input-objects/OrderRiskAssessmentFactInput):
      // stored cut, not refused. Characters, not UTF-16 units.
      facts: input.facts.map((f) => ({ description: Array.from(f.description).slice(0, 256).join(""), sentiment: f.sentiment })),
    });
    return { orderRiskAssessment: assessmentView(assessment, ctx), userErrors: [] };
  },

  fulfillmentOrderHold: (args, ctx) => {
    const foId = idOf(args.id, "FulfillmentOrder");
    const fo = foId === null ? undefined : ctx.shop.findFulfillmentOrder(foId);
    const none = { fulfillmentHold: null, fulfillmentOrder: null, remainingFulfillmentOrder: null };
    if (!fo) {
      return { ...none, userErrors: [{ field: ["id"], message: "Fulfillment order does not exist.", code: "FULFILLMENT_ORDER_NOT_FOUND" }] };
    }
    const holdScope = fulfillmentOrderScope(fo.managedBy, "write");
    if (!hasScope(ctx.scopes, holdScope)) throw accessDenied("fulfillmentOrderHold", holdScope);
    const input = args.fulfillmentHold as HoldInput;
    const result = ctx.shop.hold(fo, input, ctx.app.apiKey);
    if ("error" in result) {
      const errors: Record<typeof result.error, UserError> = {
        DUPLICATE_FULFILLMENT_HOLD_HANDLE: {
          field: ["fulfillmentHold", "handle"],
          message: "The handle provided for the fulfillment hold is already in use by this app for another hold on this fulfillment order.",
          code: "DUPLICATE_FULFILLMENT_HOLD_HANDLE",
        },
        FULFILLMENT_ORDER_HOLD_LIMIT_REACHED: {
          field: ["id"],
          message: `The maximum number of fulfillment holds for this fulfillment order has been reached for this app. An app can only have up to ${HOLD_LIMIT_PER_APP} holds on a single fulfillment order at any one time.`,
          code: "FULFILLMENT_ORDER_HOLD_LIMIT_REACHED",
        },
        INVALID_STATUS: { field: ["id"], message: `Cannot hold a fulfillment order with status ${fo.status.toLowerCase()}.`, code: null },
        HANDLE_TOO_LONG: { field: ["fulfillmentHold", "handle"], message: "Handle is too long (maximum is 64 characters)", code: null },
      };
      return { ...none, userErrors: [errors[result.error]] };
    }
    return { fulfillmentHold: holdView(result, ctx), fulfillmentOrder: fulfillmentOrderView(fo, ctx), remainingFulfillmentOrder: null, userErrors: [] };
  },

  fulfillmentOrderReleaseHold: (args, ctx) => {
    const foId = idOf(args.id, "FulfillmentOrder");
    const fo = foId === null ? undefined : ctx.shop.findFulfillmentOrder(foId);
    if (!fo) return { fulfillmentOrder: null, userErrors: [{ field: ["id"], message: "Fulfillment order does not exist.", code: "FULFILLMENT_ORDER_NOT_FOUND" }] };
    const releaseScope = fulfillmentOrderScope(fo.managedBy, "write");
    if (!hasScope(ctx.scopes, releaseScope)) throw accessDenied("fulfillmentOrderReleaseHold", releaseScope);
    // holdIds: "Holds will only be released if they belong to the fulfillment order"; "if not supplied,
    // all holds for the fulfillment order will be released". A hold another app placed is not this
    // app's to release: INVALID_ACCESS ("The app doesn't have access to release the fulfillment hold",
    // FulfillmentOrderReleaseHoldUserErrorCode), and nothing is released. Every error has a code.
    const holdIds = args.holdIds as string[] | null | undefined;
    const ids = holdIds ? holdIds.map((h) => idOf(h, "FulfillmentHold")).filter((n): n is number => n !== null) : undefined;
    const named = ids ? fo.holds.filter((h) => ids.includes(h.id)) : fo.holds;
    if (named.some((h) => h.heldByApiKey !== null && h.heldByApiKey !== ctx.app.apiKey)) {
      return { fulfillmentOrder: null, userErrors: [{ field: ["holdIds"], message: "The app doesn't have access to release the fulfillment hold.", code: "INVALID_ACCESS" }] };
    }
    // Not on hold (or none of the named holds on it): nothing to release, and nothing refused.
    if (named.length > 0) ctx.shop.release(fo, ids);
    return { fulfillmentOrder: fulfillmentOrderView(fo, ctx), userErrors: [] };
  },

  orderCancel: (args, ctx) => {
    const order = findOrder(ctx, args.orderId);
    const fail = (code: string, message: string) => {
      const error = { field: ["orderId"], message, code };
      return { job: null, orderCancelUserErrors: [error], userErrors: [{ field: error.field, message }] };
    };
    if (!order) return fail("NOT_FOUND", "Order does not exist");
    if (order.cancelledAt) return fail("INVALID", "Cannot cancel an order that has already been cancelled");
    if (order.fulfillmentOrders.some((f) => f.fulfilled)) return fail("INVALID", "Cannot cancel a fulfilled order");
    // Asynchronous, as on Shopify: the job cancels the order later, or finishes without cancelling it.
    const job = ctx.shop.requestCancel(order, args.reason as NonNullable<Order["cancelReason"]>);
    return { job: jobView(job.id, job.done), orderCancelUserErrors: [], userErrors: [] };
  },

  appSubscriptionCreate: (args, ctx) => {
    type Money = { amount: string | number; currencyCode: string };
    const lineItems = args.lineItems as { plan: { appUsagePricingDetails?: { cappedAmount: Money; terms: string } | null; appRecurringPricingDetails?: { price: Money; interval?: "EVERY_30_DAYS" | "ANNUAL" | null } | null } }[];
    const amount = (m: Money) => ({ amount: Number(m.amount).toFixed(2), currencyCode: m.currencyCode });
    const subscription: Subscription = {
      id: ctx.shop.nextId(),
      name: args.name as string,
      status: "PENDING",
      test: Boolean(args.test),
      trialDays: (args.trialDays as number | null) ?? 0,
      returnUrl: args.returnUrl as string,
      createdAt: ctx.shop.nowIso(),
      lineItems: lineItems.map((li) => ({
        id: ctx.shop.nextId(),
        usage: li.plan.appUsagePricingDetails
          ? { cappedAmount: amount(li.plan.appUsagePricingDetails.cappedAmount), terms: li.plan.appUsagePricingDetails.terms }
          : null,
        recurring: li.plan.appRecurringPricingDetails
          ? { price: amount(li.plan.appRecurringPricingDetails.price), interval: li.plan.appRecurringPricingDetails.interval ?? "EVERY_30_DAYS" }
          : null,
      })),
    };
    ctx.shop.installation.subscriptions.push(subscription);
    const confirmationUrl = `${ctx.baseUrl}/shops/${ctx.shop.domain}/admin/charges/${subscription.id}/confirm`;
    return { appSubscription: subscriptionView(subscription, ctx), confirmationUrl, userErrors: [] };
  },

  appUsageRecordCreate: (args, ctx) => {
    const fail = (field: string[], message: string) => ({ appUsageRecord: null, userErrors: [{ field, message }] });
    const lineItemId = idOf(args.subscriptionLineItemId, "AppSubscriptionLineItem");
    const found = lineItemId === null ? undefined : ctx.shop.findLineItem(lineItemId);
    if (!found || !found.lineItem.usage) return fail(["subscriptionLineItemId"], "Subscription line item not found");
    if (found.subscription.status !== "ACTIVE") return fail(["subscriptionLineItemId"], "Subscription is not active");
    const key = (args.idempotencyKey as string | null | undefined) ?? null;
    if (key !== null && key.length > 255) return fail(["idempotencyKey"], "Idempotency key is too long (maximum is 255 characters)");
    if (key !== null) {
      const existing = ctx.shop.usageRecordsOf(found.lineItem.id).find((r) => r.idempotencyKey === key);
      if (existing) return { appUsageRecord: usageRecordView(existing, ctx), userErrors: [] };
    }
    const price = args.price as { amount: string | number; currencyCode: string };
    const cap = found.lineItem.usage.cappedAmount;
    if (price.currencyCode !== cap.currencyCode) return fail(["price"], "Currency must match the capped amount currency");
    if (ctx.shop.balanceUsed(found.lineItem.id) + Number(price.amount) > Number(cap.amount) + 1e-9) {
      return fail([], "Total price exceeds balance remaining");
    }
    const record = {
      id: ctx.shop.nextId(),
      lineItemId: found.lineItem.id,
      description: args.description as string,
      price: { amount: Number(price.amount).toFixed(2), currencyCode: price.currencyCode },
      idempotencyKey: key,
      createdAt: ctx.shop.nowIso(),
    };
    ctx.shop.installation.usageRecords.push(record);
    return { appUsageRecord: usageRecordView(record, ctx), userErrors: [] };
  },
};

export const rootResolvers = {
  Query: { ...queries, ...disputeEvidenceQueries },
  Mutation: { ...mutations, ...disputeEvidenceMutations },
} as const;
