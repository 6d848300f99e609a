import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { rocAuc } from "../../app/risk/metrics";
import { buildReport, claimsAtApproval, htmlReport, loadCorpus, replay } from "../../scripts/backtest";
import { summaryLines } from "../../scripts/lib/backtest-report";
import { convertFraudEcommerce, convertRavelin, parseUsDateTime } from "../../scripts/convert-datasets";

function corpus(): string {
  const lines: string[] = [];
  for (let i = 0; i < 60; i++) {
    const fraud = i % 5 === 0;
    const created = new Date(Date.UTC(2026, 0, 1) + (60 - i) * 3_600_000).toISOString();
    const signup = new Date(Date.parse(created) - (fraud ? 20_000 : 30 * 86_400_000)).toISOString();
    lines.push(JSON.stringify({ order: { id: i + 1, created_at: created, total_price: "50.00", currency: "USD", customer: { id: i, created_at: signup, orders_count: 1 },
      note_attributes: [{ name: "_holdfast_device", value: fraud ? "shared" : `d${i}` }] }, label: { fraud } }));
    if (i === 7) lines.push("{not json");
  }
  lines.push(JSON.stringify({ order: { id: 99, total_price: "1", currency: "USD" }, label: { fraud: false } }));
  return lines.join("\n") + "\n";
}

