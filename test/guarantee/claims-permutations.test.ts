// The claims' promise under Shopify's delivery semantics (issue 13, acceptance), property-tested on
// both databases through the real webhook intake, job queue, worker (4 jobs at once) and Admin
// gateway against the emulator. One dispute goes through its states in order in the emulator
// (Shopify's truth only moves forward): disputes/create, then updates through needs_response ->
// under_review (sometimes with an amount change) -> lost or won, or an inquiry that becomes a
// chargeback first. Its deliveries arrive in any order after their change (an update before its
// create), any number of times, or never (but the last at least once), while reconciliation runs
// race them and the worker runs jobs as they come. Whatever the schedule, the end state equals the
// clean sequence's: the Dispute row's coverage, type, status and amount; the claim's state and
// amount; the claim's transitions (null -> open -> approved | closed, each once); the ledger.
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDb } from "../support/db";
import { startPipeline, type Pipeline } from "../support/pipeline";
import { OrderFactory, ShopifyEmulator, type WebhookDelivery } from "../../emulator/index";
import { TEST_API_KEY, TEST_API_SECRET } from "../../scripts/lib/app-process";
import type { Dispute } from "../../emulator/types";
import { reconcileShop } from "../../app/screening/reconcile.server";

type Step = (d: Dispute, p: Pipeline) => void;

interface Variant {
  inquiryFirst: boolean;
  amountChange: boolean;
  outcome: "LOST" | "WON";
}

/** The dispute's changes after it is opened, in Shopify's order. */
function stepsOf(v: Variant): Step[] {
  const steps: Step[] = [];
  if (v.inquiryFirst) steps.push((d, p) => p.store.turnIntoChargeback(d.id));
  steps.push((d, p) => p.store.updateDispute(d.id, { status: "UNDER_REVIEW", ...(v.amountChange ? { amount: "80.00" } : {}) }));
  steps.push((d, p) => p.store.updateDispute(d.id, { status: v.outcome }));
  return steps;
}

/** The clean sequence's end state. */
function expected(v: Variant) {
  const amount = v.amountChange ? "80" : "100";
  const approved = v.outcome === "LOST";
  return {
    dispute: { coverage: "claim", type: "chargeback", status: v.outcome.toLowerCase(), amount, reason: "fraudulent" },
    claim: { state: approved ? "approved" : "closed", amount },
    transitions: [[null, "open"], ["open", approved ? "approved" : "closed"]],
    ledger: approved ? [["claim_approved", "owed", amount]] : [],
  };
}

type Action = { at: number; kind: "deliver"; index: number } | { at: number; kind: "reconcile" } | { at: number; kind: "settle" };

const scenario = fc
  .record({ inquiryFirst: fc.boolean(), amountChange: fc.boolean(), outcome: fc.constantFrom("LOST" as const, "WON" as const) })
  .chain((v) => {
    const states = stepsOf(v).length + 1; // the create, then each step
    const copies = fc.tuple(...Array.from({ length: states }, (_, i) => fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: i === states - 1 ? 1 : 0, maxLength: 3 })));
    const others = fc.array(fc.record({ at: fc.double({ min: 0, max: states, noNaN: true }), kind: fc.constantFrom("reconcile" as const, "settle" as const) }), { maxLength: 4 });
    return fc.record({ variant: fc.constant(v), copies, others });
  });

