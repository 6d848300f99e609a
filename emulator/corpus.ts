/** Loads a labelled order corpus (docs: ../shared/docs/corpus-format.md) into a shop's store state. */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import type { OrderDraft, TransactionDraft } from "./store.js";
import type { ShopState } from "./store.js";
import type { Address } from "./types.js";

export interface CorpusLabel {
  fraud: boolean;
  chargeback?: { amount: string; currency: string; reason: string };
}

export interface CorpusLoadResult {
  loaded: number;
  skipped: { line: number; error: string }[];
  /** By order ID. */
  labels: Map<number, CorpusLabel>;
}

type Rest = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === "string" ? v : typeof v === "number" ? String(v) : null);
const obj = (v: unknown): Rest | null => (v && typeof v === "object" && !Array.isArray(v) ? (v as Rest) : null);

function address(v: unknown): Address | null {
  const a = obj(v);
  if (!a) return null;
  const [first, ...rest] = (str(a.name) ?? "").split(" ");
  return {
    firstName: str(a.first_name) ?? first ?? "",
    lastName: str(a.last_name) ?? rest.join(" "),
    address1: str(a.address1) ?? "",
    address2: str(a.address2),
    city: str(a.city) ?? "",
    province: str(a.province) ?? "",
    provinceCode: str(a.province_code) ?? "",
    zip: str(a.zip) ?? "",
    country: str(a.country) ?? str(a.country_code) ?? "",
    countryCode: str(a.country_code) ?? "",
    phone: str(a.phone) ?? "",
    company: str(a.company),
    latitude: typeof a.latitude === "number" ? a.latitude : null,
    longitude: typeof a.longitude === "number" ? a.longitude : null,
  };
}

/** Converts one corpus `order` (REST orders/create JSON) into an order draft. Throws on a record it cannot use. */
export function draftFromRestOrder(o: Rest): OrderDraft {
  const id = o.id;
  if (typeof id !== "number" || !Number.isSafeInteger(id)) throw new Error("order.id must be an integer below 2^53");
  const createdAt = str(o.created_at);
  if (!createdAt || Number.isNaN(Date.parse(createdAt))) throw new Error("order.created_at missing or invalid");
  const total = Number(str(o.total_price));
  if (!Number.isFinite(total)) throw new Error("order.total_price missing or invalid");
  const currency = str(o.currency);
  if (!currency) throw new Error("order.currency missing");

  const restItems = Array.isArray(o.line_items) ? (o.line_items as Rest[]) : [];
  const lineItems = restItems.length
    ? restItems.map((li) => ({ title: str(li.title) ?? "Item", variantTitle: str(li.variant_title), sku: str(li.sku) ?? "", quantity: Number(li.quantity ?? 1), price: Number(str(li.price) ?? 0).toFixed(2) }))
    : [{ title: "Corpus item", quantity: 1, price: total.toFixed(2) }];
  const sub = lineItems.reduce((s, li) => s + Number(li.price) * li.quantity, 0);
  const diff = Math.round((total - sub) * 100) / 100;

  const customer = obj(o.customer);
  const client = obj(o.client_details);
  const pd = obj(o.payment_details);
  const transactions: TransactionDraft[] = [];
  if (pd) {
    const card = { avsResultCode: str(pd.avs_result_code), cvvResultCode: str(pd.cvv_result_code), bin: str(pd.credit_card_bin), number: str(pd.credit_card_number), company: str(pd.credit_card_company) };
    const failed = typeof pd.failed_attempts === "number" ? pd.failed_attempts : 0;
    for (let i = 0; i < failed; i++) transactions.push({ status: "FAILURE", errorCode: "CARD_DECLINED", card });
    transactions.push({ status: "SUCCESS", card });
  }
  const email = str(o.email) ?? str(customer?.email);
  const tags = (str(o.tags) ?? "").split(",").map((t) => t.trim()).filter(Boolean);
  return {
    id,
    name: str(o.name) ?? undefined,
    createdAt,
    test: o.test === true,
    email,
    phone: str(o.phone),
    browserIp: str(o.browser_ip) ?? str(client?.browser_ip),
    clientDetails: client
      ? { browserIp: str(client.browser_ip), acceptLanguage: str(client.accept_language), userAgent: str(client.user_agent), browserWidth: null, browserHeight: null }
      : null,
    currency,
    lineItems,
    shippingPrice: diff > 0 ? diff.toFixed(2) : "0.00",
    discountCodes: diff < 0 ? [{ code: "CORPUS", amount: (-diff).toFixed(2), type: "fixed_amount" }] : [],
    customer: customer
      ? {
          id: typeof customer.id === "number" ? customer.id : undefined,
          email: str(customer.email) ?? email ?? `customer-${String(customer.id)}@example.invalid`,
          phone: str(customer.phone),
          firstName: str(customer.first_name) ?? "",
          lastName: str(customer.last_name) ?? "",
          createdAt: str(customer.created_at) ?? createdAt,
          verifiedEmail: customer.verified_email !== false,
        }
      : null,
    billingAddress: address(o.billing_address),
    shippingAddress: address(o.shipping_address),
    landingSite: str(o.landing_site),
    referringSite: str(o.referring_site),
    sourceName: str(o.source_name) ?? "web",
    paymentGatewayNames: Array.isArray(o.payment_gateway_names) ? (o.payment_gateway_names as unknown[]).map(String) : ["shopify_payments"],
    noteAttributes: Array.isArray(o.note_attributes) ? (o.note_attributes as Rest[]).map((n) => ({ name: str(n.name) ?? "", value: str(n.value) ?? "" })) : [],
    tags,
    // No payment details in the record: the payment is unknown, not the emulator's default test card
    // (which every such order would otherwise share, as if one card paid for all of them).
    transactions: transactions.length ? transactions : [{ status: "SUCCESS", card: null }],
  };
}

/** Reads a .jsonl or .jsonl.gz corpus; malformed lines are reported with their line number and skipped. */
export function loadCorpus(shop: ShopState, file: string, opts: { limit?: number } = {}): CorpusLoadResult {
  const raw = readFileSync(file);
  const text = file.endsWith(".gz") ? gunzipSync(raw).toString("utf8") : raw.toString("utf8");
  const result: CorpusLoadResult = { loaded: 0, skipped: [], labels: new Map() };
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]?.trim();
    if (!line) continue;
    if (opts.limit !== undefined && result.loaded >= opts.limit) break;
    try {
      const record = JSON.parse(line) as { order?: unknown; label?: unknown };
      const order = obj(record.order);
      if (!order) throw new Error("missing order");
      const draft = draftFromRestOrder(order);
      shop.addOrder(draft);
      const label = obj(record.label);
      if (label) result.labels.set(draft.id as number, label as unknown as CorpusLabel);
      result.loaded++;
    } catch (error) {
      result.skipped.push({ line: i + 1, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return result;
}
