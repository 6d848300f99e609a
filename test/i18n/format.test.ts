import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime, formatMoney, formatNumber, formatPercent } from "../../app/i18n/format";

describe("Intl formatting for the staff pages", () => {
  it("money keeps the currency's own decimals: JPY none, USD two", () => {
    expect(formatMoney("ja", "1200", "JPY")).toBe("￥1,200");
    expect(formatMoney("en", "1200", "JPY")).toBe("¥1,200");
    expect(formatMoney("en", "12.5", "USD")).toBe("$12.50");
    expect(formatMoney("ja", "12.5", "USD")).toBe("$12.50");
  });

  it("an amount that is not a number is shown as it came, never as 0; no amount is a dash", () => {
    expect(formatMoney("en", "abc", "USD")).toBe("abc");
    expect(formatMoney("en", null, "USD")).toBe("—");
    expect(formatMoney("en", "5", "not-a-currency")).toBe("5");
  });

  it("numbers, percentages and dates follow the locale and the shop's timezone", () => {
    expect(formatNumber("en", 12345.5)).toBe("12,345.5");
    expect(formatPercent("ja", 0.767)).toBe("76.7%");
    const at = "2026-11-30T23:30:00Z";
    expect(formatDate("en", at, "UTC")).toBe("Nov 30, 2026");
    expect(formatDate("en", at, "Asia/Tokyo")).toBe("Dec 1, 2026");
    expect(formatDate("ja", at, "Asia/Tokyo")).toBe("2026/12/01");
    expect(formatDateTime("en", "not a date")).toBe("—");
  });

  it("a timezone the runtime does not know falls back to UTC instead of failing the page", () => {
    expect(formatDate("en", "2026-11-30T23:30:00Z", "Mars/Olympus_Mons")).toBe("Nov 30, 2026");
  });
});
