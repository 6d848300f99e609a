import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  applyCalibration, brierScore, DEFAULT_BANDS, expectedCalibrationError, fitCalibration, fitPlatt, fitPlattDetailed, reliabilityTable,
} from "~/risk/calibration";
import { probabilityFromLogit } from "~/risk/engine";
import type { Ruleset } from "~/risk/types";

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * Deterministic synthetic orders: at each logit z of a grid, `per` orders of which round(per × truth(z))
 * are fraud, so the labels follow `truth` as closely as whole orders can.
 */
function synthetic(truth: (z: number) => number, per = 2000): { z: number[]; y: boolean[] } {
  const z: number[] = [];
  const y: boolean[] = [];
  for (let g = -6; g <= 4; g += 0.5) {
    const k = Math.round(per * truth(g));
    for (let i = 0; i < per; i++) { z.push(g); y.push(i < k); }
  }
  return { z, y };
}

/** Log-loss with Platt's smoothed targets, written independently of the fit. */
function plattLoss(a: number, b: number, z: number[], y: boolean[]): number {
  const pos = y.filter(Boolean).length;
  const neg = y.length - pos;
  let s = 0;
  for (let i = 0; i < z.length; i++) {
    const t = y[i] ? (pos + 1) / (pos + 2) : 1 / (neg + 2);
    const p = Math.min(1 - 1e-15, Math.max(1e-15, sigmoid(a * z[i]! + b)));
    s -= t * Math.log(p) + (1 - t) * Math.log(1 - p);
  }
  return s;
}

describe("fitPlatt", () => {
  it("finds the identity on perfectly calibrated data", () => {
    const { z, y } = synthetic(sigmoid);
    const c = fitPlatt(z, y);
    expect(c.a).toBeCloseTo(1, 1);
    expect(c.b).toBeCloseTo(0, 1);
    expect(Math.abs(c.a - 1)).toBeLessThan(0.02);
    expect(Math.abs(c.b)).toBeLessThan(0.02);
  });

  it("recovers a shift and a scale", () => {
    const { z, y } = synthetic((x) => sigmoid(1.5 * x - 2));
    const c = fitPlatt(z, y);
    expect(Math.abs(c.a - 1.5)).toBeLessThan(0.03);
    expect(Math.abs(c.b + 2)).toBeLessThan(0.05);
    // An overconfident model (true slope 0.5) is softened; a shop with a 3x base rate gets b ~ ln 3.
    const over = synthetic((x) => sigmoid(0.5 * x));
    expect(Math.abs(fitPlatt(over.z, over.y).a - 0.5)).toBeLessThan(0.03);
    const base = synthetic((x) => sigmoid(x + Math.log(3)));
    expect(Math.abs(fitPlatt(base.z, base.y).b - Math.log(3))).toBeLessThan(0.05);
  });

  it("is a minimum of the smoothed log-loss", () => {
    const z = [-3, -2, -2, -1, 0, 0.5, 1, 2, 3, -4, 1.5, -0.5];
    const y = [false, false, true, false, false, true, false, true, true, false, true, false];
    const c = fitPlatt(z, y, { ridge: 0 });
    const best = plattLoss(c.a, c.b, z, y);
    for (const [da, db] of [[1e-3, 0], [-1e-3, 0], [0, 1e-3], [0, -1e-3], [1e-3, 1e-3], [-1e-3, 1e-3]] as const) {
      expect(plattLoss(c.a + da!, c.b + db!, z, y)).toBeGreaterThanOrEqual(best - 1e-12);
    }
    expect(best).toBeLessThan(plattLoss(1, 0, z, y));
  });

  it("never reverses the ranking: a reversed model is clamped to the floor of a, not flipped", () => {
    const { z, y } = synthetic((x) => sigmoid(-x));
    const fit = fitPlattDetailed(z, y);
    expect(fit.status).toBe("clamped");
    expect(fit.a).toBe(0.1);
    expect(fitPlatt(z, y, { minA: 0.5 }).a).toBe(0.5);
  });

  it("falls back to the identity on degenerate input", () => {
    expect(fitPlattDetailed([], [])).toMatchObject({ a: 1, b: 0, status: "identity" });
    expect(fitPlattDetailed([1, 2, 3], [false, false, false])).toMatchObject({ a: 1, b: 0, status: "identity" });
    expect(fitPlattDetailed([1, 2, 3, 4], [true, true, true, false])).toMatchObject({ a: 1, b: 0, status: "identity" });
    expect(fitPlattDetailed([2, 2, 2, 2], [true, false, true, false])).toMatchObject({ a: 1, b: 0, status: "identity" });
    expect(fitPlattDetailed([NaN, Infinity, 1, 2], [true, true, false, false])).toMatchObject({ a: 1, b: 0, status: "identity" });
    expect(() => fitPlatt([1], [])).toThrow(RangeError);
    expect(() => fitPlatt([1, 2], [true, false], { minA: 0 })).toThrow(RangeError);
  });

  it("always gives a > 0 (within its bounds) and finite b, deterministically (property)", () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.double({ min: -30, max: 30, noNaN: true }), fc.boolean()), { minLength: 0, maxLength: 60 }),
      (rows) => {
        const z = rows.map((r) => r[0]);
        const y = rows.map((r) => r[1]);
        const c = fitPlatt(z, y);
        expect(c.a).toBeGreaterThanOrEqual(0.1);
        expect(c.a).toBeLessThanOrEqual(10);
        expect(Number.isFinite(c.b)).toBe(true);
        expect(fitPlatt(z, y)).toEqual(c);
        // Monotone: the calibrated probabilities keep the logits' order.
        const sorted = [...z].sort((p, q) => p - q);
        for (let i = 1; i < sorted.length; i++) expect(applyCalibration(sorted[i]!, c)).toBeGreaterThanOrEqual(applyCalibration(sorted[i - 1]!, c));
      },
    ), { numRuns: 200 });
  });
});

