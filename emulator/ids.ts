/** Numeric IDs for emulated resources: realistic magnitudes, always below 2^53 so JSON.parse keeps them exact. */
const START = 5_000_000_000_000; // 13 digits, like recent Shopify IDs, far below 2^53 (≈ 9.007e15)

export class IdAllocator {
  private next = START;
  constructor(start: number = START) {
    this.next = start;
  }
  take(): number {
    const id = this.next;
    this.next += 1 + (id % 7); // irregular gaps, like real IDs
    if (!Number.isSafeInteger(this.next)) throw new Error("id space exhausted");
    return id;
  }
  /** Keep future IDs above an ID that came from outside (corpus files). */
  reserve(id: number): void {
    if (id >= this.next) this.next = id + 1;
  }
}

export type GidType =
  | "Order"
  | "Customer"
  | "OrderTransaction"
  | "FulfillmentOrder"
  | "Fulfillment"
  | "FulfillmentHold"
  | "ShopifyPaymentsDispute"
  | "ShopifyPaymentsDisputeEvidence"
  | "AppInstallation"
  | "App"
  | "AppSubscription"
  | "AppSubscriptionLineItem"
  | "AppUsageRecord"
  | "Job"
  | "LineItem"
  | "MailingAddress"
  | "Shop";

export const gid = (type: GidType, id: number | string): string => `gid://shopify/${type}/${id}`;

/** Parse `gid://shopify/<Type>/<id>`; returns null for anything else. */
export function parseGid(value: string): { type: string; id: number } | null {
  const match = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(?:\?.*)?$/.exec(value);
  if (!match) return null;
  const id = Number(match[2]);
  if (!Number.isSafeInteger(id)) return null;
  return { type: match[1] ?? "", id };
}
