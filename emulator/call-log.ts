/** Every request the emulator answered, for assertions such as "exactly one tagsAdd". */
export type CallOutcome = "ok" | "invalid" | "throttled" | "max_cost_exceeded" | "unauthorized" | "unavailable" | "fault" | "error";

export interface CallRecord {
  seq: number;
  at: number;
  shop: string;
  kind: "graphql" | "oauth" | "other";
  /** GraphQL: operation name as sent (or null for anonymous). OAuth: the grant type. */
  operationName: string | null;
  operationType: "query" | "mutation" | "subscription" | null;
  /** Root fields selected, e.g. ["tagsAdd"]. */
  rootFields: string[];
  variables: Record<string, unknown>;
  query: string;
  outcome: CallOutcome;
  requestedCost: number | null;
  /** Points the bucket was charged (after the refund of unused requested cost); null when nothing ran. */
  actualCost?: number | null;
}

export class CallLog {
  private readonly records: CallRecord[] = [];
  private seq = 0;

  add(record: Omit<CallRecord, "seq">): CallRecord {
    const full = { ...record, seq: ++this.seq };
    this.records.push(full);
    return full;
  }

  all(filter: Partial<Pick<CallRecord, "shop" | "kind" | "outcome">> = {}): CallRecord[] {
    return this.records.filter((r) =>
      (Object.keys(filter) as (keyof typeof filter)[]).every((k) => filter[k] === undefined || r[k] === filter[k]),
    );
  }

  /** Successfully executed GraphQL calls selecting root field `field` (e.g. "tagsAdd"), optionally for one shop. */
  calls(field: string, shop?: string): CallRecord[] {
    return this.records.filter((r) => r.kind === "graphql" && r.outcome === "ok" && r.rootFields.includes(field) && (!shop || r.shop === shop));
  }

  count(field: string, shop?: string): number {
    return this.calls(field, shop).length;
  }

  byOperationName(name: string): CallRecord[] {
    return this.records.filter((r) => r.operationName === name);
  }

  clear(): void {
    this.records.length = 0;
  }
}
