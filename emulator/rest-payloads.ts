/** REST (webhook) payloads derived from the same store state as the GraphQL view. */
import { gid } from "./ids.js";
import { financialStatus, orderTotal, subtotal, type ShopState } from "./store.js";
import type { Address, Customer, Dispute, LineItem, Order } from "./types.js";

type Json = Record<string, unknown>;

const set = (amount: string, currency: string): Json => ({
  shop_money: { amount, currency_code: currency },
  presentment_money: { amount, currency_code: currency },
});

function restAddress(a: Address | null): Json | null {
  if (!a) return null;
  return {
    first_name: a.firstName,
    last_name: a.lastName,
    name: `${a.firstName} ${a.lastName}`.trim(),
    address1: a.address1,
    address2: a.address2,
    city: a.city,
    province: a.province,
    province_code: a.provinceCode,
    zip: a.zip,
    country: a.country,
    country_code: a.countryCode,
    phone: a.phone,
    company: a.company,
    latitude: a.latitude,
    longitude: a.longitude,
  };
}

function restLineItem(li: LineItem, currency: string): Json {
  return {
    id: li.id,
    admin_graphql_api_id: gid("LineItem", li.id),
    attributed_staffs: [],
    current_quantity: li.quantity,
    discount_allocations: [],
    duties: [],
    fulfillable_quantity: li.quantity,
    fulfillment_service: "manual",
    fulfillment_status: null,
    gift_card: li.sku.startsWith("GIFT"),
    grams: li.grams,
    name: li.variantTitle ? `${li.title} - ${li.variantTitle}` : li.title,
    price: li.price,
    price_set: set(li.price, currency),
    product_exists: true,
    product_id: li.productId,
    properties: [],
    quantity: li.quantity,
    requires_shipping: li.requiresShipping,
    sku: li.sku,
    tax_lines: [],
    taxable: true,
    title: li.title,
    total_discount: "0.00",
    total_discount_set: set("0.00", currency),
    variant_id: li.variantId,
    variant_inventory_management: "shopify",
    variant_title: li.variantTitle,
    vendor: li.vendor,
  };
}

function restCustomer(c: Customer, currency: string): Json {
  const address = c.defaultAddress;
  return {
    id: c.id,
    admin_graphql_api_id: gid("Customer", c.id),
    email: c.email,
    first_name: c.firstName,
    last_name: c.lastName,
    phone: c.phone,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    state: c.state,
    note: null,
    verified_email: c.verifiedEmail,
    multipass_identifier: null,
    tax_exempt: false,
    tax_exemptions: [],
    currency,
    tags: "",
    email_marketing_consent: { state: "not_subscribed", opt_in_level: "single_opt_in", consent_updated_at: null },
    sms_marketing_consent: null,
    default_address: address
      ? { ...restAddress(address), id: c.defaultAddressId, customer_id: c.id, country_name: address.country, default: true, latitude: undefined, longitude: undefined }
      : {
          id: c.defaultAddressId, customer_id: c.id, first_name: c.firstName, last_name: c.lastName, name: `${c.firstName} ${c.lastName}`, company: null,
          address1: "", address2: null, city: "", province: "", province_code: "", country: "", country_code: "", country_name: "", zip: "", phone: c.phone ?? "", default: true,
        },
  };
}

/**
 * The orders/create and orders/updated payload (REST 2026-07 shape). Factory orders validate against the inferred
 * schema; guest orders (customer null) and orders without email send null there, as Shopify does, which that schema
 * (inferred from one example) does not admit.
 */
