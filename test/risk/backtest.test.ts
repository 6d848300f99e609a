import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { buildReport, claimsAtApproval, htmlReport, loadCorpus, replay } from "../../scripts/backtest";
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
    expect(Object.keys(report).sort()).toEqual(["approval_points", "fraud", "guarantee", "orders", "pr_auc", "roc_auc", "rules", "skipped"]);
    expect(report).toMatchObject({ orders: 60, skipped: 2, fraud: 12 });
    expect(report.roc_auc).toBe(1);
    expect(report.approval_points.map((a) => a.approval)).toEqual([0.9, 0.95, 0.975, 0.99]);
    expect(Object.keys(report.approval_points[0]!).sort()).toEqual(["approval", "fraud_caught", "fraud_rate_approved", "threshold"]);
    expect(report.rules.find((r) => r.id === "account_instant_purchase")).toMatchObject({ hits: 12, precision: 1 });
    // The guarantee block keeps its keys and adds, per approval point, the claims that would have been opened.
    expect(Object.keys(report.guarantee).sort()).toEqual(["chargebacks_on_approved", "claims_at_approval_points", "currency", "fee_rate", "fees"]);
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
