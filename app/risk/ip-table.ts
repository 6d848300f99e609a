/**
 * IP-range -> country table (e.g. the fraud-ecommerce `ip_country.csv`), for backtests
 * whose IPs are synthetic. Pure: the caller reads the file and passes its text.
 */
export interface IpRangeTable {
  lo: Float64Array;
  hi: Float64Array;
  country: string[];
}

export function parseIpRangeCsv(text: string, mapCountry: (name: string) => string | undefined = (n) => n): IpRangeTable {
  const rows: [number, number, string][] = [];
  for (const line of text.split(/\r?\n/u)) {
    const m = /^(\d+(?:\.\d+)?),(\d+(?:\.\d+)?),(.*)$/u.exec(line.trim());
    if (!m) continue;
    const c = mapCountry(m[3]!.replace(/^"|"$/gu, ""));
    if (c) rows.push([Number(m[1]), Number(m[2]), c]);
  }
  rows.sort((a, b) => a[0] - b[0]);
  return { lo: Float64Array.from(rows.map((r) => r[0])), hi: Float64Array.from(rows.map((r) => r[1])), country: rows.map((r) => r[2]) };
}

export function ipToInt(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/u.exec(ip);
  if (!m) return undefined;
  const p = m.slice(1).map(Number);
  if (p.some((x) => x > 255)) return undefined;
  return ((p[0]! * 256 + p[1]!) * 256 + p[2]!) * 256 + p[3]!;
}

export function intToIp(n: number): string {
  const x = Math.floor(n) >>> 0;
  return [x >>> 24, (x >>> 16) & 255, (x >>> 8) & 255, x & 255].join(".");
}

export function lookupIpRange(table: IpRangeTable, ip: string): string | undefined {
  const n = ipToInt(ip);
  if (n === undefined) return undefined;
  let lo = 0;
  let hi = table.lo.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (table.hi[mid]! < n) lo = mid + 1;
    else if (table.lo[mid]! > n) hi = mid - 1;
    else return table.country[mid];
  }
  return undefined;
}
