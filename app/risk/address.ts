/**
 * Address normalisation: variants of one address map to one key, so velocity and
 * resale signals count them together. No maintained offline library covers both
 * Western and Japanese notation, so this is our own and is table-tested
 * (test/risk/address.test.ts).
 */
import type { AddressFacts } from "./types";

const PREFECTURES = [
  "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県", "埼玉県", "千葉県",
  "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県",
  "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県",
  "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
];
// Also without the 都/府/県 suffix ("東京", "大阪"), longest first.
const PREFECTURE_PREFIXES = [...PREFECTURES, ...PREFECTURES.filter((p) => p !== "北海道").map((p) => p.slice(0, -1))]
  .sort((a, b) => b.length - a.length);

const KANJI_DIGITS: Record<string, number> = { 〇: 0, 零: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const KANJI_UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/** "二十三" -> 23, "百五" -> 105, "一〇三" -> 103. */
function kanjiToNumber(s: string): number {
  if (![...s].some((c) => c in KANJI_UNITS)) {
    return Number([...s].map((c) => KANJI_DIGITS[c] ?? 0).join(""));
  }
  let total = 0;
  let digit = 0;
  for (const c of s) {
    if (c in KANJI_DIGITS) digit = KANJI_DIGITS[c]!;
    else {
      total += (digit || 1) * KANJI_UNITS[c]!;
      digit = 0;
    }
  }
  return total + digit;
}

const KANJI_NUM_RE = /[〇零一二三四五六七八九十百千]+(?=\s*(?:丁目|番地|番|号|の|条|線|-|$))/gu;
const HYPHENS_RE = /[‐‑‒–—―−ー－ｰ─━]/gu;

function normaliseJapanese(s: string): string {
  let t = s.normalize("NFKC").replace(/\s+/gu, "");
  t = t.replace(/^〒?\d{3}-?\d{4}/u, "");
  t = t.replace(/^日本(国)?/u, "");
  for (const p of PREFECTURE_PREFIXES) {
    // "大阪市" / "京都市" are cities named after their prefecture: keep them.
    if (t.startsWith(p) && !/^[市郡]/u.test(t.slice(p.length))) {
      t = t.slice(p.length);
      break;
    }
  }
  // ー (long vowel mark) inside katakana words is not a hyphen: only replace it between digits.
  t = t.replace(KANJI_NUM_RE, (m) => String(kanjiToNumber(m)));
  t = t.replace(/(\d)[‐‑‒–—―−ー－ｰ─━](?=\d)/gu, "$1-").replace(HYPHENS_RE, (c) => (c === "ー" ? c : "-"));
  t = t.replace(/(\d+)(号室|号館)/gu, "$1");
  t = t.replace(/(\d+)(丁目|番地|番|号|の)/gu, "$1-");
  t = t.replace(/(\d)の(?=\d)/gu, "$1-");
  t = t.replace(/-+/gu, "-").replace(/-(?=[^\d])/gu, "").replace(/-$/u, "");
  t = t.replace(/[、,.。・()（）「」]/gu, "");
  return t.toLowerCase();
}

const WESTERN_WORDS: Record<string, string> = {
  apartment: "#", apt: "#", suite: "#", ste: "#", unit: "#", no: "#", number: "#", flat: "#", room: "#", rm: "#",
  street: "st", str: "st", avenue: "ave", av: "ave", road: "rd", drive: "dr", boulevard: "blvd", lane: "ln", court: "ct",
  place: "pl", square: "sq", highway: "hwy", parkway: "pkwy", terrace: "ter", circle: "cir", crescent: "cres",
  north: "n", south: "s", east: "e", west: "w", northeast: "ne", northwest: "nw", southeast: "se", southwest: "sw",
  floor: "fl", building: "bldg", "p.o.": "po", box: "box",
};

function normaliseWestern(s: string): string {
  const t = s
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/gu, "")
    .toLowerCase()
    .replace(/#/gu, " # ")
    .replace(/[.,;:'"`()/\\]/gu, " ")
    .replace(/(\d)(st|nd|rd|th)\b/gu, "$1")
    .replace(/\s*-\s*/gu, "-");
  const words = t.split(/\s+/u).filter(Boolean).map((w) => WESTERN_WORDS[w] ?? w);
  // "# 4" / "#4" -> "#4"; drop a repeated marker ("apt #4").
  const out: string[] = [];
  for (const w of words) {
    if (w === "#" && out[out.length - 1] === "#") continue;
    out.push(w);
  }
  return out.join(" ").replace(/# /gu, "#");
}

const JAPANESE_RE = /[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]/u;

/** Normalise one free-text address line (or a whole address) to a comparison form. */
export function normaliseAddressText(s: string): string {
  if (typeof s !== "string") return "";
  return JAPANESE_RE.test(s) ? normaliseJapanese(s) : normaliseWestern(s);
}

/** Normalise a postal code: NFKC, upper case, no spaces or hyphens. */
export function normaliseZip(zip: string | undefined): string {
  if (typeof zip !== "string") return "";
  return zip.normalize("NFKC").toUpperCase().replace(/[\s\-‐－〒]/gu, "");
}

/**
 * A comparison key for a postal address: country + normalised city and street
 * lines. Province/prefecture and zip are left out on purpose (often missing or
 * written in different forms); the recipient name is not part of the address.
 */
export function addressKey(a: AddressFacts | undefined): string | undefined {
  if (!a || typeof a !== "object") return undefined;
  const parts = [a.city, a.address1, a.address2].filter((p): p is string => typeof p === "string" && p.trim() !== "");
  if (parts.length === 0) return undefined;
  const country = typeof a.countryCode === "string" ? a.countryCode.toUpperCase() : "";
  const joined = parts.join(" ");
  const body = JAPANESE_RE.test(joined) ? normaliseJapanese(joined) : normaliseWestern(joined).replace(/[\s-]/gu, "");
  return `${country}|${body}`;
}

/** Normalised person name for comparisons: case, width, accents and word order do not matter. */
export function normaliseName(name: string | undefined): string {
  if (typeof name !== "string") return "";
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/gu, "")
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, " ")
    .split(/\s+/u)
    .filter(Boolean)
    .sort()
    .join(" ");
}
