/** Deterministic (seeded) realistic orders: legitimate buyers and the fraud patterns Holdfast must catch. */
import { createHash } from "node:crypto";
import {
  ACCEPT_LANGUAGE,
  ADDRESSES,
  CARD_BINS,
  DISPOSABLE_EMAIL,
  FREE_EMAIL,
  HIGH_RISK_PRODUCTS,
  JAPANESE_EMAIL,
  JAPANESE_FIRST,
  JAPANESE_LAST,
  JAPANESE_ROMAJI_LAST,
  PHONE_PREFIX,
  PRODUCTS,
  USER_AGENTS,
  WESTERN_FIRST,
  WESTERN_LAST,
  type Product,
} from "./factory-data.js";
import type { CustomerDraft, LineItemDraft, OrderDraft, TransactionDraft } from "./store.js";
import type { Address } from "./types.js";

export const FRAUD_PATTERNS = [
  "fresh_account_fast_checkout",
  "country_mismatch",
  "disposable_email",
  "device_reuse",
  "bulk_single_item",
  "card_testing",
] as const;
export type FraudPattern = (typeof FRAUD_PATTERNS)[number];

export interface FactoryOptions {
  seed?: number;
  /** Time of the first order (ms); later orders follow at random intervals. */
  startAt?: number;
  currency?: string;
  /** Country of the shop's typical buyer. */
  homeCountry?: string;
}

export interface GeneratedOrder {
  draft: OrderDraft;
  fraud: boolean;
  pattern: FraudPattern | null;
}

