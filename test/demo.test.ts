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
  claims: string;
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
  expect(stdout).toMatch(/recorded disputes[/_]create\s+5\b/i);
  expect(stdout).toMatch(/all 20 delivered orders screened and acted on/);
  expect(stdout).not.toMatch(/not built yet: *\n\s*- screening/);
  expect(stdout).toMatch(/claims: not built yet/);

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
  expect(figure(stdout, "disputes recorded")).toBe(5);

  const report = JSON.parse(readFileSync(reportFile, "utf8")) as Report;
  expect(report.ordersDelivered).toBe(delivered);
  expect(report.screening).toMatchObject({ settled: true, screened, acted: screened, ship, hold, guaranteed });
  expect(report.storeCallsByHoldfast.tagsAdd).toBe(screened);
  expect(report.storeCallsByHoldfast.orderRiskAssessmentCreate).toBe(screened);
  // What Holdfast recorded matches what the emulator saw.
  expect(report.storeActionsRecorded.tag?.applied).toBe(report.storeCallsByHoldfast.tagsAdd);
  expect(report.storeActionsRecorded.hold?.applied ?? 0).toBe(report.storeCallsByHoldfast.fulfillmentOrderHold);
  expect(report.jobs.dead).toBe(0);
  expect(report.disputesRecorded).toBe(5);
  expect(report.claims).toMatch(/not built yet/);
  expect(report.heldExamples).toHaveLength(Math.min(3, hold));
  for (const h of report.heldExamples) {
    expect(h.reasons.length).toBeGreaterThan(0);
    expect(stdout).toContain(`(order ${h.orderId})  score ${h.score}/1000`);
  }
}, 210_000);
