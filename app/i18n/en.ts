// The English message catalogue. Every key has a Japanese twin in ja.ts (the type enforces it and
// test/i18n/catalogue.test.ts checks it). `{name}` marks a value filled in by `translate`.
export const en = {
  // Why an order is or is not guaranteed (Guarantee.reason).
  "guarantee.active": "Guaranteed: if this order turns out to be fraud, Holdfast pays the full {amount}.",
  "guarantee.reapproved": "Still guaranteed: re-screened after {fields} changed and approved again.",
  "guarantee.held": "Not guaranteed: the order is on hold for review.",
  "guarantee.released_by_staff": "Not guaranteed: a person released Holdfast's hold, so the order ships without the guarantee.",
  "guarantee.approved_by_staff": "Not guaranteed: a person approved an order Holdfast held, so it ships without the guarantee.",
  "guarantee.test_order": "Not guaranteed: test orders are never covered.",
  "guarantee.shopify_protect": "Not guaranteed by Holdfast: Shopify Protect already covers this order.",
  "guarantee.cancelled": "Not guaranteed: the order was cancelled before it was fulfilled.",
  "guarantee.fulfilled_before_decision": "Not guaranteed: the order was fulfilled before Holdfast decided.",
  "guarantee.subscription_not_approved": "Not guaranteed: Holdfast's usage charges are not approved for this store yet. Approve them to guarantee approved orders.",
  "guarantee.thin_data": "Not guaranteed: too little was known about this order to judge it.",
  "guarantee.void_cancelled": "Guarantee void: the order was cancelled on {date}.",
  "guarantee.void_rescreen_held": "Guarantee void: {fields} changed on {date} and the re-screen held the order.",
  // Why a dispute did or did not become a claim (Dispute.coverageReason).
  "claim.opened": "Claim opened: Holdfast covers this dispute.",
  "claim.not_guaranteed": "No claim: the order was not guaranteed ({why}).",
  "claim.not_screened": "No claim: Holdfast did not screen this order.",
  "claim.reason_not_covered": "No claim: the guarantee covers fraud chargebacks (fraudulent, unrecognized), not \"{reason}\".",
  "claim.not_received_not_delivered": "No claim: \"product not received\" is covered only when the order's fulfilment shows it delivered.",
  "claim.inquiry": "No claim yet: this is an inquiry; if the bank turns it into a chargeback, Holdfast decides again.",
  "claim.reason_unknown": "No claim: Shopify sent a dispute reason Holdfast does not know (\"{raw}\").",
  "claim.no_order": "No claim: the dispute names no order.",
  "claim.waiting_for_screening": "Waiting: the order has not been screened yet; the dispute is decided once it is.",
  // Claim states.
  "claim.state.open": "Open",
  "claim.state.approved": "Approved: Holdfast owes {amount}",
  "claim.state.paid": "Paid ({reference})",
  "claim.state.closed": "Closed: the dispute was won or prevented; nothing is owed",
  // Billing.
  "billing.paused": "Holdfast's charges reached the monthly cap you approved. Orders are still guaranteed; fees are recorded as owed until the cap is raised.",
  "billing.no_rate": "Fee recorded as owed: no exchange rate from {from} to {to} is configured.",
  "billing.not_approved": "Approve Holdfast's usage charges so that approved orders are guaranteed.",
  // The hold's note in Shopify's admin (fulfillmentOrderHold reasonNotes).
  "hold.reason_notes": "Held by Holdfast (risk score {score}/1000). Releasing this hold ships the order without Holdfast's chargeback guarantee.",
  // Usage billing (app/guarantee/billing.server.ts).
  "billing.resumed": "Holdfast's charges resumed: the cap now has room, and fees recorded as owed are being charged.",
  "billing.refused": "Fee recorded as owed: Shopify refused the usage charge ({message}).",
  "billing.pending_approval": "Holdfast's usage charges are waiting for your approval.",
  // Claims and evidence (issue 13, claims).
  "claim.status_unknown": "Shopify sent a dispute status Holdfast does not know (\"{raw}\"): the claim stays open until it is known.",
  "claim.state.charge_refunded": "Approved: the disputed charge was refunded, so Holdfast owes {amount}",
  "evidence.saved": "Evidence saved to the dispute (not submitted): you can add your own before {date}.",
  "evidence.submitted": "Evidence submitted to the card network.",
  "evidence.failed": "Holdfast could not file the evidence: {error}. The claim does not depend on it.",
  "evidence.submit_scheduled": "Holdfast submits the evidence on {date} unless someone has by then.",
  // Staff pages: navigation and shared words (issue 15).
  "nav.dashboard": "Dashboard",
  "nav.orders": "Orders",
  "nav.review": "Review queue",
  "nav.claims": "Claims",
  "nav.settings": "Settings",
  "nav.failed": "Failed work",
  "common.language": "Language",
  "common.not_found": "Not found.",
  "common.previous": "Previous",
  "common.next": "Next",
  "common.none": "None",
  "common.save": "Save",
  "common.cancel": "Cancel",
  "common.retry": "Retry",
  "common.error": "Something went wrong: {message}",
  "verdict.ship": "Approved",
  "verdict.hold": "Held",
  "guarantee.badge.active": "Guaranteed",
  "guarantee.badge.void": "Guarantee void",
  "guarantee.badge.none": "Not guaranteed",
  "claim.badge.open": "Open",
  "claim.badge.approved": "Approved",
  "claim.badge.paid": "Paid",
  "claim.badge.closed": "Closed",

  // --- Order receipt, review queue and staff decisions (keys added below this line) ---

  // --- Orders list, dashboard and failed work (keys added below this line) ---

  // --- Claims and settings (keys added below this line) ---

  // --- Order block route and shared (keys added below this line) ---
  "orderBlock.orderTotal": "the order total",
  "orderBlock.changedFacts": "the order's facts",
  "orderBlock.error.invalidOrderId": "This is not an order id.",
  "orderBlock.error.invalidLocale": "This is not a language the order block knows.",
  "orderBlock.error.lookupFailed": "Shopify could not be asked about this order. Try again in a moment.",
} as const;

export type MessageKey = keyof typeof en;