/** mulberry32: tiny, fast, good enough for fixtures, and stable across Node versions. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error("pick from empty list");
    return item;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  hex(length: number): string {
    let out = "";
    while (out.length < length) out += Math.floor(this.next() * 16).toString(16);
    return out;
  }
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

interface Identity {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  country: string;
}

export class OrderFactory {
  private readonly rng: Rng;
  private clock: number;
  private readonly currency: string;
  private readonly home: string;
  /** Devices shared by a fraud ring across identities. */
  private readonly ringDevices: string[] = [];

  constructor(opts: FactoryOptions = {}) {
    this.rng = new Rng(opts.seed ?? 1);
    this.clock = opts.startAt ?? Date.parse("2026-07-15T09:00:00Z");
    this.currency = opts.currency ?? "USD";
    this.home = opts.homeCountry ?? "US";
  }

  /** A mix of legitimate and fraudulent orders (fraudRate 0..1), deterministic for a seed. */
  batch(count: number, fraudRate = 0.1): GeneratedOrder[] {
    return Array.from({ length: count }, () => (this.rng.chance(fraudRate) ? this.fraud(this.rng.pick(FRAUD_PATTERNS)) : this.legit()));
  }

  legit(opts: { country?: string; japanese?: boolean } = {}): GeneratedOrder {
    const country = opts.japanese ? "JP" : (opts.country ?? (this.rng.chance(0.8) ? this.home : this.rng.pick(["GB", "DE", "FR", "JP"])));
    const who = this.identity(country, opts.japanese ?? country === "JP");
    const address = this.address(country, who);
    const createdAt = this.tick();
    const accountAgeDays = this.rng.int(20, 900);
    const items = this.lineItems(this.rng.int(1, 3), PRODUCTS, 2);
    const draft = this.base(who, address, address, createdAt, items, {
      customerCreatedAt: iso(createdAt - accountAgeDays * 86_400_000),
      journey: { customerOrderIndex: this.rng.int(1, 6), daysToConversion: this.rng.int(0, 12), source: this.rng.pick(["google", "instagram", "direct", "newsletter"]) },
    });
    return { draft, fraud: false, pattern: null };
  }

  japanese(): GeneratedOrder {
    return this.legit({ japanese: true });
  }

  fraud(pattern: FraudPattern): GeneratedOrder {
    const createdAt = this.tick();
    const who = this.identity(this.home, false);
    const home = this.address(this.home, who);
    const expensive = () => this.lineItems(this.rng.int(1, 2), HIGH_RISK_PRODUCTS, 2);
    let draft: OrderDraft;
    switch (pattern) {
      case "fresh_account_fast_checkout":
        draft = this.base(who, home, home, createdAt, expensive(), {
          customerCreatedAt: iso(createdAt - this.rng.int(5, 40) * 1000),
          journey: { customerOrderIndex: 1, daysToConversion: 0, source: "direct" },
        });
        break;
      case "country_mismatch": {
        const far = this.rng.pick(["NG", "RU", "GB", "JP"].filter((c) => c !== this.home));
        const shipTo = this.address(far, this.identity(far, far === "JP"));
        draft = this.base(who, home, { ...shipTo, firstName: who.firstName, lastName: who.lastName }, createdAt, expensive(), {
          customerCreatedAt: iso(createdAt - this.rng.int(1, 3) * 86_400_000),
          ip: this.ip(far),
        });
        break;
      }
      case "disposable_email": {
        const disposable = { ...who, email: `${who.firstName.toLowerCase()}${this.rng.int(100, 9999)}@${this.rng.pick(DISPOSABLE_EMAIL)}` };
        draft = this.base(disposable, home, home, createdAt, expensive(), { customerCreatedAt: iso(createdAt - this.rng.int(60, 3600) * 1000) });
        break;
      }
      case "device_reuse": {
        if (this.ringDevices.length === 0 || this.rng.chance(0.2)) this.ringDevices.push(`dev_${this.rng.hex(24)}`);
        draft = this.base(who, home, home, createdAt, expensive(), {
          customerCreatedAt: iso(createdAt - this.rng.int(1, 48) * 3_600_000),
          device: this.rng.pick(this.ringDevices),
        });
        break;
      }
      case "bulk_single_item": {
        const product = this.rng.pick(HIGH_RISK_PRODUCTS);
        draft = this.base(who, home, home, createdAt, [this.lineItem(product, this.rng.int(12, 40))], { customerCreatedAt: iso(createdAt - this.rng.int(1, 5) * 86_400_000) });
        break;
      }
      case "card_testing": {
        const attempts = this.rng.int(3, 7);
        const failures: TransactionDraft[] = Array.from({ length: attempts }, (_, i) => {
          const card = cardOf(this.rng.pick(CARD_BINS), `${who.email}|attempt ${i}`);
          return {
            kind: "AUTHORIZATION",
            status: "FAILURE",
            errorCode: this.rng.pick(["CARD_DECLINED", "INCORRECT_CVC", "INCORRECT_ZIP", "INSUFFICIENT_FUNDS"]),
            createdAt: iso(createdAt - (attempts - i) * this.rng.int(4, 20) * 1000),
            card: { bin: card.bin, company: card.company, number: `•••• •••• •••• ${card.last4}`, avsResultCode: "N", cvvResultCode: "N", name: `${who.firstName} ${who.lastName}` },
          };
        });
        // The card that finally goes through is one more stolen card, not one every card tester shares.
        const final = cardOf(this.rng.pick(CARD_BINS), `${who.email}|final`);
        draft = this.base(who, home, home, createdAt, expensive(), {
          customerCreatedAt: iso(createdAt - this.rng.int(1, 10) * 60_000),
          transactions: [
            ...failures,
            { kind: "AUTHORIZATION", status: "SUCCESS", createdAt: iso(createdAt), card: { bin: final.bin, company: final.company, number: `•••• •••• •••• ${final.last4}`, avsResultCode: this.rng.pick(["N", "A", "Z"]), cvvResultCode: this.rng.pick(["N", "P"]), name: `${who.firstName} ${who.lastName}` } },
          ],
        });
        break;
      }
    }
    return { draft, fraud: true, pattern };
  }

  // ---- building blocks ---------------------------------------------------

  private tick(): number {
    this.clock += this.rng.int(20, 600) * 1000;
    return this.clock;
  }

  private identity(country: string, japanese: boolean): Identity {
    const firstName = japanese ? this.rng.pick(JAPANESE_FIRST) : this.rng.pick(WESTERN_FIRST);
    const lastIndex = this.rng.int(0, (japanese ? JAPANESE_LAST : WESTERN_LAST).length - 1);
    const lastName = japanese ? (JAPANESE_LAST[lastIndex] ?? "佐藤") : (WESTERN_LAST[lastIndex] ?? "Smith");
    const local = japanese ? `${JAPANESE_ROMAJI_LAST[lastIndex] ?? "sato"}.${this.rng.hex(4)}` : `${firstName}.${lastName}${this.rng.int(1, 99)}`.toLowerCase();
    const email = `${local}@${this.rng.pick(japanese ? JAPANESE_EMAIL : FREE_EMAIL)}`;
    const phone = `${PHONE_PREFIX[country] ?? "+1212555"}${String(this.rng.int(1000, 9999))}`;
    return { firstName, lastName, email, phone, country };
  }

  private address(country: string, who: Pick<Identity, "firstName" | "lastName" | "phone">): Address {
    const seed = this.rng.pick(ADDRESSES[country] ?? ADDRESSES.US ?? []);
    // The address list is short: each household gets its own unit in the building (from the
    // person, so a returning buyer has the same one and the seed's random sequence is unchanged).
    const unit = (createHash("sha256").update(`${who.firstName} ${who.lastName} ${who.phone}`).digest().readUInt32BE(0) % 900) + 100;
    const own = country === "JP" ? `${unit}号室` : `Apt ${unit}`;
    const address2 = seed.address2 ? `${seed.address2} ${own}` : own;
    return { ...seed, address2, firstName: who.firstName, lastName: who.lastName, phone: who.phone, company: null };
  }

  private ip(country: string): string {
    const first: Record<string, number[]> = { US: [24, 73, 98, 174], GB: [81, 86, 151], DE: [84, 91, 178], FR: [82, 90, 176], JP: [126, 133, 153], NG: [102, 105, 197], RU: [46, 95, 188] };
    return [this.rng.pick(first[country] ?? [24]), this.rng.int(0, 255), this.rng.int(0, 255), this.rng.int(1, 254)].join(".");
  }

  private lineItem(product: Product, quantity: number): LineItemDraft {
    return { title: product.title, variantTitle: product.variantTitle, sku: product.sku, vendor: product.vendor, price: product.price.toFixed(2), quantity, grams: product.grams, requiresShipping: product.grams > 0 };
  }

  private lineItems(count: number, catalogue: Product[], maxQty: number): LineItemDraft[] {
    const chosen = new Map<string, LineItemDraft>();
    for (let i = 0; i < count; i++) {
      const product = this.rng.pick(catalogue);
      chosen.set(product.sku, this.lineItem(product, this.rng.int(1, maxQty)));
    }
    return [...chosen.values()];
  }

  private base(
    who: Identity,
    billing: Address,
    shipping: Address,
    createdAt: number,
    lineItems: LineItemDraft[],
    extra: {
      customerCreatedAt: string;
      journey?: { customerOrderIndex: number; daysToConversion: number; source: string };
      ip?: string;
      device?: string;
      transactions?: TransactionDraft[];
    },
  ): OrderDraft {
    const customer: CustomerDraft = { email: who.email, phone: who.phone, firstName: who.firstName, lastName: who.lastName, createdAt: extra.customerCreatedAt, verifiedEmail: this.rng.chance(0.7) };
    const card = cardOf(this.rng.pick(CARD_BINS), who.email);
    const ip = extra.ip ?? this.ip(billing.countryCode);
    const device = extra.device ?? `dev_${this.rng.hex(24)}`;
    const subtotal = lineItems.reduce((s, li) => s + Number(li.price) * li.quantity, 0);
    return {
      createdAt: iso(createdAt),
      email: who.email,
      phone: who.phone,
      browserIp: ip,
      clientDetails: {
        browserIp: ip,
        acceptLanguage: ACCEPT_LANGUAGE[billing.countryCode] ?? "en-US,en;q=0.9",
        userAgent: this.rng.pick(USER_AGENTS),
        browserWidth: this.rng.pick([390, 1280, 1440, 1920]),
        browserHeight: this.rng.pick([844, 800, 900, 1080]),
      },
      currency: this.currency,
      lineItems,
      shippingPrice: subtotal > 100 ? "0.00" : "7.50",
      totalTax: (subtotal * 0.08).toFixed(2),
      customer,
      billingAddress: billing,
      shippingAddress: shipping,
      landingSite: extra.journey ? `/products/${(lineItems[0]?.sku ?? "home").toLowerCase()}?utm_source=${extra.journey.source}` : "/",
      referringSite: extra.journey?.source === "google" ? "https://www.google.com/" : null,
      sourceName: "web",
      paymentGatewayNames: ["shopify_payments"],
      noteAttributes: [{ name: "_holdfast_device", value: device }],
      customerLocale: billing.countryCode === "JP" ? "ja" : "en",
      transactions: extra.transactions ?? [
        { kind: "AUTHORIZATION", status: "SUCCESS", card: { bin: card.bin, company: card.company, number: `•••• •••• •••• ${card.last4}`, avsResultCode: "Y", cvvResultCode: "M", name: `${who.firstName} ${who.lastName}` } },
      ],
      shopifyRiskLevel: "LOW",
      shopifyProtect: { status: "NOT_PROTECTED", eligible: false },
      fulfillmentOrders: [{ managedBy: this.rng.chance(0.15) ? "third_party" : "merchant" }],
      journey: extra.journey
        ? {
            customerOrderIndex: extra.journey.customerOrderIndex,
            daysToConversion: extra.journey.daysToConversion,
            firstVisit: { source: extra.journey.source, landingPage: `https://shop.example/products/${(lineItems[0]?.sku ?? "").toLowerCase()}`, occurredAt: iso(createdAt - extra.journey.daysToConversion * 86_400_000 - 600_000) },
          }
        : { customerOrderIndex: 1, daysToConversion: 0, firstVisit: { source: "direct", landingPage: null, occurredAt: iso(createdAt - 90_000) } },
    };
  }
}

/**
 * A card of the given network whose last four digits follow from its holder (a hash, so the
 * random sequence of a seed is unchanged): a returning buyer pays with the same card, different
 * buyers with different cards, as in a real store.
 */
function cardOf(network: (typeof CARD_BINS)[number], holder: string): (typeof CARD_BINS)[number] {
  const h = createHash("sha256").update(holder).digest().readUInt32BE(0);
  return { ...network, last4: String(h % 10_000).padStart(4, "0") };
}
