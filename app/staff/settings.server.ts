// The settings page's queries and commands (app/routes/app.settings.tsx): the shop's settings, what
// a hold threshold implies on its own recent orders (threshold-impact.ts, pure), the validated save
// of every setting, and the block and allow lists. Each change is audited with who made it and
// old -> new (AuditEvent settings_changed / list_changed). Scoped by shop throughout.
// Validation messages are catalogue keys (app/i18n, "settings.error.*"): the page translates them.
import { isIP } from "node:net";
import { parsePhoneNumberFromString } from "libphonenumber-js";
import { z } from "zod";
import { isUniqueViolation, type Db } from "../db-client.server";
import { addressKey } from "../risk/address";
import { normaliseEmail } from "../risk/email";
import { DEFAULT_MODEL } from "../risk/ruleset";
import { DEFAULT_AUTO_CANCEL_SCORE, DEFAULT_FEE_RATE } from "../screening/screen-order.server";
import { HOLD_TAG, SHIP_TAG } from "../screening/store-actions.server";
import { LIST_KINDS, type ListKindName } from "./constants";
import { thresholdImpact, type ImpactRow, type ThresholdImpact } from "./threshold-impact";

export { LIST_KINDS, type ListKindName } from "./constants";

export { thresholdImpact, verdictAt, type ImpactRow, type ThresholdImpact } from "./threshold-impact";

/** The recent orders the threshold's impact is computed on: the last 90 days, at most the newest 5,000. */
export const IMPACT_DAYS = 90;
export const IMPACT_MAX_ORDERS = 5_000;
export const MAX_LIST_ENTRIES = 5_000;
export const MAX_TAG_CHARS = 40;
export const DEFAULT_THRESHOLD = DEFAULT_MODEL.threshold;

export class NotFound extends Error {
  override name = "NotFound";
}

/** The shop's stored decisions of the last IMPACT_DAYS (test orders left out), newest first, capped. */
export async function impactRows(db: Db, shop: string, now: number = Date.now()): Promise<{ rows: ImpactRow[]; capped: boolean }> {
  const rows = await db.orderScreening.findMany({
    where: { shop, test: false, orderCreatedAt: { gte: new Date(now - IMPACT_DAYS * 86_400_000) } },
    orderBy: [{ orderCreatedAt: "desc" }, { id: "desc" }],
    take: IMPACT_MAX_ORDERS + 1,
    select: { score: true, probability: true, totalPrice: true, currency: true, decidedBy: true, verdict: true },
  });
  const capped = rows.length > IMPACT_MAX_ORDERS;
  return {
    rows: rows.slice(0, IMPACT_MAX_ORDERS).map((r) => ({ score: r.score, probability: r.probability, total: r.totalPrice, currency: r.currency, decidedBy: r.decidedBy, verdict: r.verdict })),
    capped,
  };
}

export async function impactAt(db: Db, shop: string, threshold: number, now?: number): Promise<ThresholdImpact & { capped: boolean; days: number }> {
  const { rows, capped } = await impactRows(db, shop, now);
  return { ...thresholdImpact(rows, threshold), capped, days: IMPACT_DAYS };
}

/** A candidate threshold from the page (?threshold=): an integer 1-1000, or null for "the saved one". */
export const ThresholdParam = z.coerce.number().int().min(1).max(1000);

export interface SettingsView {
  holdThreshold: number;
  thresholdIsDefault: boolean;
  defaultThreshold: number;
  thinDataPolicy: "hold" | "ship_unguaranteed";
  shipTag: string;
  holdTag: string;
  autoCancel: boolean;
  autoCancelScore: number;
  feeRate: string;
  feeRateIsDefault: boolean;
  extendedReview: boolean;
  coverNotReceived: boolean;
  evidenceSubmitDays: number | null;
}

async function shopRow(db: Db, shop: string) {
  const row = await db.shop.findUnique({ where: { shop } });
  if (!row) throw new NotFound(`shop ${shop} is not installed`);
  return row;
}

