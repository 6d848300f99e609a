import { describe, expect, it } from "vitest";
import { CATALOGUES, isMessageKey, localeOf, translate } from "../../app/i18n";

describe("message catalogues", () => {
  it("has every key in both languages, non-empty, with the same placeholders", () => {
    const en = Object.keys(CATALOGUES.en).sort();
    expect(Object.keys(CATALOGUES.ja).sort()).toEqual(en);
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of en) {
      const k = key as keyof typeof CATALOGUES.en;
      expect(CATALOGUES.ja[k].trim(), key).not.toBe("");
      expect(placeholders(CATALOGUES.ja[k]), key).toEqual(placeholders(CATALOGUES.en[k]));
    }
  });

  it("the Japanese catalogue is Japanese", () => {
    for (const [key, text] of Object.entries(CATALOGUES.ja)) expect(/[\u3040-\u30ff\u4e00-\u9fff]/.test(text), key).toBe(true);
  });

  it("fills placeholders and picks the locale", () => {
    expect(translate("en", "claim.reason_not_covered", { reason: "duplicate" })).toContain('"duplicate"');
    expect(translate("ja", "hold.reason_notes", { score: 812 })).toContain("812/1000");
    expect(localeOf("ja-JP")).toBe("ja");
    expect(localeOf("en-US")).toBe("en");
    expect(localeOf(null)).toBe("en");
    expect(isMessageKey("guarantee.held")).toBe(true);
    expect(isMessageKey("toString")).toBe(false);
  });
});