describe("backtest", () => {
  it("replays a small corpus (incl. .gz and bad lines) and reports the documented keys", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hf-bt-"));
    const p = join(dir, "c.jsonl.gz");
    writeFileSync(p, gzipSync(corpus()));
    const { rows, bad } = await loadCorpus(p);
    expect(rows).toHaveLength(60);
    expect(bad.map((b) => b.line)).toEqual([9, 62]);
    const { scored } = replay(rows, {});
    // Replay order is created_at order, whatever the file order.
    const times = scored.map((s) => s.row.createdAt);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    const report = buildReport(scored, bad.length);
    expect(Object.keys(report).sort()).toEqual(["approval_points", "calibration", "coverage", "fraud", "good_order_points", "guarantee", "orders", "pr_auc", "roc_auc", "rules", "skipped"]);
    // Every order has an account (customer) and a network fact (device): two groups, none too thin.
    expect(report.coverage).toEqual({ thin_data: 0, thin_data_fraud: 0, by_groups: { "2": 60 } });
    expect(report).toMatchObject({ orders: 60, skipped: 2, fraud: 12 });
    expect(report.roc_auc).toBe(1);
    expect(report.approval_points.map((a) => a.approval)).toEqual([0.9, 0.95, 0.975, 0.99]);
    expect(Object.keys(report.approval_points[0]!).sort()).toEqual(["approval", "fraud_caught", "fraud_rate_approved", "threshold"]);
    expect(report.rules.find((r) => r.id === "account_instant_purchase")).toMatchObject({ hits: 12, precision: 1 });
    // The guarantee block keeps its keys and adds, per approval point, the claims that would have been opened.
    expect(Object.keys(report.guarantee).sort()).toEqual(["approval_points", "chargebacks_on_approved", "claims_at_approval_points", "currency", "fee_rate", "fees"]);
    expect(report.guarantee.claims_at_approval_points.map((c) => [c.approval, c.threshold])).toEqual(report.approval_points.map((a) => [a.approval, a.threshold]));
    for (const c of report.guarantee.claims_at_approval_points) {
      const approvedFraud = scored.filter((s) => s.row.fraud && s.decision.score < c.threshold).length;
      expect(c.claims).toBe(approvedFraud);
      expect(c.claims_value).toBe(approvedFraud * 50);
    }
    // Holding more approves less: never more claims at a lower approval.
    const counts = report.guarantee.claims_at_approval_points.map((c) => c.claims);
    expect([...counts].sort((a, b) => a - b)).toEqual(counts);

    // The first order on the shared device sees no history; later ones do.
    const shared = scored.filter((s) => s.features.velocity_device! > 0);
    expect(shared).toHaveLength(11);
    const html = htmlReport(report, scored, "t");
    expect(html).toContain("<svg");
    expect(html).toContain("polyline");
  });

  it("values each would-be claim at the label's chargeback amount when given, else the order's total, exactly", () => {
    const row = (id: number, score: number, fraud: boolean, total: string, chargeback?: number) =>
      ({ row: { line: id, order: { id, total_price: total, currency: "JPY" }, fraud, createdAt: id, ...(chargeback === undefined ? {} : { chargeback }) }, decision: { score, probability: score / 1000, verdict: "ship", modelVersion: "t" }, features: {}, flagged: [] }) as Parameters<typeof claimsAtApproval>[0][number];
    const scored = [row(1, 100, true, "12000000"), row(2, 200, true, "5000", 4321), row(3, 300, false, "999"), row(4, 900, true, "7")];
    expect(claimsAtApproval(scored, { approval: 0.75, threshold: 500 })).toEqual({ approval: 0.75, threshold: 500, claims: 2, claims_value: 12004321 });
    expect(claimsAtApproval(scored, { approval: 1, threshold: 1001 })).toMatchObject({ claims: 3, claims_value: 12004328 });
    expect(claimsAtApproval(scored, { approval: 0.1, threshold: 0 })).toMatchObject({ claims: 0, claims_value: 0 });
  });

  it("reports good-order points, calibration and the guarantee's break-even fee per approval point (worked by hand)", () => {
    let line = 0;
    const row = (score: number, probability: number, fraud: boolean, total: number, chargeback?: number) => {
      line++;
      return { row: { line, order: { id: line, total_price: total.toFixed(2), currency: "USD" }, fraud, createdAt: line, ...(chargeback === undefined ? {} : { chargeback }) },
        decision: { score, probability, verdict: "ship", modelVersion: "t" }, features: {}, flagged: [] } as Parameters<typeof buildReport>[0][number];
    };
    const scored = [
      ...Array.from({ length: 29 }, () => row(10, 0.01, false, 10)),
      row(20, 0.02, false, 100), row(50, 0.05, false, 100), row(150, 0.15, false, 200), row(600, 0.6, false, 100), row(600, 0.6, false, 100),
      row(100, 0.1, true, 50, 40), row(300, 0.3, true, 80), row(800, 0.8, true, 300), row(900, 0.9, true, 100),
    ];
    const report = buildReport(scored, 0);
    // 34 good orders: [10 ×29, 20, 50, 150, 600, 600]. 1%: none may be held -> 601, fraud >= 601: 800, 900 = 2/4.
    // 5%: at most 1.7 held, but the two 600s tie and are never split -> 601 again. 10%: 3 held (150, 600, 600) -> 150; fraud 300, 800, 900 = 3/4.
    expect(report.good_order_points).toEqual([
      { good_held: 0.01, threshold: 601, fraud_caught: 0.5 },
      { good_held: 0.05, threshold: 601, fraud_caught: 0.5 },
      { good_held: 0.1, threshold: 150, fraud_caught: 0.75 },
    ]);
    // Brier: (29 × 0.01² + 0.02² + 0.05² + 0.15² + 0.6² + 0.6² + 0.9² + 0.7² + 0.2² + 0.1²) / 38 = 2.0983 / 38.
    expect(report.calibration.brier).toBe(0.0552);
    expect(report.calibration.reliability).toEqual([
      { band: "0.01-0.02", orders: 29, predicted: 0.01, observed: 0 },
      { band: "0.02-0.05", orders: 1, predicted: 0.02, observed: 0 },
      { band: "0.05-0.1", orders: 1, predicted: 0.05, observed: 0 },
      { band: "0.1-0.2", orders: 2, predicted: 0.125, observed: 0.5 },
      { band: "0.2-0.5", orders: 1, predicted: 0.3, observed: 1 },
      { band: "0.5-1", orders: 4, predicted: 0.725, observed: 0.5 },
    ]);
    // ECE: (29 × 0.01 + 0.02 + 0.05 + 2 × 0.375 + 0.7 + 4 × 0.225) / 38 = 2.71 / 38.
    expect(report.calibration.ece).toBe(0.0713);
    // Approval points on all 38 scores: 90% -> the 600s tie -> 601; 95% -> 900; 97.5% and 99% approve everything (901).
    expect(report.guarantee.approval_points).toEqual([
      // 36 approved: 290 + 100 + 100 + 200 + 100 + 100 + 50 + 80 = 1020; expected 2.9 + 2 + 5 + 30 + 60 + 60 + 5 + 24 = 188.9;
      // actual: the fraud at 100 (its chargeback 40) + the one at 300 (no chargeback amount: its total 80) = 120.
      { approval: 0.9, threshold: 601, approved_orders: 36, approved_value: 1020, expected_chargebacks: 188.9, actual_chargebacks: 120, break_even_fee_rate: 0.117647, expected_break_even_fee_rate: 0.185196 },
      // + the 800 (300 at p 0.8): 1320, 428.9, 420.
      { approval: 0.95, threshold: 900, approved_orders: 37, approved_value: 1320, expected_chargebacks: 428.9, actual_chargebacks: 420, break_even_fee_rate: 0.318182, expected_break_even_fee_rate: 0.324924 },
      // + the 900 (100 at p 0.9): 1420, 518.9, 520.
      { approval: 0.975, threshold: 901, approved_orders: 38, approved_value: 1420, expected_chargebacks: 518.9, actual_chargebacks: 520, break_even_fee_rate: 0.366197, expected_break_even_fee_rate: 0.365423 },
      { approval: 0.99, threshold: 901, approved_orders: 38, approved_value: 1420, expected_chargebacks: 518.9, actual_chargebacks: 520, break_even_fee_rate: 0.366197, expected_break_even_fee_rate: 0.365423 },
    ]);
    const lines = summaryLines(report).join("\n");
    expect(lines).toContain("holding 10.0% of legitimate orders: threshold 150, fraud caught 75.0%");
    expect(lines).toContain("calibration: Brier 0.0552, ECE 0.0713");
    expect(lines).toContain("break-even fee 11.76% (expected 18.52%)");
    const html = htmlReport(report, scored, "t");
    expect(html).toContain("<td>0.1-0.2</td><td>2</td><td>12.50%</td><td>50.00%</td>");
    expect(html).toContain("<td>10.0%</td><td>150</td><td>75.0%</td>");
  });
});

