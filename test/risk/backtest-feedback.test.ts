import { describe, expect, it } from "vitest";
import { feedbackReport, parseLabelDelay, replay, type CorpusRow } from "../../scripts/backtest";
import { rocAuc } from "../../app/risk/metrics";

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);

/**
 * 100 days, 16 orders a day. In this shop the fraud comes from a few shared IP addresses, which the
 * global model weighs at 0 (velocity_ip and customers_per_ip are fitted to 0 in model v2: no source
 * showed them); everything else looks alike.
 */
function shop(): CorpusRow[] {
  const rows: CorpusRow[] = [];
  for (let i = 0; i < 1600; i++) {
    const createdAt = T0 + Math.floor(i / 16) * DAY + (i % 16) * 3_600_000;
    const shared = i % 4 === 0;
    const fraud = shared ? i % 8 === 0 : i % 97 === 0;
    rows.push({
      line: i + 1, fraud, createdAt,
      order: {
        id: i + 1, created_at: new Date(createdAt).toISOString(), total_price: "40.00", currency: "USD",
        browser_ip: shared ? `10.9.9.${i % 5}` : `10.${(i >> 8) & 255}.${i & 255}.1`,
        customer: { id: 10_000 + i, created_at: new Date(createdAt - 90 * DAY).toISOString(), orders_count: 1 },
      },
    });
  }
  return rows;
}

describe("--label-delay", () => {
  it("parses whole hours or days strictly", () => {
    expect(parseLabelDelay("30d")).toBe(30 * DAY);
    expect(parseLabelDelay("7d")).toBe(7 * DAY);
    expect(parseLabelDelay("12h")).toBe(12 * 3_600_000);
    for (const bad of ["", "30", "d", "0d", "-1d", "1.5d", "30 d", " 30d", "30days", "30D", "12m", "3651d", "30d7"]) expect(() => parseLabelDelay(bad), bad).toThrow();
  });
});

describe("replay with labels revealed later", () => {
  it("refits at most once a simulated day, only with new labels, and learns what the global model cannot see", () => {
    const rows = shop();
    const cold = replay(rows, {});
    expect(cold.feedback).toBeUndefined();
    expect(cold.scored.every((s) => s.feedbackScore === undefined)).toBe(true);

    const run = replay(rows, { labelDelayMs: 7 * DAY });
    expect(run.scored).toHaveLength(1600);
    // The cold-start scores are the plain replay's.
    expect(run.scored.map((s) => s.decision.score)).toEqual(cold.scored.map((s) => s.decision.score));
    // Nothing is revealed in the first 7 days: the same scores.
    const firstWeek = run.scored.filter((s) => s.row.createdAt < T0 + 7 * DAY);
    expect(firstWeek.every((s) => s.feedbackScore === 1000 * s.decision.probability)).toBe(true);
    // One refit per day from day 8 (labels arrive every day), never more.
    const fb = run.feedback!;
    expect(fb.refits).toBe(100 - 7);
    expect(fb.labelsRevealed).toBe(1600 - 7 * 16);
    expect((fb.adjustment!.offsets.velocity_ip ?? 0) + (fb.adjustment!.offsets.customers_per_ip ?? 0)).toBeGreaterThan(0);

    const labels = run.scored.map((s) => s.row.fraud);
    const late = run.scored.filter((s) => s.row.createdAt >= T0 + 80 * DAY);
    const lateLabels = late.map((s) => s.row.fraud);
    expect(rocAuc(late.map((s) => s.feedbackScore!), lateLabels)).toBeGreaterThan(rocAuc(late.map((s) => s.decision.score), lateLabels) + 0.1);

    const report = feedbackReport(run.scored, fb);
    expect(Object.keys(report.cold_start).sort()).toEqual(["fraud_caught_at_5pct_good_held", "pr_auc", "roc_auc", "threshold_at_5pct_good_held"]);
    expect(report.with_feedback.roc_auc).toBeGreaterThan(report.cold_start.roc_auc);
    expect(report.cold_start.roc_auc).toBeCloseTo(rocAuc(run.scored.map((s) => s.decision.probability), labels), 3);
    expect(report).toMatchObject({ label_delay_hours: 168, refits: fb.refits });
  });

  it("a longer delay reveals fewer labels; a delay past the corpus never refits", () => {
    const rows = shop();
    expect(replay(rows, { labelDelayMs: 30 * DAY }).feedback!.labelsRevealed).toBe(1600 - 30 * 16);
    const never = replay(rows, { labelDelayMs: 101 * DAY });
    expect(never.feedback).toMatchObject({ refits: 0, labelsRevealed: 0 });
    expect(never.scored.every((s) => s.feedbackScore === 1000 * s.decision.probability)).toBe(true);
  });
});
