/** Small helpers for tests and scripts that talk to the emulator. */
import type { ShopifyEmulator } from "./emulator.js";
import type { GraphqlResponseBody } from "./admin-graphql.js";

export const SCREENING_QUERY = /* GraphQL */ `
query OrderForScreening($id: ID!) {
  order(id: $id) {
    id name createdAt test tags email phone clientIp sourceName
    totalPriceSet { shopMoney { amount currencyCode } }
    displayFinancialStatus cancelledAt billingAddressMatchesShippingAddress
    customer { id createdAt numberOfOrders amountSpent { amount currencyCode } verifiedEmail }
    billingAddress  { name address1 city provinceCode zip countryCodeV2 phone }
    shippingAddress { name address1 city provinceCode zip countryCodeV2 phone latitude longitude }
    customerJourneySummary { customerOrderIndex daysToConversion firstVisit { source landingPage occurredAt } }
    transactions(first: 20) {
      id kind status gateway test createdAt errorCode
      paymentDetails { __typename ... on CardPaymentDetails { avsResultCode cvvResultCode bin company number name wallet } }
    }
    risk { recommendation assessments { riskLevel provider { id title } facts { description sentiment } } }
    shopifyProtect { status }
    disputes { id status initiatedAs }
    fulfillmentOrders(first: 10) { nodes { id status supportedActions { action } fulfillmentHolds { id handle reason heldByRequestingApp } } }
  }
}`;

export interface GraphqlCallResult {
  status: number;
  headers: Headers;
  body: GraphqlResponseBody;
}

/** POSTs a GraphQL operation the way Holdfast's gateway does (in-process fetch unless one is given). */
export async function adminGraphql(
  emulator: ShopifyEmulator,
  shop: string,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
  fetchImpl: typeof fetch = emulator.fetch as typeof fetch,
): Promise<GraphqlCallResult> {
  const response = await fetchImpl(`https://${shop}/admin/api/2026-07/graphql.json`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-shopify-access-token": token },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as GraphqlResponseBody) : {} };
}
