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

const ALIASES: Record<string, string> = {
  "korea republic of": "KR", "hong kong": "HK", "taiwan; republic of china (roc)": "TW", "viet nam": "VN", "russian federation": "RU",
  "iran (islamic republic of)": "IR", "syrian arab republic": "SY", "czech republic": "CZ", turkey: "TR", "palestinian territory occupied": "PS",
  "moldova republic of": "MD", macedonia: "MK", "croatia (local name: hrvatska)": "HR", "bosnia and herzegowina": "BA", "libyan arab jamahiriya": "LY",
  "slovakia (slovak republic)": "SK", "saint vincent and the grenadines": "VC", macau: "MO", "wallis and futuna islands": "WF",
  "tanzania united republic of": "TZ", "cote d'ivoire": "CI", congo: "CG", "congo the democratic republic of the": "CD", swaziland: "SZ", reunion: "RE",
  "holy see (vatican city state)": "VA", "virgin islands (british)": "VG", myanmar: "MM", "brunei darussalam": "BN", "trinidad and tobago": "TT",
  "turks and caicos islands": "TC", "virgin islands (u.s.)": "VI", "antigua and barbuda": "AG", "st. pierre and miquelon": "PM", "saint martin": "MF",
  "lao people's democratic republic": "LA", "micronesia federated states of": "FM", curacao: "CW", "bonaire; sint eustatius; saba": "BQ",
  "korea democratic people's republic of": "KP", "sao tome and principe": "ST", "saint kitts and nevis": "KN", "european union": "EU",
};
let byName: Map<string, string> | undefined;

/** English country name (as in ip_country.csv) -> ISO 3166-1 alpha-2, via Intl.DisplayNames plus aliases. */
export function countryNameToIso(name: string): string | undefined {
  const n = name.trim().toLowerCase();
  if (/^[a-z]{2}$/u.test(n)) return n.toUpperCase();
  if (!byName) {
    byName = new Map();
    const dn = new Intl.DisplayNames(["en"], { type: "region" });
    for (let a = 65; a < 91; a++) {
      for (let b = 65; b < 91; b++) {
        const code = String.fromCharCode(a, b);
        try {
          const label = dn.of(code);
          if (label && label !== code) byName.set(label.toLowerCase(), code);
        } catch {
          // not a region code
        }
      }
    }
  }
  return ALIASES[n] ?? byName.get(n);
}
