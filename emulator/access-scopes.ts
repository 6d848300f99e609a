/** Which access scope each emulated field needs; a write scope implies its read scope, as on Shopify. */
import { GraphQLError } from "graphql";

export const REQUIRED_SCOPES: Record<string, string> = {
  "QueryRoot.order": "read_orders",
  "QueryRoot.orders": "read_orders",
  "QueryRoot.dispute": "read_shopify_payments_disputes",
  "QueryRoot.disputes": "read_shopify_payments_disputes",
  // The ShopifyPaymentsDisputeEvidence type, and the mutation (its requiredAccess in the 2026-07 schema).
  "QueryRoot.disputeEvidence": "read_shopify_payments_dispute_evidences",
  "ShopifyPaymentsDispute.disputeEvidence": "read_shopify_payments_dispute_evidences",
  "Mutation.disputeEvidenceUpdate": "write_shopify_payments_dispute_evidences",
  "Order.customer": "read_customers",
  "Mutation.tagsAdd": "write_orders",
  "Mutation.tagsRemove": "write_orders",
  "Mutation.orderRiskAssessmentCreate": "write_orders",
  "Mutation.orderCancel": "write_orders",
};

export function hasScope(granted: readonly string[], required: string): boolean {
  return granted.includes(required) || (required.startsWith("read_") && granted.includes(`write_${required.slice(5)}`));
}

/** Scope needed to see or act on a fulfillment order, by who manages its location. */
export function fulfillmentOrderScope(managedBy: "merchant" | "third_party", access: "read" | "write"): string {
  return `${access}_${managedBy === "merchant" ? "merchant_managed" : "third_party"}_fulfillment_orders`;
}

export function accessDenied(field: string, scope: string): GraphQLError {
  return new GraphQLError(`Access denied for ${field} field. Required access: \`${scope}\` access scope.`, {
    extensions: { code: "ACCESS_DENIED", documentation: "https://shopify.dev/api/usage/access-scopes", requiredAccess: `\`${scope}\` access scope.` },
  });
}