export function orderPayload(shop: ShopState, order: Order): Json {
  const c = order.currency;
  const total = orderTotal(order);
  const sub = subtotal(order);
  const customer = order.customerId !== null ? shop.customers.get(order.customerId) : undefined;
  const status = financialStatus(order).toLowerCase();
  const fulfilled = order.fulfillmentOrders.length > 0 && order.fulfillmentOrders.every((f) => f.fulfilled);
  const shippingLine = {
    id: order.id + 1,
    carrier_identifier: null,
    code: "Standard",
    current_discounted_price_set: set(order.shippingPrice, c),
    discount_allocations: [],
    discounted_price: order.shippingPrice,
    discounted_price_set: set(order.shippingPrice, c),
    is_removed: false,
    phone: null,
    price: order.shippingPrice,
    price_set: set(order.shippingPrice, c),
    requested_fulfillment_service_id: null,
    source: "shopify",
    tax_lines: [],
    title: "Standard",
  };
  const payload: Json = {
    id: order.id,
    admin_graphql_api_id: gid("Order", order.id),
    app_id: 580111,
    browser_ip: order.browserIp,
    buyer_accepts_marketing: false,
    cancel_reason: order.cancelReason ? order.cancelReason.toLowerCase() : null,
    cancelled_at: order.cancelledAt,
    cart_token: null,
    checkout_token: null,
    client_details: order.clientDetails
      ? {
          accept_language: order.clientDetails.acceptLanguage,
          browser_height: order.clientDetails.browserHeight,
          browser_ip: order.clientDetails.browserIp ?? order.browserIp,
          browser_width: order.clientDetails.browserWidth,
          session_hash: null,
          user_agent: order.clientDetails.userAgent ?? "",
        }
      : null,
    closed_at: order.closedAt,
    company: null,
    confirmation_number: order.token.slice(0, 9).toUpperCase(),
    confirmed: true,
    contact_email: order.email,
    created_at: order.createdAt,
    currency: c,
    current_shipping_price_set: set(order.shippingPrice, c),
    current_subtotal_price: sub,
    current_subtotal_price_set: set(sub, c),
    current_total_additional_fees_set: null,
    current_total_discounts: order.totalDiscounts,
    current_total_discounts_set: set(order.totalDiscounts, c),
    current_total_duties_set: null,
    current_total_price: total,
    current_total_price_set: set(total, c),
    current_total_tax: order.totalTax,
    current_total_tax_set: set(order.totalTax, c),
    customer_locale: order.customerLocale,
    device_id: null,
    discount_applications: order.discountCodes.map((d) => ({
      allocation_method: "across", code: d.code, target_selection: "all", target_type: "line_item", type: "discount_code", value: d.amount, value_type: d.type,
    })),
    discount_codes: order.discountCodes.map((d) => ({ code: d.code, amount: d.amount, type: d.type })),
    duties_included: false,
    email: order.email,
    estimated_taxes: false,
    financial_status: status,
    fulfillment_status: fulfilled ? "fulfilled" : null,
    fulfillments: [],
    landing_site: order.landingSite,
    landing_site_ref: null,
    line_item_groups: [],
    line_items: order.lineItems.map((li) => restLineItem(li, c)),
    location_id: null,
    merchant_business_entity_id: `MBE${shop.info.id}`,
    merchant_of_record_app_id: null,
    name: order.name,
    note: null,
    note_attributes: order.noteAttributes.map((n) => ({ name: n.name, value: n.value })),
    number: order.number - 1000,
    order_number: order.number,
    order_status_url: `https://${shop.domain}/${shop.info.id}/orders/${order.token}/authenticate?key=${order.token}`,
    original_total_additional_fees_set: null,
    original_total_duties_set: null,
    payment_gateway_names: [...order.paymentGatewayNames],
    payment_terms: null,
    phone: order.phone,
    po_number: null,
    presentment_currency: c,
    processed_at: order.processedAt,
    reference: null,
    referring_site: order.referringSite,
    refunds: [],
    returns: [],
    shipping_lines: [shippingLine],
    source_identifier: null,
    source_name: order.sourceName,
    source_url: null,
    subtotal_price: sub,
    subtotal_price_set: set(sub, c),
    tags: order.tags.join(", "),
    tax_exempt: false,
    tax_lines: [],
    taxes_included: false,
    test: order.test,
    token: order.token,
    total_cash_rounding_payment_adjustment_set: set("0.00", c),
    total_cash_rounding_refund_adjustment_set: set("0.00", c),
    total_discounts: order.totalDiscounts,
    total_discounts_set: set(order.totalDiscounts, c),
    total_line_items_price: sub,
    total_line_items_price_set: set(sub, c),
    total_outstanding: status === "paid" ? "0.00" : total,
    total_price: total,
    total_price_set: set(total, c),
    total_shipping_price_set: set(order.shippingPrice, c),
    total_tax: order.totalTax,
    total_tax_set: set(order.totalTax, c),
    total_tip_received: "0.00",
    total_weight: order.lineItems.reduce((s, li) => s + li.grams * li.quantity, 0),
    updated_at: order.updatedAt,
    user_id: null,
    billing_address: restAddress(order.billingAddress),
    shipping_address: restAddress(order.shippingAddress),
    customer: customer ? restCustomer(customer, c) : null,
  };
  return JSON.parse(JSON.stringify(payload)) as Json; // drops undefined keys
}