describe("applyCalibration", () => {
  it("is the engine's mapping (without a shop adjustment)", () => {
    const calibration = { a: 0.7, b: -1.2 };
    const ruleset = { version: "t", model: { version: "m", bias: 0, weights: {}, threshold: 500, calibration } } as Ruleset;
    for (const z of [-8, -1, 0, 0.3, 5]) expect(applyCalibration(z, calibration)).toBeCloseTo(probabilityFromLogit(z, ruleset), 12);
    expect(applyCalibration(0.4, undefined)).toBeCloseTo(sigmoid(0.4), 12);
    expect(applyCalibration(NaN, calibration)).toBe(1);
  });
});

describe("brier, reliability, ECE", () => {
  // Worked by hand: bands 0-0.01: {0.005: good}; 0.01-0.02: {0.01: fraud, 0.015: good}; 0.2-0.5: {0.3: good}; 0.5-1: {0.7: fraud, 1: fraud}.
  const p = [0.005, 0.01, 0.015, 0.3, 0.7, 1];
  const y = [false, true, false, false, true, true];

  it("Brier score", () => {
    // (0.005² + 0.99² + 0.015² + 0.3² + 0.3² + 0²) / 6 = (0.000025 + 0.9801 + 0.000225 + 0.09 + 0.09) / 6
    expect(brierScore(p, y)).toBeCloseTo(1.16035 / 6, 12);
    expect(brierScore([], [])).toBeNaN();
    expect(() => brierScore([1.2], [true])).toThrow(RangeError);
    expect(() => brierScore([NaN], [true])).toThrow(RangeError);
  });

  it("reliability table by band (lower edge inclusive, 1 in the last band, empty bands left out)", () => {
    const t = reliabilityTable(p, y);
    expect(t.map((r) => [r.band, r.orders])).toEqual([["0-0.01", 1], ["0.01-0.02", 2], ["0.2-0.5", 1], ["0.5-1", 2]]);
    expect(t[0]).toMatchObject({ predicted: 0.005, observed: 0 });
    expect(t[1]!.predicted).toBeCloseTo(0.0125, 12);
    expect(t[1]!.observed).toBe(0.5);
    expect(t[2]).toMatchObject({ predicted: 0.3, observed: 0 });
    expect(t[3]!.predicted).toBeCloseTo(0.85, 12);
    expect(t[3]!.observed).toBe(1);
    expect(DEFAULT_BANDS).toEqual([0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1]);
    expect(reliabilityTable(p, y, [0, 0.5, 1]).map((r) => r.orders)).toEqual([4, 2]);
    expect(() => reliabilityTable(p, y, [0, 0.6, 0.5, 1])).toThrow(RangeError);
  });

  it("expected calibration error", () => {
    // 1/6 × 0.005 + 2/6 × |0.0125 − 0.5| + 1/6 × 0.3 + 2/6 × |0.85 − 1|
    expect(expectedCalibrationError(p, y)).toBeCloseTo(0.005 / 6 + (2 / 6) * 0.4875 + 0.3 / 6 + (2 / 6) * 0.15, 12);
    expect(expectedCalibrationError([0.25, 0.25, 0.25, 0.25], [true, false, false, false])).toBeCloseTo(0, 12);
  });
});

describe("fitCalibration (the training step)", () => {
  it("fits a shifted model and improves Brier and ECE on its orders", () => {
    const { z, y } = synthetic((x) => sigmoid(x - 1.5), 500);
    const fit = fitCalibration(z, y, { fittedOn: "synthetic" });
    expect(fit.status).toBe("fitted");
    expect(fit.calibration.fittedOn).toBe("synthetic");
    expect(Math.abs(fit.calibration.b + 1.5)).toBeLessThan(0.05);
    expect(fit.orders).toBe(z.length);
    expect(fit.after.brier).toBeLessThan(fit.before.brier);
    expect(fit.after.ece).toBeLessThan(fit.before.ece);
    expect(fit.after.ece).toBeLessThan(0.01);
  });
  it("keeps the model's slope and fits only the intercept when the orders show no usable ranking", () => {
    // 10% fraud at every logit: the best slope is ~0, which fitPlatt would clamp to 0.1 and flatten every score.
    const { z, y } = synthetic(() => 0.1, 200);
    expect(fitPlattDetailed(z, y).status).toBe("clamped");
    const fit = fitCalibration(z, y);
    expect(fit.status).toBe("intercept_only");
    expect(fit.calibration.a).toBe(1);
    // The intercept's first-order condition: mean calibrated probability = mean (smoothed) target.
    const pos = y.filter(Boolean).length;
    const meanT = (pos * ((pos + 1) / (pos + 2)) + (y.length - pos) * (1 / (y.length - pos + 2))) / y.length;
    const meanP = z.reduce((s, v) => s + applyCalibration(v, { a: 1, b: fit.calibration.b }), 0) / z.length;
    expect(Math.abs(meanP - meanT)).toBeLessThan(1e-4);
  });
  it("reports the identity and why on degenerate input", () => {
    expect(fitCalibration([0, 1], [false, false])).toMatchObject({ calibration: { a: 1, b: 0 }, status: "identity" });
  });
});
