// The extension's own locale files (shopify.i18n.translate): the same keys in both, the same
// {{placeholders}} per key, no empty text, and Japanese that is Japanese.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

type Catalogue = { [key: string]: string | Catalogue };
const load = (file: string) => JSON.parse(readFileSync(new URL(`../locales/${file}`, import.meta.url), "utf8")) as Catalogue;

function flatten(c: Catalogue, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(c)) {
    if (typeof v === "string") out.set(prefix + k, v);
    else for (const [kk, vv] of flatten(v, `${prefix}${k}.`)) out.set(kk, vv);
  }
  return out;
}
const placeholders = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

describe("order block locale files", () => {
  const en = flatten(load("en.default.json"));
  const ja = flatten(load("ja.json"));

  it("have the same keys", () => {
    expect([...ja.keys()].sort()).toEqual([...en.keys()].sort());
  });

  it("have the same placeholders per key and no empty text", () => {
    for (const [key, text] of en) {
      expect(text.trim(), key).not.toBe("");
      expect(ja.get(key)?.trim(), key).not.toBe("");
      expect(placeholders(ja.get(key) ?? ""), key).toEqual(placeholders(text));
      expect(text, key).not.toMatch(/(^|[^{])\{\w+\}/);
    }
  });

  it("are English and Japanese", () => {
    expect(en.get("apiLocale")).toBe("en");
    expect(ja.get("apiLocale")).toBe("ja");
    const japanese = /[\u3040-\u30ff\u4e00-\u9fff]/;
    for (const [key, text] of ja) {
      if (key === "apiLocale" || key === "heading") continue;
      expect(text, key).toMatch(japanese);
      expect(text, key).not.toBe(en.get(key));
    }
  });
});