describe("converter", () => {
  it("maps fraud-ecommerce rows per the datasets README", () => {
    const csv = "user_id,signup_time,purchase_time,purchase_value,device_id,source,browser,sex,age,ip_address,class\n" +
      "22058,2/24/2015 22:55,4/18/2015 2:47,34,QVPSPJUOCKZAR,SEO,Chrome,M,39,732758368.8,0\n1359,1/1/2015 18:52,1/1/2015 18:52,15,YSSKYOSJHPPLJ,Ads,Opera,M,53,2621473820,1\n";
    const [a, b] = convertFraudEcommerce(csv);
    expect(a!.order).toMatchObject({ created_at: "2015-04-18T02:47:00.000Z", total_price: "34.00", currency: "USD", browser_ip: "43.173.1.96",
      customer: { id: 22058, created_at: "2015-02-24T22:55:00.000Z" }, note_attributes: [{ name: "_holdfast_device", value: "QVPSPJUOCKZAR" }], referring_site: "https://www.google.com/" });
    expect(a!.order.email).toBeUndefined();
    expect(a!.order.shipping_address).toBeUndefined();
    expect(a!.label).toEqual({ fraud: false });
    expect(b!.label.fraud).toBe(true);
    expect(b!.order.landing_site).toContain("utm_source=ads");
    expect(JSON.stringify(a)).not.toContain("\"sex\"");
    expect(parseUsDateTime("12/1/2015 0:05")).toBe("2015-12-01T00:05:00.000Z");
  });
  it("maps ravelin customers to one order record each", () => {
    // The first record of ../shared/datasets/ravelin/customers.jsonl, inlined so the suite runs without shared/.
    const line = RAVELIN_FIRST_RECORD;
    const recs = convertRavelin(line);
    expect(recs.length).toBeGreaterThan(0);
    expect(recs[0]!.order).toMatchObject({ email: "josephhoward@yahoo.com", shipping_address: { country_code: "US", province_code: "CA", zip: "51896" } });
    expect(recs[0]!.label.fraud).toBe(false);
  });
});

