import { describe, expect, it } from "vitest";
import { approvalPoint, prAuc, recallAtFpr, rocAuc } from "~/risk/metrics";
import { fitPooled } from "../../scripts/lib/fit";

describe("metrics", () => {
  it.each([
    [[1, 2, 3, 4], [false, false, true, true], 1],
    [[4, 3, 2, 1], [false, false, true, true], 0],
    [[1, 1, 1, 1], [false, true, false, true], 0.5],
    [[1, 2, 2, 3], [false, true, false, true], 0.875],
  ])("roc auc %j %j", (s, l, want) => expect(rocAuc(s, l)).toBeCloseTo(want as number, 6));
  it("pr auc of a perfect ranking is 1", () => expect(prAuc([1, 2, 3], [false, true, true])).toBe(1));
  it("approval point never splits ties and holds at or above the threshold", () => {
    const scores = [10, 20, 30, 40, 50, 60, 70, 80, 90, 900];
    const labels = [false, false, false, false, false, false, false, false, false, true];
    expect(approvalPoint(scores, labels, 0.9)).toEqual({ approval: 0.9, threshold: 900, fraud_caught: 1, fraud_rate_approved: 0 });
    const tied = approvalPoint([5, 5, 5, 5], [true, false, false, false], 0.5);
    expect(tied.fraud_caught).toBe(0);
    expect(recallAtFpr(scores, labels, 0.1).recall).toBe(1);
  });
});

describe("fitPooled (direction-sane fitting)", () => {
  const rows = (pairs: [number[], boolean][]) => ({ X: pairs.map(([x]) => Float64Array.from(x)), y: pairs.map(([, f]) => f) });
  // Feature 0 raises risk, feature 1 lowers it in this data, feature 2 is always 0.
  const data: [number[], boolean][] = [];
  for (let i = 0; i < 400; i++) data.push([[i % 2, i % 3 === 0 ? 1 : 0, 0], i % 2 === 1 ? i % 3 !== 0 : i % 7 === 0]);
  const specs = [
    { id: "up", prior: 0.5, min: 0, max: 3 },
    { id: "down_in_data", prior: 0.5, min: 0, max: 3 },
    { id: "unseen", prior: 0.7, min: 0, max: 2 },
  ];
  const src = { name: "a", ...rows(data) };

  it("is deterministic, learns a documented direction, and never flips one", () => {
    const a = fitPooled([src], specs);
    expect(fitPooled([src], specs)).toEqual(a);
    expect(a.weights.up).toBeGreaterThan(1);
    // The data says this feature lowers risk; its documented direction says raises: the weight stops at 0.
    expect(a.weights.down_in_data).toBe(0);
  });

  it("keeps the prior where no row can estimate the weight, and stays inside [min, max]", () => {
    const a = fitPooled([src], specs);
    expect(a.weights.unseen).toBe(0.7);
    expect(a.support.unseen).toBe(0);
    const capped = fitPooled([src], [{ ...specs[0]!, max: 0.8 }, specs[1]!, specs[2]!]);
    expect(capped.weights.up).toBe(0.8);
    const floored = fitPooled([src], [specs[0]!, { ...specs[1]!, min: 0.2 }, specs[2]!]);
    expect(floored.weights.down_in_data).toBe(0.2);
  });

  it("gives each source its own intercept (base rate), and a big source counts for no more than the mean size", () => {
    const rare = { name: "rare", ...rows(data.map(([x, f], i) => [x, f && i % 5 === 0])) };
    const fit = fitPooled([src, rare], specs);
    expect(fit.intercepts.rare).toBeLessThan(fit.intercepts.a!);
  });
});
