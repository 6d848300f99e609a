// `npm run demo` stays runnable: a short run on throwaway SQLite and report files, end to end.
// The verdict split depends on the risk model, so the test checks the counts add up, not how many are held.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";

/** The number on a summary line such as "  screened               20  (...)". */
function figure(stdout: string, label: string): number {
  // (Not the progress lines, "screened 12/20": those end in "/total".)
  const match = new RegExp(`^ {2,}${label} +(\\d+)(?=\\s|$)`, "m").exec(stdout);
  if (!match) throw new Error(`no "${label}" line in the demo output:\n${stdout}`);
  return Number(match[1]);
}

interface Report {
  ordersSent: number;
  ordersDelivered: number;
  deliveriesRecorded: Record<string, number>;
  screening: { settled: boolean; screened: number; acted: number; ship: number; hold: number; guaranteed: number };
  storeCallsByHoldfast: { tagsAdd: number; orderRiskAssessmentCreate: number; fulfillmentOrderHold: number; fulfillmentOrderReleaseHold: number };
  storeActionsRecorded: Record<string, Record<string, number>>;
  jobs: { dead: number };
  disputesRecorded: number;
  guarantee: { active: number; coveredValue: string[]; notGuaranteed: { reason: string; orders: number; message: string }[]; voided: { reason: string; orders: number }[] };
  claims: { opened: number; byState: Record<string, number>; evidenceSaved: number; notCovered: { disputeId: string; reason: string; message: string }[] };
  ledger: { currency: string; feesCharged: string; feesOwed: string; credits: string; claimsApproved: string; claimsPaid: string }[];
  heldExamples: { orderId: string; score: number; reasons: string[] }[];
}

it("streams orders and disputes through the real webhook endpoints, screens and acts on every order, and reports it", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "holdfast-demo-"));
  const reportFile = path.join(dir, "report.json");
  const { stdout } = await promisify(execFile)("npx", ["tsx", "scripts/demo.ts", "--once", "--orders", "20"], {
    env: { ...process.env, DEMO_DATABASE_URL: `file:${path.join(dir, "demo.sqlite")}`, DEMO_REPORT: reportFile },
    timeout: 180_000,
  });
  expect(stdout).toMatch(/installed: offline token stored/);
  expect(stdout).toMatch(/recorded orders[/_]create\s+20\b/i);
  // Six disputes on approved orders, a seventh on a held order when the run held one.
  const disputesOpened = (stdout.match(/^ {2}dispute \d+ on order \d+: .*: delivered$/gm) ?? []).length;
  expect(disputesOpened).toBeGreaterThanOrEqual(6);
  expect(stdout).toMatch(new RegExp(`recorded disputes[/_]create\\s+${disputesOpened}\\b`, "i"));
  expect(stdout).toMatch(/all 20 delivered orders screened and acted on/);
  expect(stdout).not.toMatch(/not built yet: *\n\s*- screening/);

  const delivered = figure(stdout, "orders delivered");
  const screened = figure(stdout, "screened");
  const ship = figure(stdout, "ship");
  const hold = figure(stdout, "hold");
  const guaranteed = figure(stdout, "guaranteed");
  expect(delivered).toBe(20);
  expect(screened).toBe(delivered);
  expect(ship + hold).toBe(screened);
  expect(guaranteed).toBeLessThanOrEqual(ship);
  // Every screened order is tagged and gets a risk assessment in the emulator; held ones are held.
  expect(figure(stdout, "tags added")).toBe(screened);
  expect(figure(stdout, "risk assessments")).toBe(screened);
  if (hold > 0) expect(figure(stdout, "fulfillment holds")).toBeGreaterThan(0);
  expect(figure(stdout, "holds released")).toBe(0);
  expect(figure(stdout, "dead jobs")).toBe(0);
  expect(stdout).toMatch(/^ {2}dead-lettered: none$/m);
  expect(figure(stdout, "disputes recorded")).toBe(disputesOpened);
  // Claims: fraudulent (lost, then paid by the operator), unrecognized (won), fraudulent (open), the
  // inquiry escalated to a chargeback (open); evidence saved on each; the others not covered, with why.
  expect(figure(stdout, "claims opened")).toBe(4);
  expect(figure(stdout, "claims open")).toBe(2);
  expect(figure(stdout, "claims paid")).toBe(1);
  expect(figure(stdout, "claims closed")).toBe(1);
  expect(figure(stdout, "evidence saved")).toBe(4);
  expect(stdout).toMatch(/no claim for dispute \d+ \(general\): No claim: the guarantee covers fraud chargebacks/);
  expect(stdout).toMatch(/no claim for dispute \d+ \(product_not_received\)/);
  // Exclusions with their reasons: the test order; the cancelled order's guarantee voided.
  expect(stdout).toMatch(/not guaranteed +1 +guarantee\.test_order: Not guaranteed: test orders are never covered\./);
  expect(stdout).toMatch(/voided +1 +guarantee\.void_cancelled: Guarantee void: the order was cancelled/);

  const report = JSON.parse(readFileSync(reportFile, "utf8")) as Report;
  expect(report.ordersDelivered).toBe(delivered);
  expect(report.screening).toMatchObject({ settled: true, screened, acted: screened, ship, hold, guaranteed });
  expect(report.storeCallsByHoldfast.tagsAdd).toBe(screened);
  expect(report.storeCallsByHoldfast.orderRiskAssessmentCreate).toBe(screened);
  // What Holdfast recorded matches what the emulator saw.
  expect(report.storeActionsRecorded.tag?.applied).toBe(report.storeCallsByHoldfast.tagsAdd);
  expect(report.storeActionsRecorded.hold?.applied ?? 0).toBe(report.storeCallsByHoldfast.fulfillmentOrderHold);
  expect(report.jobs.dead).toBe(0);
  expect(report.disputesRecorded).toBe(disputesOpened);
  expect(report.claims).toMatchObject({ opened: 4, byState: { open: 2, paid: 1, closed: 1 }, evidenceSaved: 4 });
  expect(report.guarantee.active).toBe(guaranteed);
  expect(report.guarantee.voided).toEqual([expect.objectContaining({ reason: "guarantee.void_cancelled", orders: 1 })]);
  // Fees were charged through usage billing; the paid claim is in the ledger.
  const usd = report.ledger.find((l) => l.currency === "USD")!;
  expect(Number(usd.feesCharged)).toBeGreaterThan(0);
  expect(usd.claimsPaid).toBe(usd.claimsApproved);
  expect(Number(usd.claimsPaid)).toBeGreaterThan(0);
  expect(report.heldExamples).toHaveLength(Math.min(3, hold));
  for (const h of report.heldExamples) {
    expect(h.reasons.length).toBeGreaterThan(0);
    expect(stdout).toContain(`(order ${h.orderId})  score ${h.score}/1000`);
  }
}, 210_000);
