// What a webhook delivery may weigh, defined once (docs/security.md, "Webhook body size and shape").
// A plain .mjs so that scripts/serve.mjs, which reads the body before the app does, caps it with
// the same number.

/**
 * The largest body read, in bytes: 4 MiB. Past it the answer is 413 and reading stops, before the
 * HMAC is known. Shopify's order payloads are about 1 KB per line item (its example: 10.7 KB with
 * 5), and most shops may have at most 500 line items per order; refunds and fulfillments repeat
 * some of them, so a very large real order is about 1.5 MB.
 */
export const MAX_WEBHOOK_BODY_BYTES = 4 * 1024 * 1024;

/**
 * The deepest nesting of arrays and objects accepted in a body: Shopify's deepest (an order's
 * refunds[].refund_line_items[].line_item.tax_lines[].price_set.shop_money) is about 10 levels.
 * A deeper body is recorded as invalid (JSON.stringify overflows the stack at a few thousand).
 */
export const MAX_JSON_DEPTH = 64;

/** The most line items an order may have to be screened: four times Shopify's usual 500. */
export const MAX_LINE_ITEMS = 2000;

/** The largest job payload a delivery may enqueue, serialized, in bytes. */
export const MAX_JOB_PAYLOAD_BYTES = 1024 * 1024;

/** The longest X-Shopify-Webhook-Id accepted (Shopify's are UUIDs); it is part of a unique index. */
export const MAX_WEBHOOK_ID_LENGTH = 255;

/** The longest job dedupe key enqueued by a delivery; it is part of a unique index. */
export const MAX_JOB_KEY_LENGTH = 255;
