/**
 * Convert the shared labelled datasets into corpora (JSON Lines of
 * {order: orders/create payload, label}) following ../shared/datasets/README.md.
 *
 *   npx tsx scripts/convert-datasets.ts [--data ../shared/datasets] [--out-dir .cache/corpora]
 *
 * Writes fraud-ecommerce.jsonl and ravelin.jsonl. The outputs are derived from
 * evaluation-only data: keep them in .cache/ and never commit them.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "csv-parse/sync";
import { intToIp } from "../app/risk/ip-table";

const UA: Record<string, string> = {
  Chrome: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/43.0.2357.130 Safari/537.36",
  FireFox: "Mozilla/5.0 (Windows NT 6.1; WOW64; rv:38.0) Gecko/20100101 Firefox/38.0",
  IE: "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko",
  Safari: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_10_3) AppleWebKit/600.6.3 (KHTML, like Gecko) Version/8.0.6 Safari/600.6.3",
  Opera: "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/42.0.2311.152 Safari/537.36 OPR/29.0.1795.60",
};

/** "4/18/2015 2:47" (no zone in the data: read as UTC) -> ISO 8601. */
export function parseUsDateTime(s: string): string {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))?$/u.exec(s.trim());
  if (!m) throw new Error(`bad date ${s}`);
  return new Date(Date.UTC(+m[3]!, +m[1]! - 1, +m[2]!, +m[4]!, +m[5]!, m[6] ? +m[6] : 0)).toISOString();
}

export interface CorpusRecord { order: Record<string, unknown>; label: { fraud: boolean; chargeback?: { amount: string; currency: string; reason: string } } }

export function convertFraudEcommerce(csvText: string): CorpusRecord[] {
  const rows = parse(csvText, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  return rows.map((r, i) => {
    const ip = intToIp(Math.floor(Number(r.ip_address)));
    const src = r.source;
    const fraud = r.class === "1";
    const value = String(Number(r.purchase_value).toFixed(2));
    return {
      order: {
        id: i + 1, name: `#FE${i + 1}`, created_at: parseUsDateTime(r.purchase_time!), total_price: value, currency: "USD",
        browser_ip: ip, client_details: { browser_ip: ip, user_agent: UA[r.browser!] ?? r.browser },
        customer: { id: Number(r.user_id), created_at: parseUsDateTime(r.signup_time!), orders_count: 1 },
        referring_site: src === "SEO" ? "https://www.google.com/" : null,
        landing_site: src === "Ads" ? "/?utm_source=ads" : src === "SEO" ? "/" : null,
        source_name: "web",
        note_attributes: [{ name: "_holdfast_device", value: r.device_id }],
        line_items: [{ title: "Hand-made clothing", quantity: 1, price: value }],
      },
      label: fraud ? { fraud, chargeback: { amount: value, currency: "USD", reason: "fraudulent" } } : { fraud },
    };
  });
}

/** "5493 Jones Islands\nBrownside, CA 51896" -> REST address (US-style fictional data). */
export function parseUsAddress(s: unknown, name?: string): Record<string, unknown> | undefined {
  if (typeof s !== "string" || !s.trim()) return undefined;
  const [line1, rest = ""] = s.split("\n");
  const m = /^(.*?),\s*([A-Z]{2})\s+(\d{5}(?:-\d{4})?)$/u.exec(rest.trim());
  return { name, address1: line1, city: m ? m[1] : rest, province_code: m?.[2], zip: m?.[3], country_code: "US" };
}

type J = Record<string, unknown>;
export function convertRavelin(jsonlText: string): CorpusRecord[] {
  const out: CorpusRecord[] = [];
  let n = 0;
  for (const line of jsonlText.split("\n")) {
    if (!line.trim()) continue;
    const rec = JSON.parse(line) as J;
    const c = (rec.customer ?? {}) as J;
    const orders = (rec.orders ?? []) as J[];
    const pms = (rec.paymentMethods ?? []) as J[];
    const txs = (rec.transactions ?? []) as J[];
    const fraud = rec.fraudulent === true;
    orders.forEach((o, idx) => {
      n++;
      const otx = txs.filter((t) => t.orderId === o.orderId);
      const okTx = otx.find((t) => !t.transactionFailed);
      const pm = pms.find((p) => p.paymentMethodId === (okTx ?? otx[0])?.paymentMethodId);
      const failed = otx.filter((t) => t.transactionFailed).length + pms.filter((p) => p.paymentMethodRegistrationFailure === true).length;
      const amount = String(Number(o.orderAmount ?? 0).toFixed(2));
      out.push({
        order: {
          id: n, name: `#RV${n}`, created_at: o.loggedAt, total_price: amount, currency: "USD", email: c.customerEmail, phone: c.customerPhone,
          browser_ip: c.customerIPAddress, client_details: { browser_ip: c.customerIPAddress },
          customer: { id: String(c.customerEmail ?? n), created_at: c.loggedAt, orders_count: idx + 1 },
          billing_address: parseUsAddress(c.customerBillingAddress), shipping_address: parseUsAddress(o.orderShippingAddress),
          note_attributes: c.customerDevice ? [{ name: "_holdfast_device", value: c.customerDevice }] : [],
          payment_details: { credit_card_company: pm?.paymentMethodProvider, failed_attempts: failed },
          line_items: [{ title: "Item", quantity: 1, price: amount }],
        },
        label: fraud ? { fraud, chargeback: { amount, currency: "USD", reason: "fraudulent" } } : { fraud },
      });
    });
  }
  return out;
}

function main(): void {
  const args = process.argv.slice(2);
  const opt = (name: string, def: string): string => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] ? args[i + 1]! : def;
  };
  const data = resolve(opt("--data", "../shared/datasets"));
  const outDir = resolve(opt("--out-dir", ".cache/corpora"));
  mkdirSync(outDir, { recursive: true });
  const write = (name: string, recs: CorpusRecord[]): void => {
    writeFileSync(join(outDir, name), recs.map((r) => JSON.stringify(r)).join("\n") + "\n");
    console.log(`${join(outDir, name)}: ${recs.length} orders, ${recs.filter((r) => r.label.fraud).length} fraud`);
  };
  write("fraud-ecommerce.jsonl", convertFraudEcommerce(readFileSync(join(data, "fraud-ecommerce/orders.csv"), "utf8")));
  write("ravelin.jsonl", convertRavelin(readFileSync(join(data, "ravelin/customers.jsonl"), "utf8")));
  console.log(`IP countries for fraud-ecommerce: pass --ip-table ${join(data, "fraud-ecommerce/ip_country.csv")} to the backtest.`);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) main();
