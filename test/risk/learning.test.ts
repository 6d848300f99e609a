import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { effectiveWeights, evaluate, probabilityFromLogit } from "~/risk/engine";
import {
  FEW_LABELS, FEW_LABELS_MAX_SHIFT, INTERCEPT_CAP, MIN_LABELS_FOR_OFFSETS, OFFSET_CAP, fitShopAdjustment, logitFromOutcomes, scoreFromOutcomes, type LabelledExample,
} from "~/risk/learning";
import { DEFAULT_MODEL, defaultRuleset } from "~/risk/ruleset";
import { SIGNALS } from "~/risk/signals/index";
import type { RiskFacts } from "~/risk/types";

const model = DEFAULT_MODEL;
const ids = SIGNALS.map((s) => s.id);
const ruleset = defaultRuleset();

/** Features of a plausible order: a few signals non-zero, values in each feature's usual range. */
const featuresArb = fc.dictionary(fc.constantFrom(...ids), fc.double({ min: 0, max: 5, noNaN: true }), { maxKeys: 8 });
const exampleArb = fc.record({ features: featuresArb, fraud: fc.boolean() });

function probability(features: Record<string, number>, adjustment?: ReturnType<typeof fitShopAdjustment>): number {
  const r = adjustment ? { ...ruleset, adjustment } : ruleset;
  const outcomes = Object.entries(features).map(([id, feature]) => ({ id, outcome: "hit" as const, feature, contribution: 0 }));
  return probabilityFromLogit(logitFromOutcomes(outcomes, r), r);
}

/** A deterministic generator (no Math.random in tests either). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe("fitShopAdjustment", () => {
  it("no labels: the zero adjustment", () => {
    expect(fitShopAdjustment(model, [], { version: 3 })).toEqual({ version: 3, intercept: 0, offsets: {}, labels: 0 });
  });

  it(`with ≤ ${FEW_LABELS} labels no order's probability moves by more than ${FEW_LABELS_MAX_SHIFT}`, () => {
    fc.assert(
      fc.property(fc.array(exampleArb, { maxLength: FEW_LABELS }), fc.array(featuresArb, { minLength: 1, maxLength: 20 }), (examples, orders) => {
        const adj = fitShopAdjustment(model, examples);
        expect(Object.keys(adj.offsets)).toEqual([]);
        for (const f of orders) expect(Math.abs(probability(f, adj) - probability(f))).toBeLessThanOrEqual(FEW_LABELS_MAX_SHIFT + 1e-9);
      }),
      { numRuns: 200 },
    );
    // The worst case: 20 fraud labels on orders the model calls safe.
    const all = Array.from({ length: FEW_LABELS }, () => ({ features: {}, fraud: true }));
    const adj = fitShopAdjustment(model, all);
    expect(adj.intercept).toBeGreaterThan(0);
    expect(adj.intercept).toBeLessThanOrEqual(0.2);
    expect(probability({}, adj) - probability({})).toBeLessThanOrEqual(FEW_LABELS_MAX_SHIFT);
  });

  it("never flips a direction: every weight + offset stays in [0, max], offsets and intercept bounded", () => {
    fc.assert(
      fc.property(fc.array(exampleArb, { minLength: 200, maxLength: 400 }), fc.boolean(), (examples, invert) => {
        // Adversarial labels: fraud exactly when a signal is silent (invert) or always good.
        const labelled = examples.map((e) => ({ ...e, fraud: invert ? Object.keys(e.features).length === 0 || e.fraud : e.fraud }));
        const adj = fitShopAdjustment(model, labelled, { minLabelsForOffsets: 50 });
        expect(Math.abs(adj.intercept)).toBeLessThanOrEqual(INTERCEPT_CAP);
        const base = effectiveWeights(ruleset);
        const w = effectiveWeights({ ...ruleset, adjustment: adj });
        SIGNALS.forEach((s, i) => {
          const off = adj.offsets[s.id] ?? 0;
          expect(Math.abs(off)).toBeLessThanOrEqual(OFFSET_CAP);
          // The fit itself respects the bounds (the engine's clamp is not needed).
          expect(base[i]! + off).toBeGreaterThanOrEqual(-1e-9);
          expect(base[i]! + off).toBeLessThanOrEqual(s.meta.max + 1e-9);
          expect(w[i]).toBeGreaterThanOrEqual(0);
        });
      }),
      { numRuns: 30 },
    );
  });

  it("many labels of a consistent pattern move the adjustment the right way", () => {
    const rnd = lcg(7);
    // A shop where orders with many cards on the same device (velocity_device) are mostly fraud, far
    // more than the global model says, and otherwise fraud is rarer than any model's base rate (0.2%).
    const examples: LabelledExample[] = [];
    for (let i = 0; i < 4000; i++) {
      const risky = rnd() < 0.1;
      const features: Record<string, number> = { order_value: rnd() * 3 };
      if (risky) features.velocity_device = 2 + rnd();
      examples.push({ features, fraud: rnd() < (risky ? 0.3 : 0.002) });
    }
    const adj = fitShopAdjustment(model, examples, { version: 1 });
    expect(adj.labels).toBe(4000);
    expect(adj.offsets.velocity_device).toBeGreaterThan(0.2);
    expect(adj.intercept).toBeLessThan(0);
    // The risky orders now score higher than before, the plain ones lower.
    expect(probability({ velocity_device: 2.5, order_value: 1 }, adj)).toBeGreaterThan(probability({ velocity_device: 2.5, order_value: 1 }));
    expect(probability({ order_value: 1 }, adj)).toBeLessThan(probability({ order_value: 1 }));

    // A shop whose fraud is far more frequent than the model says: the intercept rises.
    const fraudy = examples.map((e, i) => ({ ...e, fraud: e.fraud || i % 3 === 0 }));
    expect(fitShopAdjustment(model, fraudy).intercept).toBeGreaterThan(0.5);
  });

  it("is deterministic and needs the minimum evidence before an offset moves", () => {
    const rnd = lcg(11);
    const examples = Array.from({ length: MIN_LABELS_FOR_OFFSETS - 1 }, () => {
      const risky = rnd() < 0.3;
      const features: Record<string, number> = risky ? { velocity_ip: 3 } : {};
      return { features, fraud: risky };
    });
    const a = fitShopAdjustment(model, examples);
    expect(fitShopAdjustment(model, examples.map((e) => ({ ...e, features: { ...e.features } })))).toEqual(a);
    expect(a.offsets).toEqual({});
    const b = fitShopAdjustment(model, [...examples, { features: { velocity_ip: 3 }, fraud: true }]);
    expect(b.offsets.velocity_ip).toBeGreaterThan(0);
  });

  it("scoreFromOutcomes gives evaluate's score under an adjusted ruleset", () => {
    const T = Date.UTC(2026, 0, 10, 12);
    const facts: RiskFacts = { shop: "s", orderId: "1", now: T, createdAt: T, customer: { createdAt: T - 30_000 }, totalPrice: 420, email: "xk7qz9wp3v@mailinator.com" };
    const adjusted = { ...ruleset, adjustment: { version: 2, intercept: -0.3, offsets: { order_value: 0.4, account_instant_purchase: -0.5 }, labels: 500 } };
    const cold = evaluate(facts, ruleset);
    expect(scoreFromOutcomes(cold.outcomes, adjusted)).toBe(evaluate(facts, adjusted).score);
    expect(scoreFromOutcomes(cold.outcomes, ruleset)).toBe(cold.score);
  });
});
