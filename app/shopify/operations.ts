// Every Admin GraphQL operation Holdfast sends, as named documents. Types are generated from the
// real 2026-07 schema (`npm run graphql-codegen` -> app/types/admin.generated.d.ts) and a test
// validates each document against that schema, so an invalid field fails the build.

export const OrderForScreening = `#graphql
  query OrderForScreening($id: ID!) {
    order(id: $id) {
      id name createdAt updatedAt test tags email phone clientIp sourceName
      totalPriceSet { shopMoney { amount currencyCode } }
      displayFinancialStatus displayFulfillmentStatus cancelledAt billingAddressMatchesShippingAddress
      customer { id createdAt numberOfOrders amountSpent { amount currencyCode } verifiedEmail }
      billingAddress { name address1 address2 city provinceCode zip countryCodeV2 phone }
      shippingAddress { name address1 address2 city provinceCode zip countryCodeV2 phone latitude longitude }
      customerJourneySummary { customerOrderIndex daysToConversion firstVisit { source landingPage occurredAt } }
      transactions(first: 20) {
        id kind status gateway test createdAt errorCode
        paymentDetails {
          __typename
          ... on CardPaymentDetails { avsResultCode cvvResultCode bin company number name wallet }
        }
      }
      risk { recommendation assessments { riskLevel provider { id title } facts { description sentiment } } }
      shopifyProtect { status }
      disputes { id status initiatedAs }
      fulfillmentOrders(first: 10) {
        nodes { id status supportedActions { action } fulfillmentHolds { id handle reason heldByRequestingApp } }
      }
    }
  }
`;

/** Whether an order reads cancelled (a guarantee is voided only when it does: the webhook body is not trusted). */
export const OrderCancellation = `#graphql
  query OrderCancellation($id: ID!) {
    order(id: $id) { id cancelledAt }
  }
`;

/** The shop's numeric id (docs/security.md) and IANA timezone (hour-of-day signals), read once at install (and by reconciliation while unknown). */
export const ShopIdentity = `#graphql
  query ShopIdentity {
    shop { id myshopifyDomain ianaTimezone }
  }
`;

/** Whether an order was fulfilled, cancelled or disputed (the undisputed-outcome sweep, app/learning/outcomes.server.ts). */
export const OrderSettled = `#graphql
  query OrderSettled($id: ID!) {
    order(id: $id) { id createdAt test cancelledAt displayFulfillmentStatus disputes { id } }
  }
`;

export const OrdersSince = `#graphql
  query OrdersSince($query: String!, $after: String) {
    orders(first: 100, after: $after, query: $query, sortKey: CREATED_AT) {
      nodes { id createdAt updatedAt tags cancelledAt }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

export const AddTags = `#graphql
  mutation AddTags($id: ID!, $tags: [String!]!) {
    tagsAdd(id: $id, tags: $tags) { node { id } userErrors { field message } }
  }
`;

export const RemoveTags = `#graphql
  mutation RemoveTags($id: ID!, $tags: [String!]!) {
    tagsRemove(id: $id, tags: $tags) { node { id } userErrors { field message } }
  }
`;

export const RiskAssessmentCreate = `#graphql
  mutation RiskAssessmentCreate($input: OrderRiskAssessmentCreateInput!) {
    orderRiskAssessmentCreate(orderRiskAssessmentInput: $input) {
      orderRiskAssessment { riskLevel facts { description sentiment } }
      userErrors { field message code }
    }
  }
`;

export const FulfillmentOrderHold = `#graphql
  mutation FulfillmentOrderHold($id: ID!, $hold: FulfillmentOrderHoldInput!) {
    fulfillmentOrderHold(id: $id, fulfillmentHold: $hold) {
      fulfillmentHold { id handle reason }
      fulfillmentOrder { id status }
      remainingFulfillmentOrder { id }
      userErrors { field message code }
    }
  }
`;

export const FulfillmentOrderReleaseHold = `#graphql
  mutation FulfillmentOrderReleaseHold($id: ID!, $holdIds: [ID!], $externalId: String) {
    fulfillmentOrderReleaseHold(id: $id, holdIds: $holdIds, externalId: $externalId) {
      fulfillmentOrder { id status }
      userErrors { field message code }
    }
  }
`;

export const OrderCancel = `#graphql
  mutation OrderCancel($orderId: ID!, $staffNote: String) {
    orderCancel(
      orderId: $orderId
      reason: FRAUD
      restock: true
      notifyCustomer: false
      refundMethod: { originalPaymentMethodsRefund: true }
      staffNote: $staffNote
    ) {
      job { id done }
      orderCancelUserErrors { field message code }
    }
  }