export async function loadSettings(db: Db, shop: string): Promise<SettingsView> {
  const row = await shopRow(db, shop);
  return {
    holdThreshold: row.holdThreshold ?? DEFAULT_THRESHOLD,
    thresholdIsDefault: row.holdThreshold === null,
    defaultThreshold: DEFAULT_THRESHOLD,
    thinDataPolicy: row.thinDataPolicy === "ship_unguaranteed" ? "ship_unguaranteed" : "hold",
    shipTag: row.shipTag ?? SHIP_TAG,
    holdTag: row.holdTag ?? HOLD_TAG,
    autoCancel: row.autoCancel,
    autoCancelScore: row.autoCancelScore ?? DEFAULT_AUTO_CANCEL_SCORE,
    feeRate: row.feeRate ?? DEFAULT_FEE_RATE,
    feeRateIsDefault: row.feeRate === null,
    extendedReview: row.extendedReview,
    coverNotReceived: row.coverNotReceived,
    evidenceSubmitDays: row.evidenceSubmitDays,
  };
}

const onOff = z.enum(["true", "false"], { message: "settings.error.on_off" }).transform((v) => v === "true");
const integer = (min: number, max: number, message: string) =>
  z.string({ message }).trim().regex(/^\d{1,7}$/, { message }).transform(Number).refine((n) => n >= min && n <= max, { message });
const tagName = z
  .string({ message: "settings.error.tag_length" })
  .trim()
  .min(1, { message: "settings.error.tag_length" })
  .max(MAX_TAG_CHARS, { message: "settings.error.tag_length" })
  .refine((t) => !t.includes(","), { message: "settings.error.tag_comma" })
  // Control characters never belong in a tag.
  .refine((t) => !/\p{Cc}/u.test(t), { message: "settings.error.tag_chars" });

/** The settings form (every field required; message = catalogue key). Fee rate is the operator's: not here. */
export const SettingsForm = z
  .object({
    holdThreshold: integer(1, 1000, "settings.error.threshold"),
    thinDataPolicy: z.enum(["hold", "ship_unguaranteed"], { message: "settings.error.thin_data" }),
    shipTag: tagName,
    holdTag: tagName,
    autoCancel: onOff,
    autoCancelScore: integer(0, 1000, "settings.error.auto_cancel_score"),
    extendedReview: onOff,
    coverNotReceived: onOff,
    evidenceSubmitDays: z.union([z.literal("off"), integer(0, 120, "settings.error.evidence_days")], { message: "settings.error.evidence_days" })
      .transform((v) => (v === "off" ? null : v)),
  })
  .superRefine((v, ctx) => {
    const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
    if (same(v.shipTag, v.holdTag)) {
      ctx.addIssue({ code: "custom", path: ["holdTag"], message: "settings.error.tags_same" });
      return;
    }
    // The store actions remove the other verdict's tag under its default name too: a tag named like
    // the other verdict's default would be added and removed by turns.
    if (same(v.shipTag, HOLD_TAG)) ctx.addIssue({ code: "custom", path: ["shipTag"], message: "settings.error.ship_tag_is_hold" });
    if (same(v.holdTag, SHIP_TAG)) ctx.addIssue({ code: "custom", path: ["holdTag"], message: "settings.error.hold_tag_is_ship" });
  });
export type SettingsInput = z.infer<typeof SettingsForm>;

export type FieldErrors = Record<string, string>;

/** The first message (a catalogue key) per field of a failed parse. */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "form");
    out[field] ??= issue.message.startsWith("settings.") ? issue.message : "settings.error.invalid";
  }
  return out;
}

const show = (v: unknown) => (v === null || v === undefined ? "default" : String(v));

