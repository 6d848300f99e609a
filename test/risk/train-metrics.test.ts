import { describe, expect, it } from "vitest";
import { approvalPoint, prAuc, recallAtFpr, rocAuc } from "~/risk/metrics";
import { fitLogistic } from "../../scripts/train";

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

describe("fitLogistic", () => {
  const X = [[0], [0], [0], [1], [1], [0], [1], [0]];
  const y = [false, false, true, true, true, false, true, false];
  it("is deterministic and learns the direction", () => {
    const a = fitLogistic(X, y, X.map(() => 0), { iterations: 500 });
    const b = fitLogistic(X, y, X.map(() => 0), { iterations: 500 });
    expect(a).toEqual(b);
    expect(a.w[0]).toBeGreaterThan(1);
    expect(a.bias).toBeLessThan(0);
  });
});