`;

// orderCancel runs asynchronously: its job says when it ran, the order whether it was cancelled.
export const CancelJob = `#graphql
  query CancelJob($id: ID!, $orderId: ID!) {
    job(id: $id) { id done }
    order(id: $orderId) { id cancelledAt }
  }
`;

// fulfillment_orders/* webhooks name fulfillment orders only; this finds their order.
export const FulfillmentOrderOrder = `#graphql
  query FulfillmentOrderOrder($id: ID!) {
    fulfillmentOrder(id: $id) { id orderId }
  }
`;

// The one source of a claim (docs/security.md): the dispute as the shop's own Admin API answers it,
// with the order's fulfilment (a `product_not_received` dispute is covered only on a delivered order).
// The evidence is read separately (DisputeEvidenceOf): its scope may not be granted yet.
export const Dispute = `#graphql
  query Dispute($id: ID!) {
    dispute(id: $id) {
      id legacyResourceId type status initiatedAt evidenceDueBy evidenceSentOn finalizedOn
      amount { amount currencyCode }
      reasonDetails { reason networkReasonCode }
      order {
        id name tags displayFulfillmentStatus
        fulfillments(first: 20) { displayStatus deliveredAt }
      }
    }
  }
`;

/** What Holdfast files as a dispute's evidence, and whether it was submitted (by anyone). */
export const DisputeEvidenceOf = `#graphql
  query DisputeEvidenceOf($id: ID!) {
    dispute(id: $id) {
      id status type evidenceDueBy evidenceSentOn
      disputeEvidence { id submitted }
      order {
        id name createdAt email clientIp
        customer { firstName lastName email }
        billingAddress { firstName lastName }
        shippingAddress { firstName lastName company address1 address2 city province provinceCode zip country countryCodeV2 phone }
        customerJourneySummary { firstVisit { source occurredAt } lastVisit { source occurredAt } }
      }
    }
  }
`;

export const DisputeEvidenceUpdate = `#graphql
  mutation DisputeEvidenceUpdate($id: ID!, $input: ShopifyPaymentsDisputeEvidenceUpdateInput!) {
    disputeEvidenceUpdate(id: $id, input: $input) {
      disputeEvidence { id submitted }
      userErrors { field message code }
    }
  }
`;

export const DisputesSince = `#graphql
  query DisputesSince($query: String!, $after: String) {
    disputes(first: 100, after: $after, query: $query) {
      nodes { id legacyResourceId status type initiatedAt amount { amount currencyCode } order { id } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

// Usage billing (app/guarantee/billing.server.ts). The shop's currency, the app's active
// subscriptions with their usage line item's cap and balance.
export const BillingState = `#graphql
  query BillingState {
    shop { currencyCode }
    currentAppInstallation {
      activeSubscriptions {
        id name status test
        lineItems {
          id
          plan { pricingDetails { __typename ... on AppUsagePricing { cappedAmount { amount currencyCode } balanceUsed { amount currencyCode } terms } } }
        }
      }
    }
  }
`;

// One subscription by id: a PENDING one is not among activeSubscriptions until the merchant approves it.
export const BillingSubscription = `#graphql
  query BillingSubscription($id: ID!) {
    node(id: $id) {
      __typename
      ... on AppSubscription {
        id name status test
        lineItems {
          id
          plan { pricingDetails { __typename ... on AppUsagePricing { cappedAmount { amount currencyCode } balanceUsed { amount currencyCode } terms } } }
        }
      }
    }
  }
`;

export const BillingSubscriptionCreate = `#graphql
  mutation BillingSubscriptionCreate($name: String!, $returnUrl: URL!, $test: Boolean, $lineItems: [AppSubscriptionLineItemInput!]!) {
    appSubscriptionCreate(name: $name, returnUrl: $returnUrl, test: $test, lineItems: $lineItems) {
      appSubscription { id status lineItems { id } }
      confirmationUrl
      userErrors { field message }
    }
  }
`;

// Our own document, not the library's billing helper, so the idempotencyKey is sent (the helper drops it).
export const BillingUsageRecordCreate = `#graphql
  mutation BillingUsageRecordCreate($lineItemId: ID!, $price: MoneyInput!, $description: String!, $idempotencyKey: String) {
    appUsageRecordCreate(subscriptionLineItemId: $lineItemId, price: $price, description: $description, idempotencyKey: $idempotencyKey) {
      appUsageRecord { id idempotencyKey price { amount currencyCode } }
      userErrors { field message }
    }
  }
`;
