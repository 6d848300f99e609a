/**
 * Backtest: replay a labelled corpus (../shared/docs/corpus-format.md) in created_at
 * order through the risk engine and measure it.
 *
 *   npm run backtest -- --input CORPUS.jsonl[.gz] [--out REPORT.json] [--html REPORT.html]
 *                       [--scores SCORES.csv] [--model FILE] [--ip-table ip_country.csv] [--threshold N] [--timezone IANA, default UTC]
 */
import { createReadStream, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { z } from "zod";
import { InMemoryHistoryStore } from "../app/risk/history";
import { countryNameToIso, lookupIpRange, parseIpRangeCsv } from "../app/risk/ip-table";
import { isKnownTimezone } from "../app/risk/local-time";
import { screenWithHistory } from "../app/risk/replay";
import { defaultRuleset } from "../app/risk/ruleset";
import type { Decision, Model } from "../app/risk/types";
import { buildReport, htmlReport, summaryLines } from "./lib/backtest-report";

export interface CorpusRow { line: number; order: Record<string, unknown>; fraud: boolean; chargeback?: number; createdAt: number }
export interface BadLine { line: number; error: string }

export async function loadCorpus(path: string, onProgress?: (n: number) => void): Promise<{ rows: CorpusRow[]; bad: BadLine[] }> {
  const raw = createReadStream(path);
  const input = path.endsWith(".gz") ? raw.pipe(createGunzip()) : raw;
  const rl = createInterface({ input, crlfDelay: Infinity });
  const rows: CorpusRow[] = [];
  const bad: BadLine[] = [];
  let line = 0;
  for await (const text of rl) {
    line++;
    if (!text.trim()) continue;
    try {
      const rec = JSON.parse(text) as { order?: Record<string, unknown>; label?: { fraud?: unknown; chargeback?: { amount?: unknown } } };
      const o = rec?.order;
      if (!o || typeof o !== "object") throw new Error("missing order");
      for (const k of ["id", "created_at", "total_price", "currency"]) if (o[k] === undefined || o[k] === null) throw new Error(`order.${k} missing`);
      const createdAt = Date.parse(String(o.created_at));
      if (!Number.isFinite(createdAt)) throw new Error("order.created_at is not a date");
      if (typeof rec.label?.fraud !== "boolean") throw new Error("label.fraud must be true or false");
      const cb = Number(rec.label.chargeback?.amount);
      rows.push({ line, order: o, fraud: rec.label.fraud, createdAt, ...(Number.isFinite(cb) ? { chargeback: cb } : {}) });
    } catch (e) {
      bad.push({ line, error: (e as Error).message.slice(0, 200) });
    }
    if (onProgress && line % 10_000 === 0) onProgress(line);
  }
  return { rows, bad };
}

/** What the backtest keeps per order (not the whole decision: memory stays flat). */
export interface Scored {
  row: CorpusRow;
  decision: Pick<Decision, "score" | "probability" | "verdict" | "modelVersion">;
  features: Record<string, number>;
  /** Signals that hit and pushed towards hold. */
  flagged: string[];
}

/** Replay in created_at order (stable: ties keep file order); history sees only earlier orders. */
export function replay(rows: CorpusRow[], opts: { model?: Model; threshold?: number; ipCountry?: (ip: string) => string | undefined; onProgress?: (n: number) => void; shop?: string; timezone?: string }): { scored: Scored[]; failed: BadLine[] } {
  const sorted = [...rows].sort((a, b) => a.createdAt - b.createdAt || a.line - b.line);
  const store = new InMemoryHistoryStore();
  const ruleset = defaultRuleset({ model: opts.model, threshold: opts.threshold });
  const scored: Scored[] = [];
  const failed: BadLine[] = [];
  sorted.forEach((row, i) => {
    try {
      const { decision } = screenWithHistory(row.order, undefined, { shop: opts.shop ?? "backtest", ipCountry: opts.ipCountry, timezone: opts.timezone }, store, ruleset);
      const features: Record<string, number> = {};
      const flagged: string[] = [];
      for (const o of decision.outcomes) {
        features[o.id] = o.feature;
        if (o.outcome === "hit" && o.contribution > 0) flagged.push(o.id);
      }
      scored.push({ row, decision: { score: decision.score, probability: decision.probability, verdict: decision.verdict, modelVersion: decision.modelVersion }, features, flagged });
    } catch (e) {
      failed.push({ line: row.line, error: (e as Error).message.slice(0, 200) });
    }
    if (opts.onProgress && (i + 1) % 5_000 === 0) opts.onProgress(i + 1);
  });
  return { scored, failed };
}

export { APPROVALS, buildReport, claimsAtApproval, htmlReport, type ClaimsAtApproval, type Report } from "./lib/backtest-report";
export function ipCountryFromTable(path: string): (ip: string) => string | undefined {
  const table = parseIpRangeCsv(readFileSync(path, "utf8"), countryNameToIso);
  return (ip) => lookupIpRange(table, ip);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const input = opt("--input");
  if (!input) {
    console.error("usage: npm run backtest -- --input CORPUS.jsonl[.gz] [--out REPORT.json] [--html REPORT.html] [--scores SCORES.csv] [--model FILE] [--ip-table FILE] [--threshold N] [--timezone IANA]");
    process.exit(2);
  }
  const t0 = performance.now();
  const model = opt("--model") ? (JSON.parse(readFileSync(opt("--model")!, "utf8")) as Model) : undefined;
  const ipTable = opt("--ip-table");
  const ipCountry = ipTable ? ipCountryFromTable(ipTable) : undefined;
  const thr = opt("--threshold");
  // The shop's timezone for hour-of-day signals (a CLI argument: checked, never cast); default UTC.
  const tz = z.string().min(1).refine(isKnownTimezone, "not an IANA timezone").safeParse(opt("--timezone") ?? "UTC");
  if (!tz.success) {
    console.error(`--timezone: ${tz.error.issues[0]?.message ?? "invalid"}`);
    process.exit(2);
  }
  process.stderr.write(`reading ${input}\n`);
  const { rows, bad } = await loadCorpus(input, (n) => process.stderr.write(`  read ${n} lines\r`));
  for (const b of bad.slice(0, 20)) process.stderr.write(`line ${b.line}: skipped: ${b.error}\n`);
  if (bad.length > 20) process.stderr.write(`... and ${bad.length - 20} more bad lines\n`);
  const { scored, failed } = replay(rows, { model, ipCountry, threshold: thr ? Number(thr) : undefined, timezone: tz.data, onProgress: (n) => process.stderr.write(`  replayed ${n}/${rows.length}\r`) });
  for (const b of failed.slice(0, 20)) process.stderr.write(`line ${b.line}: skipped: ${b.error}\n`);
  const report = buildReport(scored, bad.length + failed.length);
  const tpr = report.good_order_points.find((g) => g.good_held === 0.05)!;
  const out = opt("--out");
  if (out) writeFileSync(out, JSON.stringify(report, null, 2) + "\n");
  const html = opt("--html");
  if (html) writeFileSync(html, htmlReport(report, scored, resolve(input)));
  const csv = opt("--scores");
  if (csv) writeFileSync(csv, "order_id,score,verdict,fraud\n" + scored.map((s) => `${String(s.row.order.id)},${s.decision.score},${s.decision.verdict},${s.row.fraud}`).join("\n") + "\n");
  const p95 = report.approval_points.find((p) => p.approval === 0.95)!;
  const secs = (performance.now() - t0) / 1000;
  console.log(`\n${report.orders} orders (${report.fraud} fraud), ${report.skipped} skipped, model ${scored[0]?.decision.modelVersion ?? "-"}`);
  console.log(`ROC-AUC ${report.roc_auc}  PR-AUC ${report.pr_auc}`);
  for (const p of report.approval_points) console.log(`approval ${(p.approval * 100).toFixed(1)}%: threshold ${p.threshold}, fraud caught ${(p.fraud_caught * 100).toFixed(1)}%, fraud rate approved ${(p.fraud_rate_approved * 100).toFixed(2)}%`);
  console.log(`(95% approval of all orders: ${(p95.fraud_caught * 100).toFixed(1)}% caught; holding 5% of legitimate orders instead: ${(tpr.fraud_caught * 100).toFixed(1)}% caught at threshold ${tpr.threshold})`);
  console.log(`guarantee: fees ${report.guarantee.fees} ${report.guarantee.currency}, chargebacks on approved ${report.guarantee.chargebacks_on_approved}`);
  for (const c of report.guarantee.claims_at_approval_points) console.log(`  claims at ${(c.approval * 100).toFixed(1)}% approval (threshold ${c.threshold}): ${c.claims}, value ${c.claims_value}`);
  for (const line of summaryLines(report)) console.log(line);
  console.log(`time ${secs.toFixed(2)} s, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
