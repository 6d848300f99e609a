// Which groups of facts an order came with (issue 14, "fail safe on missing data"): account,
// payment, network, contact, addresses. An order with fewer than MIN_COVERAGE_GROUPS is too thin to
// judge and is never silently approved and guaranteed (the shop's policy holds it, by default, or
// ships it without the guarantee). Pure.
import type { RiskFacts } from "./types";

export interface Coverage {
  /** Customer id or account age. */
  account: boolean;
  /** Card (BIN or last 4) or AVS/CVV results. */
  payment: boolean;
  /** IP address or device. */
  network: boolean;
  /** Email or phone. */
  contact: boolean;
  /** Billing or shipping address. */
  addresses: boolean;
  /** How many of the five groups were present. */
  groups: number;
}

export const MIN_COVERAGE_GROUPS = 2;

const text = (v: unknown) => typeof v === "string" && v.trim() !== "";

const hasAddress = (a: RiskFacts["billing"]) => Boolean(a) && (text(a!.address1) || text(a!.city) || text(a!.zip) || text(a!.countryCode));

/** A group whose facts cannot even be read counts as absent (toward thin, never toward approval). */
function present(f: RiskFacts, group: Exclude<keyof Coverage, "groups">): boolean {
  try {
    switch (group) {
      case "account": return text(f.customer?.id) || Number.isFinite(f.customer?.createdAt);
      case "payment": return text(f.payment?.bin) || text(f.payment?.last4) || text(f.payment?.avsResultCode) || text(f.payment?.cvvResultCode);
      case "network": return text(f.ip) || text(f.deviceId) || text(f.userAgent);
      case "contact": return text(f.email) || text(f.phone?.e164) || text(f.phone?.raw);
      case "addresses": return hasAddress(f.billing) || hasAddress(f.shipping);
    }
  } catch {
    return false;
  }
}

export function coverageOf(f: RiskFacts): Coverage {
  const account = present(f, "account");
  const payment = present(f, "payment");
  const network = present(f, "network");
  const contact = present(f, "contact");
  const addresses = present(f, "addresses");
  return { account, payment, network, contact, addresses, groups: +account + +payment + +network + +contact + +addresses };
}
