// A shop's learnt adjustment (docs/risk-engine.md, "Learning from each shop's outcomes"): the
// refit_shop_model job fits it from the shop's labelled orders, with the features each decision
// stored (OrderScreening.outcomes), and writes it as a new version (ShopModelAdjustment: 1, 2, 3 ...,
// never updated in place) with an audit event. Screening reads the newest version fitted for the
// model it runs (one indexed read per decision, no cache: every process sees a new version at once).
import { z } from "zod";
import { isUniqueViolation, type Db } from "../db-client.server";
import { DEFAULT_MODEL, MAX_FIT_ROWS, fitShopAdjustment, type LabelledExample, type Model, type ShopAdjustment } from "../risk";
import { enqueue } from "../jobs/queue.server";
import { labelledOrders } from "./outcomes.server";
import { refitJob } from "./refit-job";

/** A decision's stored rows, as far as the fit needs them (anything else in a row is ignored). */
const StoredOutcomes = z.array(z.object({ id: z.string(), feature: z.number().finite() }).passthrough());
const Offsets = z.record(z.string(), z.number().finite());
const CHUNK = 500;

export interface RefitResult {
  /** The version written; null when the shop has no usable labels yet. */
  version: number | null;
  labels: number;
  fraudLabels: number;
  goodLabels: number;
  /** Labelled orders whose stored features could not be read (or were test orders): skipped, counted. */
  skipped: number;
  intercept?: number;
  offsets?: Record<string, number>;
}

/** Fit the shop's adjustment from its newest MAX_FIT_ROWS labelled orders and store it as the next version. */
export async function refitShopModel(db: Db, shop: string, now: Date, model: Model = DEFAULT_MODEL): Promise<RefitResult> {
  const labelled = await labelledOrders(db, shop, MAX_FIT_ROWS);
  const examples: LabelledExample[] = [];
  let skipped = 0;
  for (let i = 0; i < labelled.length; i += CHUNK) {
    const part = labelled.slice(i, i + CHUNK);
    const rows = await db.orderScreening.findMany({ where: { shop, orderId: { in: part.map((l) => l.orderId) } }, select: { orderId: true, outcomes: true, test: true } });
    const byId = new Map(rows.map((r) => [r.orderId, r]));
    for (const l of part) {
      const row = byId.get(l.orderId);
      const features = row && !row.test ? featuresOf(row.outcomes) : undefined;
      if (!features) {
        skipped++;
        continue;
      }
      examples.push({ features, fraud: l.label === "fraud" });
    }
  }
  const fraudLabels = examples.filter((e) => e.fraud).length;
  const counts = { labels: examples.length, fraudLabels, goodLabels: examples.length - fraudLabels, skipped };
  if (examples.length === 0) return { version: null, ...counts };
  // The examples newest first; the fit does not depend on their order beyond rounding, but keep it stable: oldest first.
  examples.reverse();
  for (let attempt = 1; ; attempt++) {
    const latest = await db.shopModelAdjustment.findFirst({ where: { shop }, orderBy: { version: "desc" }, select: { version: true } });
    const version = (latest?.version ?? 0) + 1;
    const adj = fitShopAdjustment(model, examples, { version });
    const offsets = JSON.stringify(adj.offsets);
    try {
      await db.$transaction([
        db.shopModelAdjustment.create({ data: { shop, version, intercept: adj.intercept, offsets, ...counts, modelVersion: model.version, fittedAt: now } }),
        db.auditEvent.create({
          data: {
            shop, kind: "model_refit",
            message: `Learnt adjustment v${version} from ${counts.labels} labelled orders (${fraudLabels} fraud, ${counts.goodLabels} good${skipped ? `, ${skipped} skipped` : ""}): intercept ${adj.intercept}, ${Object.keys(adj.offsets).length} signal offsets`.slice(0, 1000),
            data: JSON.stringify({ version, intercept: adj.intercept, offsets: adj.offsets, ...counts, modelVersion: model.version }),
          },
        }),
      ]);
      return { version, ...counts, intercept: adj.intercept, offsets: adj.offsets };
    } catch (error) {
      // Another refit of the shop wrote this version first: fit again as the next one.
      if (!isUniqueViolation(error) || attempt >= 3) throw error;
    }
  }
}

/** Each signal's feature from a stored decision's rows; undefined when they do not parse. */
function featuresOf(json: string): Record<string, number> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  const parsed = StoredOutcomes.safeParse(value);
  if (!parsed.success) return undefined;
  const features: Record<string, number> = {};
  for (const o of parsed.data) features[o.id] = o.feature;
  return features;
}

/**
 * The shop's newest adjustment fitted for this model (an adjustment of another model version is
 * not applied: its offsets were relative to other weights). One indexed read. A stored row that does
 * not parse is not applied (the global model decides alone, as for a shop without labels).
 */
export async function loadShopAdjustment(db: Db, shop: string, model: Model = DEFAULT_MODEL): Promise<ShopAdjustment | undefined> {
  const row = await db.shopModelAdjustment.findFirst({ where: { shop }, orderBy: { version: "desc" } });
  if (!row || row.modelVersion !== model.version || !Number.isFinite(row.intercept)) return undefined;
  let offsets: unknown;
  try {
    offsets = JSON.parse(row.offsets);
  } catch {
    return undefined;
  }
  const parsed = Offsets.safeParse(offsets);
  if (!parsed.success) return undefined;
  return { version: row.version, intercept: row.intercept, offsets: parsed.data, labels: row.labels };
}

/**
 * Reconciliation's check: enqueue the shop's refit (deduplicated per slot) when its newest outcome is
 * newer than its newest version, e.g. outcomes recorded after the slot's refit had run. Two indexed
 * reads. Returns whether a refit was asked for.
 */
export async function refitIfStale(db: Db, shop: string, now: number): Promise<boolean> {
  const [outcome, version] = await Promise.all([
    db.riskOutcome.findFirst({ where: { shop }, orderBy: { at: "desc" }, select: { at: true } }),
    db.shopModelAdjustment.findFirst({ where: { shop }, orderBy: { version: "desc" }, select: { fittedAt: true } }),
  ]);
  if (!outcome || (version && version.fittedAt >= outcome.at)) return false;
  await enqueue(db, refitJob(shop, now));
  return true;
}
