// The staff pages' actions (receipt and review queue): the form parsed with zod, then a staff
// decision requested through the pipeline (app/screening/staff-decision.server.ts) or an outcome
// recorded (app/learning/outcomes.server.ts). Returns what the page shows: a catalogue key, its
// variables and a tone. Invalid input is a 400 with a message key; an order that is not a
// screened order of the shop is a 404.
import { z } from "zod";
import type { Db } from "../db-client.server";
import type { MessageKey } from "../i18n";
import { OutcomeError, recordOutcome } from "../learning/outcomes.server";
import { NotScreenedError, requestStaffDecision, type StaffRequestResult } from "../screening/staff-decision.server";

export const MAX_BULK = 50;

const Note = z.string().trim().max(500).optional().transform((v) => (v ? v : undefined));
const Checkbox = z.enum(["on", "true", "false", ""]).optional().transform((v) => v === "on" || v === "true");
const OrderId = z.string().regex(/^\d{1,20}$/, "must be a numeric order id");

export const ReceiptForm = z.object({
  intent: z.enum(["approve", "decline", "rescreen", "outcome_fraud", "outcome_good"]),
  note: Note,
  cancel: Checkbox,
});

export const BulkForm = z.object({
  intent: z.enum(["approve", "decline"]),
  note: Note,
  orderId: z.array(OrderId).min(1).max(MAX_BULK),
});

export interface ActionMessage {
  ok: boolean;
  tone: "success" | "info" | "warning" | "critical";
  key: MessageKey;
  vars?: Record<string, string | number>;
  /** For outcome messages: the label's key, translated by the page. */
  labelKey?: MessageKey;
  /** Further sentences shown after the first (a bulk action's counts). */
  more?: { key: MessageKey; vars?: Record<string, string | number> }[];
}

/** The form's fields as zod reads them (repeated fields as arrays). */
export function formFields(form: FormData, arrays: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set(form.keys())) {
    const values = form.getAll(key).map((v) => (typeof v === "string" ? v : ""));
    out[key] = arrays.includes(key) ? values : values[0];
  }
  return out;
}

export function invalid(error: z.ZodError): { status: 400; body: ActionMessage } {
  const fields = [...new Set(error.issues.map((i) => i.path.join(".") || "form"))].join(", ");
  return { status: 400, body: { ok: false, tone: "critical", key: "staff.error.invalid", vars: { fields } } };
}

export function notFound(): Response {
  return new Response("Not found", { status: 404 });
}

function requestMessage(r: StaffRequestResult, cancel: boolean): ActionMessage {
  if (r.status === "refused") return { ok: false, tone: "warning", key: r.reason };
  if (r.status === "busy") return { ok: false, tone: "warning", key: "staff.result.busy" };
  if (r.status === "already_queued") return { ok: true, tone: "info", key: "staff.result.already_queued" };
  if (r.status === "already_done") return { ok: true, tone: "info", key: "staff.result.already_done" };
  const key: MessageKey = r.intent === "approve" ? "staff.result.queued.approve" : r.intent === "rescreen" ? "staff.result.queued.rescreen" : cancel ? "staff.result.queued.decline_cancel" : "staff.result.queued.decline";
  return { ok: true, tone: "success", key };
}

/** One order's action from the receipt. Throws a 404 Response for an order that is not the shop's. */
export async function receiptAction(db: Db, shop: string, actor: string, orderId: string, fields: Record<string, unknown>): Promise<{ status: number; body: ActionMessage }> {
  const parsed = ReceiptForm.safeParse(fields);
  if (!parsed.success) return invalid(parsed.error);
  const { intent, note, cancel } = parsed.data;
  if (intent === "outcome_fraud" || intent === "outcome_good") {
    const label = intent === "outcome_fraud" ? "fraud" : "good";
    try {
      const r = await recordOutcome(db, { shop, orderId, label, source: "staff", actor, note });
      return { status: 200, body: { ok: true, tone: "success", key: r.result === "unchanged" ? "staff.result.outcome_unchanged" : "staff.result.outcome", labelKey: `staff.label.${label}` } };
    } catch (error) {
      if (error instanceof OutcomeError) {
        const screened = await db.orderScreening.count({ where: { shop, orderId } });
        if (!screened) throw notFound();
        return { status: 400, body: { ok: false, tone: "critical", key: "staff.error.outcome" } };
      }
      throw error;
    }
  }
  try {
    const r = await requestStaffDecision(db, shop, { orderId, intent, cancel, actor, note });
    return { status: r.status === "refused" ? 400 : r.status === "busy" ? 409 : 200, body: requestMessage(r, cancel) };
  } catch (error) {
    if (error instanceof NotScreenedError) throw notFound();
    throw error;
  }
}

/** Bulk approve / decline from the review queue: each order requested on its own; orders not the shop's are skipped. */
export async function bulkAction(db: Db, shop: string, actor: string, fields: Record<string, unknown>): Promise<{ status: number; body: ActionMessage & { results?: { orderId: string; status: string }[] } }> {
  const parsed = BulkForm.safeParse(fields);
  if (!parsed.success) return invalid(parsed.error);
  const { intent, note } = parsed.data;
  const ids = [...new Set(parsed.data.orderId)];
  const results: { orderId: string; status: string }[] = [];
  for (const orderId of ids) {
    try {
      const r = await requestStaffDecision(db, shop, { orderId, intent, actor, note });
      results.push({ orderId, status: r.status });
    } catch (error) {
      if (!(error instanceof NotScreenedError)) throw error;
      results.push({ orderId, status: "not_found" });
    }
  }
  // What was done, in sentences that read right for one order and for many (a count after a colon):
  // newly requested; already requested or already decided this way; not requested (other work
  // pending, refused, or not an order of the shop).
  const requested = results.filter((r) => r.status === "queued").length;
  const already = results.filter((r) => r.status === "already_queued" || r.status === "already_done").length;
  const skipped = ids.length - requested - already;
  const more: NonNullable<ActionMessage["more"]> = [];
  if (already > 0) more.push({ key: "staff.result.bulk.already", vars: { count: already } });
  if (skipped > 0) more.push({ key: "staff.result.bulk.skipped", vars: { count: skipped } });
  const key: MessageKey = requested === 0 ? "staff.result.bulk.none" : intent === "approve" ? "staff.result.bulk.approve" : "staff.result.bulk.decline";
  return {
    status: 200,
    body: {
      ok: requested + already > 0, tone: skipped === 0 ? "success" : "warning", key, vars: { count: requested }, more, results,
    },
  };
}

/** The audit actor for a request (one rule for every staff route). */
export { staffActor } from "./route-helpers.server";
