// Values the staff pages share between server and browser code (no I/O).
export const CLAIM_STATES = ["open", "approved", "paid", "closed"] as const;
export const LIST_KINDS = ["email", "phone", "ip", "device", "card", "address", "customer"] as const;
export type ListKindName = (typeof LIST_KINDS)[number];
