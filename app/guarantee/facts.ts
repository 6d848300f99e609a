// The facts a guarantee freezes when Holdfast approves an order (shipping and billing address,
// email, phone, customer), read from either shape Shopify sends them in: the Admin API's order
// (GraphQL: camelCase, gids) at screening, and the orders/updated body (REST: snake_case, numbers)
// when looking for a change. Both reduce to one canonical form, hashed per fact, so that
// `planOrderUpdated` can tell which facts changed from one stored string (OrderScreening.factsHash)
// without an Admin API call. Pure.
//
// factsHash: "f1:" + five 16-hex-digit hashes (shipping address, billing address, email, phone,
// customer), joined by ".". A hash of personal data is still personal data: customers/redact
// replaces it (REDACTED_FACTS_HASH).
import { createHash } from "node:crypto";
import { z } from "zod";

export interface FrozenAddress {
  name: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  provinceCode: string | null;
  zip: string | null;
  countryCode: string | null;
  phone: string | null;
}

export interface FrozenFacts {
  shippingAddress: FrozenAddress | null;
  billingAddress: FrozenAddress | null;
  email: string | null;
  phone: string | null;
  /** Numeric customer id (decimal string), null for a guest. */
  customerId: string | null;
}

/** The facts, in the order of the hash's parts, with the words a note uses for each. */
export const FACTS = [
  ["shippingAddress", "shipping address"],
  ["billingAddress", "billing address"],
  ["email", "email"],
  ["phone", "phone"],
  ["customerId", "customer"],
] as const satisfies readonly (readonly [keyof FrozenFacts, string])[];

/** What customers/redact leaves in OrderScreening.factsHash: no comparison is possible any more. */
export const REDACTED_FACTS_HASH = "redacted";

const VERSION = "f1";

const text = (v: unknown): string | null => (typeof v === "string" && v.trim() !== "" ? v : null);
const tail = (gid: unknown): string | null => {
  const s = typeof gid === "string" ? gid : typeof gid === "number" ? String(gid) : null;
  const m = s ? /(\d+)$/.exec(s) : null;
  return m ? m[1]! : null;
};

/** The Admin API's MailingAddress, as OrderForScreening reads it. */
export interface AdminAddress {
  name?: string | null;
  address1?: string | null;
  address2?: string | null;
  city?: string | null;
  provinceCode?: string | null;
  zip?: string | null;
  countryCodeV2?: string | null;
  phone?: string | null;
}

/** What of the Admin API's order the facts come from (a structural slice of OrderForScreening). */
export interface AdminOrderFacts {
  email?: string | null;
  phone?: string | null;
  customer?: { id: string } | null;
  shippingAddress?: AdminAddress | null;
  billingAddress?: AdminAddress | null;
}

function adminAddress(a: AdminAddress | null | undefined): FrozenAddress | null {
  if (!a) return null;
  return {
    name: text(a.name), address1: text(a.address1), address2: text(a.address2), city: text(a.city), provinceCode: text(a.provinceCode),
    zip: text(a.zip), countryCode: text(a.countryCodeV2), phone: text(a.phone),
  };
}

export function factsFromAdmin(order: AdminOrderFacts): FrozenFacts {
  return {
    shippingAddress: adminAddress(order.shippingAddress), billingAddress: adminAddress(order.billingAddress),
    email: text(order.email), phone: text(order.phone), customerId: tail(order.customer?.id),
  };
}

const RestAddress = z
  .object({
    name: z.unknown(), first_name: z.unknown(), last_name: z.unknown(), address1: z.unknown(), address2: z.unknown(), city: z.unknown(),
    province_code: z.unknown(), zip: z.unknown(), country_code: z.unknown(), phone: z.unknown(),
  })
  .partial()
  .nullish();