export function disputePayload(d: Dispute): Json {
  return {
    id: d.id,
    order_id: d.orderId,
    type: d.type.toLowerCase(),
    amount: d.amount,
    currency: d.currency,
    reason: d.reason.toLowerCase(),
    network_reason_code: d.networkReasonCode,
    status: d.status.toLowerCase(),
    evidence_due_by: d.evidenceDueBy,
    evidence_sent_on: d.evidenceSentOn,
    finalized_on: d.finalizedOn,
    initiated_at: d.initiatedAt,
  };
}

/** The app/uninstalled payload is the shop resource. */
export function shopPayload(shop: ShopState): Json {
  const i = shop.info;
  return {
    id: i.id,
    name: i.name,
    email: i.email,
    customer_email: i.email,
    domain: i.domain,
    myshopify_domain: i.domain,
    province: "New York",
    province_code: "NY",
    country: i.countryCode,
    country_code: i.countryCode,
    country_name: i.countryCode === "US" ? "United States" : i.countryCode,
    address1: "1 Demo Street",
    address2: null,
    city: "New York",
    zip: "10001",
    phone: "+12125550100",
    latitude: 40.75,
    longitude: -73.99,
    primary_locale: "en",
    primary_location_id: i.id + 1,
    created_at: i.createdAt,
    updated_at: i.createdAt,
    timezone: `(GMT-05:00) ${i.timezone}`,
    iana_timezone: i.timezone,
    currency: i.currency,
    enabled_presentment_currencies: [i.currency],
    money_format: "${{amount}}",
    money_in_emails_format: "${{amount}}",
    money_with_currency_format: `\${{amount}} ${i.currency}`,
    money_with_currency_in_emails_format: `\${{amount}} ${i.currency}`,
    weight_unit: "kg",
    plan_name: i.planName,
    plan_display_name: i.planName,
    shop_owner: "Demo Owner",
    source: null,
    taxes_included: false,
    auto_configure_tax_inclusivity: null,
    tax_shipping: null,
    county_taxes: true,
    has_discounts: false,
    has_gift_cards: false,
    has_storefront: true,
    eligible_for_payments: true,
    requires_extra_payments_agreement: false,
    password_enabled: false,
    pre_launch_enabled: false,
    setup_required: false,
    finances: true,
    multi_location_enabled: true,
    checkout_api_supported: true,
    google_apps_domain: null,
    google_apps_login_enabled: null,
    marketing_sms_consent_enabled_at_checkout: false,
    transactional_sms_disabled: false,
  };
}

export function customersDataRequestPayload(shop: ShopState, customerId: number, dataRequestId: number): Json {
  const c = shop.customers.get(customerId);
  if (!c) throw new Error(`no customer ${customerId}`);
  return {
    shop_id: shop.info.id,
    shop_domain: shop.domain,
    orders_requested: shop.ordersOf(customerId).map((o) => o.id),
    customer: { id: c.id, email: c.email, phone: c.phone ?? "" },
    data_request: { id: dataRequestId },
  };
}

export function customersRedactPayload(shop: ShopState, customerId: number): Json {
  const c = shop.customers.get(customerId);
  if (!c) throw new Error(`no customer ${customerId}`);
  return {
    shop_id: shop.info.id,
    shop_domain: shop.domain,
    customer: { id: c.id, email: c.email, phone: c.phone ?? "" },
    orders_to_redact: shop.ordersOf(customerId).map((o) => o.id),
  };
}

export function shopRedactPayload(shop: ShopState): Json {
  return { shop_id: shop.info.id, shop_domain: shop.domain };
}
