/**
 * Pure facts builder: orders/create REST payload (+ optional Admin GraphQL order
 * read) -> RiskFacts. Defensive: any field may be missing or of the wrong type.
 */
import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";
import { normaliseEmail } from "./email";
import type {
  AddressFacts, CustomerFacts, HistoryCounts, LineItemFacts, PaymentFacts, PhoneFacts, RiskFacts, ShopLists, ShopifyRecommendation,
} from "./types";

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : undefined);
const str = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v : typeof v === "number" && Number.isFinite(v) ? String(v) : undefined);
const num = (v: unknown): number | undefined => {
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
};
const time = (v: unknown): number | undefined => {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v !== "string") return undefined;
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : undefined;
};
const gidTail = (v: unknown): string | undefined => {
  const s = str(v);
  return s ? s.replace(/^gid:\/\/shopify\/\w+\//u, "") : undefined;
};

export function parsePhone(raw: unknown, defaultCountry?: string): PhoneFacts | undefined {
  const s = str(raw);
  if (!s) return undefined;
  try {
    const dc = defaultCountry && /^[A-Z]{2}$/u.test(defaultCountry) ? (defaultCountry as CountryCode) : undefined;
    const p = parsePhoneNumberFromString(s.slice(0, 64), dc);
    if (!p) return { raw: s, valid: false };
    return { raw: s, e164: p.number, valid: p.isValid(), country: p.country };
  } catch {
    return { raw: s, valid: false };
  }
}

function restAddress(v: unknown): AddressFacts | undefined {
  const a = obj(v);
  if (!a) return undefined;
  const name = str(a.name) ?? ([str(a.first_name), str(a.last_name)].filter(Boolean).join(" ") || undefined);
  const out: AddressFacts = {
    name, address1: str(a.address1), address2: str(a.address2), city: str(a.city), province: str(a.province_code) ?? str(a.province),
    zip: str(a.zip), countryCode: (str(a.country_code) ?? str(a.countryCodeV2))?.toUpperCase(), latitude: num(a.latitude), longitude: num(a.longitude),
  };
  return Object.values(out).some((x) => x !== undefined) ? out : undefined;
}

function gqlAddress(v: unknown): AddressFacts | undefined {
  const a = obj(v);
  if (!a) return undefined;
  return restAddress({ ...a, province_code: a.provinceCode, country_code: a.countryCodeV2 });
}

const merge = <T extends object>(a: T | undefined, b: T | undefined): T | undefined => {
  if (!a) return b;
  if (!b) return a;
  const out = { ...a } as Record<string, unknown>;
  for (const [k, v] of Object.entries(b)) if (v !== undefined) out[k] = v;
  return out as T;
};

function lineItems(v: unknown): LineItemFacts[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: LineItemFacts[] = [];
  for (const li of v) {
    const o = obj(li);
    if (!o) continue;
    const key = str(o.variant_id) ?? str(o.sku) ?? str(o.product_id) ?? str(o.title) ?? "unknown";
    out.push({ key, title: str(o.title), quantity: Math.max(0, num(o.quantity) ?? 1), price: num(o.price) });
  }
  return out;
}

function noteAttribute(v: unknown, name: string): string | undefined {
  if (!Array.isArray(v)) return undefined;
  for (const na of v) {
    const o = obj(na);
    if (o && o.name === name) return str(o.value);
  }
  return undefined;
}

function paymentFromRest(v: unknown): PaymentFacts | undefined {
  const p = obj(v);
  if (!p) return undefined;
  const number = str(p.credit_card_number);
  return {
    avsResultCode: str(p.avs_result_code)?.toUpperCase(), cvvResultCode: str(p.cvv_result_code)?.toUpperCase(), bin: str(p.credit_card_bin),
    last4: number?.replace(/\D/gu, "").slice(-4) || undefined, company: str(p.credit_card_company), failedAttempts: num(p.failed_attempts),
  };
}

function paymentFromAdmin(order: Obj): PaymentFacts | undefined {
  const txs = Array.isArray(order.transactions) ? order.transactions : obj(order.transactions) && Array.isArray((order.transactions as Obj).nodes) ? ((order.transactions as Obj).nodes as unknown[]) : undefined;
  if (!txs) return undefined;
  let failed = 0;
  let card: Obj | undefined;
  for (const t of txs) {
    const o = obj(t);
    if (!o) continue;
    if (String(o.status).toUpperCase() === "FAILURE") failed++;
    const pd = obj(o.paymentDetails);
    if (pd && (String(o.status).toUpperCase() === "SUCCESS" || !card)) card = pd;
  }
  const number = card ? str(card.number) : undefined;
  return {
    avsResultCode: card ? str(card.avsResultCode)?.toUpperCase() : undefined, cvvResultCode: card ? str(card.cvvResultCode)?.toUpperCase() : undefined,
    bin: card ? str(card.bin) : undefined, last4: number?.replace(/\D/gu, "").slice(-4) || undefined, company: card ? str(card.company) : undefined,
    failedAttempts: failed,
  };
}

export interface FactsOptions {
  shop: string;
  /** Evaluation time (ms). Defaults to the order's created_at, which is what a replay wants. */
  now?: number;
  /** Country of the order's IP, or a resolver (GeoIP in production, a range table in backtests). */
  ipCountry?: string | ((ip: string) => string | undefined);
  history?: HistoryCounts;
  lists?: ShopLists;
  /** The shop's IANA timezone (Shop.ianaTimezone; the backtest's --timezone), for hour-of-day signals. */
  timezone?: string;
}

/**
 * Build facts from an `orders/create` webhook payload and, optionally, the Admin
 * GraphQL `OrderForScreening` read (which wins where both have a value).
 * Throws only when the payload has no usable id or created_at.
 */
/** Shopify's own risk level, as the recommendation it stands for (HIGH -> CANCEL, MEDIUM -> INVESTIGATE, LOW -> ACCEPT). */
const RECOMMENDATION_OF_LEVEL: Readonly<Record<string, ShopifyRecommendation>> = { HIGH: "CANCEL", MEDIUM: "INVESTIGATE", LOW: "ACCEPT", NONE: "NONE" };
const RANK: Readonly<Record<ShopifyRecommendation, number>> = { NONE: 0, ACCEPT: 1, INVESTIGATE: 2, CANCEL: 3 };

/**
 * What Shopify's own fraud analysis says, from its assessments alone. `OrderRiskSummary.recommendation`
 * is "the recommended action for the order based on its risk assessments", apps' included, so after Holdfast posted a HIGH
 * assessment it reads CANCEL and a re-screen would feed on Holdfast's own verdict. Shopify's own
 * assessments are the ones without a provider (`OrderRiskAssessment.provider`: "The app that provided
 * the assessment, `null` if the assessment was provided by Shopify", Admin 2026-07 schema). PENDING (not analysed yet) and
 * unknown levels say nothing; several say the highest.
 */
function shopifyOwnRecommendation(assessments: unknown): ShopifyRecommendation | undefined {
  if (!Array.isArray(assessments)) return undefined;
  let best: ShopifyRecommendation | undefined;
  for (const raw of assessments) {
    const a = obj(raw);
    if (!a || a.provider !== null) continue; // undefined = not read, an object = an app
    const rec = RECOMMENDATION_OF_LEVEL[str(a.riskLevel)?.toUpperCase() ?? ""];
    if (rec && (best === undefined || RANK[rec] > RANK[best])) best = rec;
  }
  return best;
}

export function factsFromWebhook(payload: unknown, adminOrder: unknown, options: FactsOptions): RiskFacts {
  const p = obj(payload) ?? {};
  const g = obj(adminOrder) ?? {};
  const orderId = str(p.id) ?? gidTail(g.id);
  const createdAt = time(p.created_at) ?? time(g.createdAt);
  if (orderId === undefined || createdAt === undefined) throw new Error("order payload needs id and created_at");

  const client = obj(p.client_details);
  const ip = str(p.browser_ip) ?? str(client?.browser_ip) ?? str(g.clientIp);
  const billing = merge(restAddress(p.billing_address), gqlAddress(g.billingAddress));
  const shipping = merge(restAddress(p.shipping_address), gqlAddress(g.shippingAddress));

  const c = obj(p.customer);
  const gc = obj(g.customer);
  let customer: CustomerFacts | undefined;
  if (c || gc) {
    const ordersCount = num(gc?.numberOfOrders) ?? num(c?.orders_count);
    customer = {
      id: str(c?.id) ?? gidTail(gc?.id), createdAt: time(gc?.createdAt) ?? time(c?.created_at),
      // numberOfOrders / orders_count include this order once Shopify has it.
      previousOrders: ordersCount === undefined ? undefined : Math.max(0, ordersCount - 1),
      amountSpent: num(obj(gc?.amountSpent)?.amount) ?? num(c?.total_spent), verifiedEmail: typeof gc?.verifiedEmail === "boolean" ? gc.verifiedEmail : typeof c?.verified_email === "boolean" ? c.verified_email : undefined,
      firstName: str(c?.first_name), lastName: str(c?.last_name),
    };
  }

  const adminPayment = Object.keys(g).length ? paymentFromAdmin(g) : undefined;
  const payment = merge(paymentFromRest(p.payment_details), adminPayment);

  const shopifyRecommendation = shopifyOwnRecommendation(obj(g.risk)?.assessments);
  const country = shipping?.countryCode ?? billing?.countryCode;
  const money = obj(obj(g.totalPriceSet)?.shopMoney);

  let ipCountry: string | undefined;
  if (ip && typeof options.ipCountry === "function") ipCountry = options.ipCountry(ip);
  else if (typeof options.ipCountry === "string") ipCountry = options.ipCountry;

  return {
    shop: options.shop, orderId, now: options.now ?? createdAt, createdAt,
    totalPrice: num(p.total_price) ?? num(money?.amount), currency: str(p.currency) ?? str(money?.currencyCode),
    email: normaliseEmail(str(g.email) ?? p.email ?? p.contact_email ?? c?.email),
    phone: parsePhone(str(g.phone) ?? str(p.phone) ?? str(c?.phone) ?? str(obj(p.billing_address)?.phone), country),
    ip, ipCountry: ipCountry?.toUpperCase(), deviceId: noteAttribute(p.note_attributes, "_holdfast_device"),
    userAgent: str(client?.user_agent), acceptLanguage: str(client?.accept_language), customer, billing, shipping,
    lineItems: lineItems(p.line_items), payment, shopifyRecommendation,
    landingSite: str(p.landing_site), referringSite: str(p.referring_site), sourceName: str(p.source_name) ?? str(g.sourceName),
    test: p.test === true || g.test === true, history: options.history, lists: options.lists,
    ...(options.timezone ? { timezone: options.timezone } : {}),
  };
}