/** The fields of an orders/* webhook body (REST shape) the facts come from; anything else is ignored. */
const RestOrder = z.object({
  email: z.unknown(), contact_email: z.unknown(), phone: z.unknown(),
  customer: z.object({ id: z.unknown(), admin_graphql_api_id: z.unknown() }).partial().nullish(),
  shipping_address: RestAddress, billing_address: RestAddress,
}).partial();

function restAddress(a: z.infer<typeof RestAddress>): FrozenAddress | null {
  if (!a) return null;
  const name = text(a.name) ?? text([text(a.first_name), text(a.last_name)].filter(Boolean).join(" "));
  return {
    name, address1: text(a.address1), address2: text(a.address2), city: text(a.city), provinceCode: text(a.province_code),
    zip: text(a.zip), countryCode: text(a.country_code), phone: text(a.phone),
  };
}

/**
 * The same facts from an order webhook's body. The customer's id comes from its gid when the body
 * has one: Shopify's `id` is a JSON number that can exceed 2^53 and lose digits when parsed.
 */
export function factsFromWebhook(body: unknown): FrozenFacts {
  const parsed = RestOrder.safeParse(body);
  const o = parsed.success ? parsed.data : {};
  return {
    shippingAddress: restAddress(o.shipping_address), billingAddress: restAddress(o.billing_address),
    email: text(o.email) ?? text(o.contact_email), phone: text(o.phone),
    customerId: o.customer ? tail(o.customer.admin_graphql_api_id) ?? tail(o.customer.id) : null,
  };
}

/** Case, spacing and punctuation that do not change where a parcel goes or who is reached. */
const norm = (v: string | null) => (v === null ? "" : v.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim());
const normZip = (v: string | null) => norm(v).replace(/[\s-]/g, "");
const normPhone = (v: string | null) => norm(v).replace(/[^0-9a-z+]/g, "");

function canonical(key: keyof FrozenFacts, f: FrozenFacts): string {
  switch (key) {
    case "shippingAddress":
    case "billingAddress": {
      const a = f[key];
      if (!a) return "";
      return [norm(a.name), norm(a.address1), norm(a.address2), norm(a.city), norm(a.provinceCode), normZip(a.zip), norm(a.countryCode), normPhone(a.phone)].join("|");
    }
    case "email":
      return norm(f.email);
    case "phone":
      return normPhone(f.phone);
    case "customerId":
      return f.customerId ?? "";
  }
}

const part = (value: string) => createHash("sha256").update(value).digest("hex").slice(0, 16);

export function factsHash(f: FrozenFacts): string {
  return `${VERSION}:${FACTS.map(([key]) => part(`${key}=${canonical(key, f)}`)).join(".")}`;
}

/**
 * Which facts differ between a stored factsHash and these facts (their words, e.g. "shipping
 * address"). Null when the stored value is not a facts hash Holdfast can read (none stored, redacted,
 * another version): the caller decides what that means.
 */
export function changedFacts(stored: string | null, f: FrozenFacts): string[] | null {
  if (!stored?.startsWith(`${VERSION}:`)) return null;
  const before = stored.slice(VERSION.length + 1).split(".");
  if (before.length !== FACTS.length) return null;
  const now = factsHash(f).slice(VERSION.length + 1).split(".");
  return FACTS.filter((_, i) => before[i] !== now[i]).map(([, words]) => words);
}

/** The frozen facts as stored with the guarantee (Guarantee.frozenFacts), read back through a schema. */
const StoredAddress = z.object({
  name: z.string().nullable(), address1: z.string().nullable(), address2: z.string().nullable(), city: z.string().nullable(),
  provinceCode: z.string().nullable(), zip: z.string().nullable(), countryCode: z.string().nullable(), phone: z.string().nullable(),
});
export const StoredFrozenFacts = z.object({
  shippingAddress: StoredAddress.nullable(), billingAddress: StoredAddress.nullable(), email: z.string().nullable(),
  phone: z.string().nullable(), customerId: z.string().nullable(),
}) satisfies z.ZodType<FrozenFacts>;
