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

/** A group whose facts cannot even be read counts as absent (toward thin, never toward approval). */
function present(read: () => boolean): boolean {
  try {
    return read();
  } catch {
    return false;
  }
}

const anyText = (a: unknown) => Boolean(a && typeof a === "object" && Object.values(a).some(text));

export function coverageOf(f: RiskFacts): Coverage {
  const c = {
    account: present(() => text(f.customer?.id) || Number.isFinite(f.customer?.createdAt)),
    payment: present(() => text(f.payment?.bin) || text(f.payment?.last4) || text(f.payment?.avsResultCode) || text(f.payment?.cvvResultCode)),
    network: present(() => text(f.ip) || text(f.deviceId) || text(f.userAgent)),
    contact: present(() => text(f.email) || text(f.phone?.e164) || text(f.phone?.raw)),
    addresses: present(() => anyText(f.billing) || anyText(f.shipping)),
  };
  return { ...c, groups: Object.values(c).filter(Boolean).length };
}