/** Save the settings; audited (settings_changed, old -> new per field) when anything changed. Returns the changed fields. */
export async function saveSettings(db: Db, shop: string, actor: string, input: SettingsInput): Promise<string[]> {
  const row = await shopRow(db, shop);
  // A tag or threshold equal to the default is stored as "the default" (null), so a later change of the default applies.
  const next = {
    holdThreshold: input.holdThreshold === DEFAULT_THRESHOLD && row.holdThreshold === null ? null : input.holdThreshold,
    thinDataPolicy: input.thinDataPolicy,
    shipTag: input.shipTag === SHIP_TAG ? null : input.shipTag,
    holdTag: input.holdTag === HOLD_TAG ? null : input.holdTag,
    autoCancel: input.autoCancel,
    autoCancelScore: input.autoCancelScore,
    extendedReview: input.extendedReview,
    coverNotReceived: input.coverNotReceived,
    evidenceSubmitDays: input.evidenceSubmitDays,
  };
  const before: Record<keyof typeof next, unknown> = {
    holdThreshold: row.holdThreshold, thinDataPolicy: row.thinDataPolicy ?? "hold", shipTag: row.shipTag, holdTag: row.holdTag, autoCancel: row.autoCancel,
    autoCancelScore: row.autoCancelScore, extendedReview: row.extendedReview, coverNotReceived: row.coverNotReceived, evidenceSubmitDays: row.evidenceSubmitDays,
  };
  const changed = (Object.keys(next) as (keyof typeof next)[]).filter((k) => before[k] !== next[k]);
  if (changed.length === 0) return [];
  const data = Object.fromEntries(changed.map((k) => [k, next[k]]));
  const message = `Settings changed: ${changed.map((k) => `${k} ${show(before[k])} → ${show(next[k])}`).join("; ")}`;
  await db.$transaction([
    db.shop.update({ where: { shop }, data }),
    db.auditEvent.create({ data: { shop, kind: "settings_changed", actor, message: message.slice(0, 2000), data: JSON.stringify({ before: Object.fromEntries(changed.map((k) => [k, before[k]])), after: data }) } }),
  ]);
  return changed;
}

// --- Block and allow lists -------------------------------------------------------------------


export type Normalised = { ok: true; value: string } | { ok: false; error: string };

/**
 * What staff typed, as the engine compares it (app/risk/engine.ts matchList: the entry's value,
 * trimmed and lower-cased, equals the order's identity key from app/risk/history.ts identityKeys):
 *   email    a valid address, lower-cased (normaliseEmail);
 *   phone    an international number (+81 90 ...), valid by libphonenumber-js, stored E.164;
 *   ip       IPv4 or IPv6 (node:net isIP); IPv6 in its compressed, lower-case form;
 *   card     BIN (first 6-8 digits) and last 4 digits, stored "BIN:last4" as the engine builds it;
 *   device   the device id Holdfast's storefront script sets (_holdfast_device), 1-200 characters;
 *   customer Shopify's customer id (digits, or a gid://shopify/Customer/... id);
 *   address  country, city and address lines, stored as the engine's address key (addressKey).
 */
export function normaliseListValue(kind: ListKindName, raw: string, address?: { country?: string; city?: string; address1?: string; address2?: string }): Normalised {
  const text = (raw ?? "").trim();
  switch (kind) {
    case "email": {
      const ok = z.string().email().safeParse(text);
      const value = ok.success ? normaliseEmail(text) : undefined;
      return value ? { ok: true, value } : { ok: false, error: "settings.list.error.email" };
    }
    case "phone": {
      const p = text.startsWith("+") ? parsePhoneNumberFromString(text.slice(0, 64)) : undefined;
      return p && p.isValid() ? { ok: true, value: p.number } : { ok: false, error: "settings.list.error.phone" };
    }
    case "ip": {
      const version = isIP(text);
      if (version === 4) return { ok: true, value: text };
      if (version === 6) {
        try {
          return { ok: true, value: new URL(`http://[${text}]/`).hostname.slice(1, -1).toLowerCase() };
        } catch {
          return { ok: false, error: "settings.list.error.ip" };
        }
      }
      return { ok: false, error: "settings.list.error.ip" };
    }
    case "card": {
      const m = /^(\d{6,8})[\s:*xX•.-]+(\d{4})$/u.exec(text);
      return m ? { ok: true, value: `${m[1]}:${m[2]}` } : { ok: false, error: "settings.list.error.card" };
    }
    case "device":
      return text.length >= 1 && text.length <= 200 && !/\p{Cc}/u.test(text) ? { ok: true, value: text.toLowerCase() } : { ok: false, error: "settings.list.error.device" };
    case "customer": {
      const m = /^(?:gid:\/\/shopify\/Customer\/)?(\d{1,20})$/u.exec(text);
      return m ? { ok: true, value: m[1]! } : { ok: false, error: "settings.list.error.customer" };
    }
    case "address": {
      const country = (address?.country ?? "").trim().toUpperCase();
      if (!/^[A-Z]{2}$/.test(country)) return { ok: false, error: "settings.list.error.address_country" };
      const line1 = (address?.address1 ?? "").trim();
      if (!line1) return { ok: false, error: "settings.list.error.address_line" };
      const key = addressKey({ countryCode: country, city: address?.city?.trim() || undefined, address1: line1, address2: address?.address2?.trim() || undefined });
      return key && key.length <= 500 ? { ok: true, value: key.toLowerCase() } : { ok: false, error: "settings.list.error.address_line" };
    }
  }
}

