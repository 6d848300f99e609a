// The guarantee policy: whether a screened order is covered, and why not. Pure (no I/O), so the
// screening job, a re-screen and, later, the extended review and the staff pages all ask one place.
//
//   approved (verdict ship)        -> active, unless it is a test order or was cancelled;
//   re-screen after an address change of an approved order:
//                                     approved again -> active ("re-approved"), held -> void;
//   held                           -> none (not covered while held).
export type GuaranteeState = "active" | "none" | "void";

export interface GuaranteeInput {
  verdict: "ship" | "hold";
  /** A test order (the webhook's or the Admin API's flag). */
  test: boolean;
  /** The order was cancelled when it was screened. */
  cancelled: boolean;
  /** Why this screening ran. */
  reason: "orders/create" | "reconcile" | "address_changed" | "staff";
  /** The guarantee before this screening (undefined on the first). */
  previous: string | undefined;
}

export interface GuaranteeDecision {
  guarantee: GuaranteeState;
  note: string | null;
}

export function guaranteeFor(input: GuaranteeInput): GuaranteeDecision {
  if (input.verdict === "ship") {
    if (input.test) return { guarantee: "none", note: "test order: not guaranteed" };
    if (input.cancelled) return { guarantee: "none", note: "order cancelled: not guaranteed" };
    return { guarantee: "active", note: input.reason === "address_changed" ? "re-approved after the shipping address changed" : null };
  }
  if (input.reason === "address_changed" && input.previous === "active") {
    return { guarantee: "void", note: "shipping address changed after approval and the re-screen held the order" };
  }
  return { guarantee: "none", note: null };
}
