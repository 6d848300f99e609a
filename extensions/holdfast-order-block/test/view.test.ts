// The block's logic without the admin: the language it asks for, the order id it reads from the
// admin's selection, and what it shows for each answer of /api/order-block/:orderId. Texts come
// from the extension's own locale files, interpolated as the admin does ({{name}}).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { appHref, blockUrl, failureOf, orderIdOf, pickLocale, toView, type Translate } from "../src/view";

type Catalogue = { [key: string]: string | Catalogue };
const catalogue = (file: string): Catalogue => JSON.parse(readFileSync(new URL(`../locales/${file}`, import.meta.url), "utf8")) as Catalogue;

/** `shopify.i18n.translate` over one locale file: nested keys with dots, `{{name}}` replaced. */
function translator(file: string): Translate {
  const root = catalogue(file);
  return (key, vars = {}) => {
    let node: string | Catalogue | undefined = root;
    for (const part of key.split(".")) node = typeof node === "object" ? node[part] : undefined;
    if (typeof node !== "string") throw new Error(`missing key ${key} in ${file}`);
    return node.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
  };
}
const en = translator("en.default.json");
const ja = translator("ja.json");
const percent = (share: number) => `${Math.round(share * 1000) / 10}%`;

const screened = {
  screened: true, orderId: "1001", orderName: "#1001", locale: "en", verdict: "ship", score: 120, threshold: 700, probability: 0.012,
  reasons: ["Billing and shipping match", "Known good customer", "Card country matches", "A fourth"],
  guarantee: { state: "active", reasonKey: "guarantee.active", reasonText: "Guaranteed: ..." }, receiptPath: "/app/orders/1001",
};

describe("order block view", () => {
  it("asks for the language of the locale file the admin picked, then the browser's, else English", () => {
    expect(pickLocale(en("apiLocale"))).toBe("en");
    expect(pickLocale(ja("apiLocale"))).toBe("ja");
    expect(pickLocale("apiLocale", "ja-JP")).toBe("ja");
    expect(pickLocale(undefined, "fr-FR")).toBe("en");
    expect(pickLocale(null, null)).toBe("en");
    expect(blockUrl("1001", "ja")).toBe("/api/order-block/1001?locale=ja");
  });

  it("reads the numeric order id from the admin's selection and nothing else", () => {
    expect(orderIdOf([{ id: "gid://shopify/Order/1001" }])).toBe("1001");
    expect(orderIdOf([{ id: "gid://shopify/Product/1001" }])).toBeNull();
    expect(orderIdOf([{ id: "gid://shopify/Order/1001/../2" }])).toBeNull();
    expect(orderIdOf([])).toBeNull();
    expect(orderIdOf(undefined)).toBeNull();
  });

  it("shows a screened order: verdict badge, score, probability, three reasons, guarantee and the receipt link", () => {
    expect(toView(screened, en, percent)).toEqual({
      kind: "screened",
      verdict: { label: "Approved", tone: "success" },
      score: "Risk score: 120 / 1000 (hold at 700)",
      probability: "Chance of a fraud chargeback: 1.2%",
      reasons: screened.reasons.slice(0, 3),
      guarantee: { label: "Guaranteed", tone: "success", text: "Guaranteed: ..." },
      receiptHref: "app:app/orders/1001",
    });
    const held = toView({ ...screened, verdict: "hold", probability: null, guarantee: { state: "none", reasonKey: "guarantee.held", reasonText: "保留中" } }, ja, percent);
    expect(held).toMatchObject({ verdict: { label: "保留", tone: "critical" }, probability: null, guarantee: { label: "保証なし", text: "保留中" } });
    expect(held && held.kind === "screened" ? held.score : "").toBe("リスクスコア: 120 / 1000（700 以上で保留）");
  });

  it("never shows an unknown verdict as approved nor an unknown guarantee as guaranteed", () => {
    const odd = toView({ ...screened, verdict: "maybe", guarantee: { state: "pending", reasonText: "x" } }, en, percent);
    expect(odd).toMatchObject({ verdict: { label: "Unknown verdict", tone: "warning" }, guarantee: { label: "Not guaranteed", tone: "neutral", text: null } });
    expect(toView({ ...screened, guarantee: undefined }, en, percent)).toMatchObject({ guarantee: { label: "Not guaranteed" } });
  });

  it("shows 'not screened' for screened:false and an error for an answer Holdfast does not give", () => {
    expect(toView({ screened: false, orderId: "1", locale: "en" }, en, percent)).toEqual({ kind: "not_screened" });
    for (const body of [null, "ok", [], {}, { screened: "yes" }, { ...screened, score: "120" }, { ...screened, threshold: undefined }]) {
      expect(toView(body, en, percent)).toBeNull();
    }
    expect(failureOf(404)).toBe("not_found");
    expect(failureOf(401)).toBe("error");
    expect(failureOf(502)).toBe("error");
  });

  it("links only to the app's own pages and drops reasons that are not text", () => {
    expect(appHref("/app/orders/1001")).toBe("app:app/orders/1001");
    for (const bad of ["https://evil.example/app", "//evil.example", "/app/../x", "javascript:alert(1)", 5, null]) expect(appHref(bad)).toBe("app:app");
    expect(toView({ ...screened, reasons: ["a", 5, { x: 1 }, "b"] }, en, percent)).toMatchObject({ reasons: ["a", "b"] });
    expect(toView({ ...screened, probability: 3 }, en, percent)).toMatchObject({ probability: null });
  });
});