export const ListEntryForm = z.object({
  list: z.enum(["allow", "block"], { message: "settings.list.error.list" }),
  kind: z.enum(LIST_KINDS, { message: "settings.list.error.kind" }),
  value: z.string().max(500, { message: "settings.list.error.too_long" }).default(""),
  note: z.string().trim().max(200, { message: "settings.list.error.note" }).default(""),
  country: z.string().max(10).default(""),
  city: z.string().max(200).default(""),
  address1: z.string().max(300).default(""),
  address2: z.string().max(300).default(""),
});

export type ListResult = { ok: true; id: string; value: string } | { ok: false; errors: FieldErrors };

/** Add an entry (normalised as the engine compares it). Refused: invalid, already on a list, the shop's limit reached. */
export async function addListEntry(db: Db, shop: string, actor: string, form: Record<string, string>): Promise<ListResult> {
  const parsed = ListEntryForm.safeParse(form);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  const f = parsed.data;
  const n = normaliseListValue(f.kind, f.value, { country: f.country, city: f.city, address1: f.address1, address2: f.address2 });
  if (!n.ok) return { ok: false, errors: { [f.kind === "address" ? (n.error.endsWith("country") ? "country" : "address1") : "value"]: n.error } };
  await shopRow(db, shop);
  const existing = await db.listEntry.findFirst({ where: { shop, kind: f.kind, value: n.value }, select: { list: true } });
  if (existing) return { ok: false, errors: { value: existing.list === f.list ? "settings.list.error.duplicate" : "settings.list.error.on_other_list" } };
  if ((await db.listEntry.count({ where: { shop } })) >= MAX_LIST_ENTRIES) return { ok: false, errors: { value: "settings.list.error.limit" } };
  try {
    const [row] = await db.$transaction([
      db.listEntry.create({ data: { shop, list: f.list, kind: f.kind, value: n.value, note: f.note || null } }),
      db.auditEvent.create({ data: { shop, kind: "list_changed", actor, message: `${f.list} list: ${f.kind} ${masked(f.kind, n.value)} added`.slice(0, 1000) } }),
    ]);
    return { ok: true, id: row.id, value: n.value };
  } catch (error) {
    // Two adds of one value at once: the unique index refuses the second.
    if (isUniqueViolation(error)) return { ok: false, errors: { value: "settings.list.error.duplicate" } };
    throw error;
  }
}

/** Remove one of this shop's entries (another shop's id is not found). */
export async function removeListEntry(db: Db, shop: string, actor: string, id: string): Promise<boolean> {
  if (!/^[a-z0-9]{8,40}$/i.test(id)) return false;
  const row = await db.listEntry.findFirst({ where: { id, shop } });
  if (!row) return false;
  await db.$transaction([
    db.listEntry.deleteMany({ where: { id, shop } }),
    db.auditEvent.create({ data: { shop, kind: "list_changed", actor, message: `${row.list} list: ${row.kind} ${masked(row.kind, row.value)} removed (entry ${row.id})`.slice(0, 1000) } }),
  ]);
  return true;
}

/**
 * A list value as the audit log names it: enough for staff to recognise it, not the personal data
 * itself (customers/redact removes the entry, not the audit log): "b…@example.com", "…5678".
 */
export function masked(kind: string, value: string): string {
  if (kind === "email") {
    const at = value.lastIndexOf("@");
    return at > 0 ? `${value.slice(0, 1)}…${value.slice(at)}` : "…";
  }
  if (kind === "phone" || kind === "card" || kind === "customer") return `…${value.slice(-4)}`;
  if (kind === "address") return `${value.split("|")[0] ?? ""}|…`;
  return `${value.slice(0, 4)}…`;
}

export const LIST_PAGE = 500;

export async function listEntries(db: Db, shop: string) {
  const [rows, total] = await Promise.all([
    db.listEntry.findMany({ where: { shop }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: LIST_PAGE }),
    db.listEntry.count({ where: { shop } }),
  ]);
  return { entries: rows.map((r) => ({ id: r.id, list: r.list, kind: r.kind, value: r.value, note: r.note, createdAt: r.createdAt.toISOString() })), total, max: MAX_LIST_ENTRIES };
}