describeEachDb("claims are order-independent", (get) => {
  const shop = "claims-permutations.myshopify.com";
  const factory = new OrderFactory({ seed: 29 });
  let p: Pipeline;
  beforeAll(async () => {
    // Answers reach Holdfast a little after Shopify computed them (0-150 ms): a job's read can be
    // older than the dispute by the time it writes, as on a real network.
    const emulator = new ShopifyEmulator({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, fulfillmentOrderDelayMs: 0 });
    const late: typeof fetch = async (input, init) => {
      const answer = await emulator.fetch(input, init);
      await new Promise((r) => setTimeout(r, Math.random() * Number(process.env.CLAIM_LATE_MS ?? 150)));
      return answer;
    };
    p = await startPipeline(get().db, shop, { emulatorInstance: emulator, gateway: { fetch: late } });
  });
  afterAll(async () => {
    await p?.stop();
  });

  /** Until no job of the shop is queued or running (deferred ones included). */
  const settle = async (timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    while ((await get().db.job.count({ where: { shop, state: { in: ["queued", "running"] } } })) > 0) {
      if (Date.now() > deadline) {
        const busy = await get().db.job.findMany({ where: { shop, state: { in: ["queued", "running"] } }, select: { kind: true, dedupeKey: true, state: true, runAt: true, attempts: true, lastError: true } });
        const locks = await get().db.lock.findMany({ where: { name: { startsWith: `dispute:${shop}:` } } });
        const holders = await get().db.job.findMany({ where: { id: { in: locks.map((l) => l.owner) } }, select: { id: true, state: true, dedupeKey: true, lastError: true, attempts: true } });
        throw new Error(`jobs still busy: ${JSON.stringify(busy)}; locks ${JSON.stringify(locks)}; holders ${JSON.stringify(holders)}; now ${new Date().toISOString()}`);
      }
      await new Promise((r) => setTimeout(r, 15));
    }
  };

  it("duplicated, reordered and lost deliveries racing reconciliation end as the clean sequence", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ variant, copies, others }) => {
        const db = get().db;
        const o = p.store.addOrder(factory.legit().draft);
        const orderId = String(o.id);
        await db.orderScreening.create({
          data: {
            shop, orderId, status: "acted", verdict: "ship", score: 100, threshold: 600, riskLevel: "LOW", decidedBy: "model", rulesetVersion: "r",
            modelVersion: "m", reasons: JSON.stringify({ en: ["ok"] }), outcomes: "[]", riskFacts: "[]", facts: "{}", orderCreatedAt: new Date(o.createdAt),
          },
        });
        await db.guarantee.upsert({
          where: { shop_orderId: { shop, orderId } }, update: {},
          create: { shop, orderId, revision: 0, state: "active", amount: "100.00", currency: o.currency, feeRate: "0.005", fee: "0.50" },
        });
        const steps = stepsOf(variant);
        const d = p.store.addDispute(o.id, { reason: "FRAUDULENT", amount: "100.00", type: variant.inquiryFirst ? "INQUIRY" : "CHARGEBACK" });
        const deliveries: WebhookDelivery[] = [p.sender.disputesCreate(shop, d.id)];
        // Delivery i exists from its change on (time i) and arrives at some time after it.
        const actions: Action[] = [
          ...copies.flatMap((offsets, index) => offsets.map((f) => ({ at: index + f * (steps.length + 1 - index), kind: "deliver" as const, index }))),
          ...others,
        ].sort((a, b) => a.at - b.at);
        let changed = 0;
        let reconciling: Promise<unknown> = Promise.resolve();
        for (const action of actions) {
          while (changed < steps.length && changed + 1 <= action.at) {
            steps[changed]!(d, p);
            deliveries.push(p.sender.disputesUpdate(shop, d.id));
            changed++;
          }
          if (action.kind === "deliver") expect((await p.deliver(deliveries[action.index]!)).status).toBe(200);
          // Reconciliation races the worker (one reconciliation at a time per shop, as its job runs).
          else if (action.kind === "reconcile") reconciling = reconciling.then(() => reconcileShop(db, p.gateway, shop, Date.now())).then(() => p.worker["poke"]());
          else await settle();
        }
        await reconciling;
        await settle();

        const want = expected(variant);
        const row = await db.dispute.findUniqueOrThrow({ where: { shop_disputeId: { shop, disputeId: String(d.id) } } });
        expect({ coverage: row.coverage, type: row.type, status: row.status, amount: row.amount, reason: row.reason }).toEqual(want.dispute);
        const claim = await db.claim.findUniqueOrThrow({ where: { shop_disputeId: { shop, disputeId: String(d.id) } } });
        expect({ state: claim.state, amount: claim.amount }).toEqual(want.claim);
        const events = await db.claimEvent.findMany({ where: { shop, claimId: claim.id }, orderBy: { at: "asc" } });
        expect(events.filter((e) => e.fromState !== e.toState).map((e) => [e.fromState, e.toState])).toEqual(want.transitions);
        expect(events.at(-1)?.amount).toBe(want.claim.amount);
        const ledger = await db.ledgerEntry.findMany({ where: { shop, claimId: claim.id } });
        expect(ledger.map((e) => [e.kind, e.state, e.amount])).toEqual(want.ledger);
        expect(await db.job.count({ where: { shop, state: "dead" } })).toBe(0);
      }),
      { numRuns: Number(process.env.CLAIM_RUNS ?? 25), endOnFailure: true, ...(process.env.CLAIM_SEED ? { seed: Number(process.env.CLAIM_SEED) } : {}) },
    );
  }, 240_000);
});
