// A shop's guarantee settings as the operator sets them (`npm run shops -- ...`, scripts/shops.ts):
// the fee rate (the operator's, never the merchant's), automatic evidence submission and the
// optional cover of "product not received" on delivered orders. Each change is an audit event
// (actor "operator"). Scoped by shop; a shop Holdfast does not know is an error, not a new row.
import type { Db } from "../db-client.server";
import { isShopDomain } from "../shopify/shop-domain";
import { DEFAULT_FEE_RATE } from "./billing.server";
import { money } from "./money";

export class SettingError extends Error {
  override name = "SettingError";
}

/** A fee rate: a decimal with 0 <= rate < 1 ("0.005" is 0.5%), normalised ("0.0050" -> "0.005"). */
export function parseFeeRate(text: string): string {
  let rate;
  try {
    rate = money(text);
  } catch {
    throw new SettingError(`the fee rate is a decimal such as 0.005 (0.5%), not ${JSON.stringify(text)}`);
  }
  if (rate.gte(1)) throw new SettingError(`the fee rate must be below 1 (100%): ${text}`);
  return rate.toFixed();
}

/** Days before Shopify's evidenceDueBy to submit the saved evidence, or "off" (null: never submitted by Holdfast). */
export function parseEvidenceDays(text: string): number | null {
  if (text === "off") return null;
  if (!/^\d{1,3}$/.test(text) || Number(text) > 120) throw new SettingError(`evidence submission is a number of days (0-120) or off, not ${JSON.stringify(text)}`);
  return Number(text);
}

export function parseOnOff(text: string): boolean {
  if (text === "on") return true;
  if (text === "off") return false;
  throw new SettingError(`expected on or off, not ${JSON.stringify(text)}`);
}

async function known(db: Db, shop: string) {
  if (!isShopDomain(shop)) throw new SettingError(`not a shop domain: ${JSON.stringify(shop)} (e.g. example.myshopify.com)`);
  const row = await db.shop.findUnique({ where: { shop } });
  if (!row) throw new SettingError(`Holdfast does not know ${shop} (it is recorded when the app is installed)`);
  return row;
}

async function change(
  db: Db, shop: string, data: { feeRate?: string; evidenceSubmitDays?: number | null; coverNotReceived?: boolean; thinDataPolicy?: string }, message: string,
) {
  await known(db, shop);
  await db.$transaction([
    db.shop.update({ where: { shop }, data }),
    db.auditEvent.create({ data: { shop, kind: "settings", actor: "operator", message, data: JSON.stringify(data) } }),
  ]);
}

/** New guarantees take the new rate; those already recorded keep the rate they were approved at. */
export async function setFeeRate(db: Db, shop: string, text: string): Promise<string> {
  const feeRate = parseFeeRate(text);
  await change(db, shop, { feeRate }, `fee rate set to ${feeRate}`);
  return feeRate;
}

export async function setEvidenceSubmit(db: Db, shop: string, text: string): Promise<number | null> {
  const evidenceSubmitDays = parseEvidenceDays(text);
  await change(db, shop, { evidenceSubmitDays }, evidenceSubmitDays === null ? "evidence submission off" : `evidence submitted ${evidenceSubmitDays} days before it is due`);
  return evidenceSubmitDays;
}

export async function setCoverNotReceived(db: Db, shop: string, text: string): Promise<boolean> {
  const coverNotReceived = parseOnOff(text);
  await change(db, shop, { coverNotReceived }, `cover product_not_received on delivered orders: ${coverNotReceived ? "on" : "off"}`);
  return coverNotReceived;
}

/**
 * What happens to an order too thin to judge (fewer than two groups of facts, app/risk/coverage.ts):
 * `hold` (the default) holds it for review; `ship` ships it as scored, never with the guarantee.
 */
export async function setThinDataPolicy(db: Db, shop: string, text: string): Promise<"hold" | "ship_unguaranteed"> {
  if (text !== "hold" && text !== "ship") throw new SettingError(`thin-data policy is hold or ship, not ${JSON.stringify(text)}`);
  const thinDataPolicy = text === "ship" ? "ship_unguaranteed" : "hold";
  await change(db, shop, { thinDataPolicy }, `orders too thin to judge: ${text === "ship" ? "shipped without the guarantee" : "held for review"}`);
  return thinDataPolicy;
}

export interface ShopSummary {
  shop: string;
  installed: boolean;
  feeRate: string;
  feeRateIsDefault: boolean;
  coverNotReceived: boolean;
  evidenceSubmitDays: number | null;
  subscription: { id: string | null; status: string | null; confirmationUrl: string | null; billingCurrency: string | null; cappedAmount: string | null };
  chargingPaused: { at: string; reason: string | null } | null;
  fees: Record<string, number>;
}

export async function showShop(db: Db, shop: string): Promise<ShopSummary> {
  const row = await known(db, shop);
  const fees = await db.ledgerEntry.groupBy({ by: ["state"], where: { shop, kind: "fee" }, _count: { _all: true } });
  return {
    shop,
    installed: row.uninstalledAt === null,
    feeRate: row.feeRate ?? DEFAULT_FEE_RATE,
    feeRateIsDefault: row.feeRate === null,
    coverNotReceived: row.coverNotReceived,
    evidenceSubmitDays: row.evidenceSubmitDays,
    subscription: { id: row.subscriptionId, status: row.subscriptionStatus, confirmationUrl: row.confirmationUrl, billingCurrency: row.billingCurrency, cappedAmount: row.cappedAmount },
    chargingPaused: row.chargingPausedAt ? { at: row.chargingPausedAt.toISOString(), reason: row.chargingPausedReason } : null,
    fees: Object.fromEntries(fees.map((f) => [f.state, f._count._all])),
  };
}