const RAVELIN_FIRST_RECORD = "{\"fraudulent\": false, \"customer\": {\"customerEmail\": \"josephhoward@yahoo.com\", \"customerPhone\": \"400-108-5415\", \"customerDevice\": \"yyeiaxpltf82440jnb3v\", \"customerIPAddress\": \"8.129.104.40\", \"customerBillingAddress\": \"5493 Jones Islands\\nBrownside, CA 51896\", \"loggedAt\": \"2023-01-01T19:00:00+00:00\"}, \"orders\": [{\"orderId\": \"vjbdvd\", \"orderAmount\": 18, \"orderState\": \"pending\", \"orderShippingAddress\": \"5493 Jones Islands\\nBrownside, CA 51896\", \"loggedAt\": \"2023-01-01T19:56:00+00:00\"}, {\"orderId\": \"yp6x27\", \"orderAmount\": 26, \"orderState\": \"fulfilled\", \"orderShippingAddress\": \"5493 Jones Islands\\nBrownside, CA 51896\", \"loggedAt\": \"2023-01-01T20:03:00+00:00\"}], \"paymentMethods\": [{\"paymentMethodId\": \"wt07xm68b\", \"paymentMethodRegistrationFailure\": true, \"paymentMethodType\": \"card\", \"paymentMethodProvider\": \"JCB 16 digit\", \"paymentMethodIssuer\": \"Citizens First Banks\", \"loggedAt\": \"2023-01-01T19:07:00+00:00\"}], \"transactions\": [{\"transactionId\": \"a9lcj51r\", \"orderId\": \"vjbdvd\", \"paymentMethodId\": \"wt07xm68b\", \"transactionAmount\": 18, \"transactionFailed\": false, \"loggedAt\": \"2023-01-01T19:57:52+00:00\"}, {\"transactionId\": \"y4wcv03i\", \"orderId\": \"yp6x27\", \"paymentMethodId\": \"wt07xm68b\", \"transactionAmount\": 26, \"transactionFailed\": false, \"loggedAt\": \"2023-01-01T20:07:38+00:00\"}]}";

describe("ranking figures use the probability, not the rounded score", () => {
  it("two orders on the same 0-1000 score are still told apart by their probability", () => {
    const mk = (i: number, p: number, fraud: boolean) => ({
      row: { line: i, order: { id: i, total_price: "10.00", currency: "USD" }, fraud, createdAt: i },
      decision: { score: Math.round(p * 1000), probability: p, verdict: "ship" as const, modelVersion: "t" },
      features: {}, flagged: [],
    });
    // Every score rounds to 50; only the probabilities rank fraud above good.
    const scored = [mk(1, 0.0496, false), mk(2, 0.0498, false), mk(3, 0.0501, true), mk(4, 0.0503, true)];
    const r = buildReport(scored, 0);
    expect(r.roc_auc).toBe(1);
    expect(r.good_order_points.find((g) => g.good_held === 0.05)!.fraud_caught).toBe(1);
  });
});

describe("coverage beside the figures", () => {
  it("counts the orders too thin to judge (held by the default policy) without changing the ranking", () => {
    const t0 = Date.UTC(2026, 0, 1);
    const rows = [
      { line: 1, fraud: true, createdAt: t0, order: { id: 1, created_at: new Date(t0).toISOString(), total_price: "900.00", currency: "USD" } },
      { line: 2, fraud: false, createdAt: t0 + 1000, order: { id: 2, created_at: new Date(t0 + 1000).toISOString(), total_price: "20.00", currency: "USD", email: "a@example.com", browser_ip: "10.0.0.1" } },
      { line: 3, fraud: false, createdAt: t0 + 2000, order: { id: 3, created_at: new Date(t0 + 2000).toISOString(), total_price: "25.00", currency: "USD", browser_ip: "10.0.0.2" } },
    ];
    const { scored } = replay(rows, {});
    const report = buildReport(scored, 0);
    expect(report.coverage).toEqual({ thin_data: 2, thin_data_fraud: 1, by_groups: { "0": 1, "2": 1, "1": 1 } });
    // The thin orders are held by the policy, but the ranking figures use their scores alone.
    expect(scored.find((s) => s.row.line === 1)!.decision.verdict).toBe("hold");
    expect(report.roc_auc).toBeCloseTo(rocAuc(scored.map((s) => s.decision.probability), scored.map((s) => s.row.fraud)), 4);
  });
});
