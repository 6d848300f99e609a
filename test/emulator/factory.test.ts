import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../emulator/clock.js";
import { loadCorpus } from "../../emulator/corpus.js";
import { ShopifyEmulator } from "../../emulator/emulator.js";
import { FRAUD_PATTERNS, OrderFactory } from "../../emulator/order-factory.js";
import { orderPayload } from "../../emulator/rest-payloads.js";

describe("order factory", () => {
  it("is deterministic for a seed and differs across seeds", () => {
    const a = new OrderFactory({ seed: 42 }).batch(50, 0.3);
    const b = new OrderFactory({ seed: 42 }).batch(50, 0.3);
    const c = new OrderFactory({ seed: 43 }).batch(50, 0.3);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a.some((o) => o.fraud) && a.some((o) => !o.fraud)).toBe(true);
  });

  it("produces each fraud pattern with its tell-tale signal", () => {
    const f = new OrderFactory({ seed: 5 });
    const by = Object.fromEntries(FRAUD_PATTERNS.map((p) => [p, f.fraud(p).draft]));
    const fresh = by.fresh_account_fast_checkout;
    expect(Date.parse(fresh?.createdAt ?? "") - Date.parse(fresh?.customer?.createdAt ?? "")).toBeLessThan(60_000);
    expect(by.country_mismatch?.billingAddress?.countryCode).not.toBe(by.country_mismatch?.shippingAddress?.countryCode);
    expect(by.disposable_email?.email).toMatch(/@(mailinator|guerrillamail|10minutemail|yopmail|trashmail|sharklasers)\.com$/);
    expect(Math.max(...(by.bulk_single_item?.lineItems.map((li) => li.quantity) ?? [0]))).toBeGreaterThanOrEqual(12);
    const attempts = by.card_testing?.transactions ?? [];
    expect(attempts.filter((t) => t.status === "FAILURE").length).toBeGreaterThanOrEqual(3);
    expect(attempts.at(-1)?.card?.avsResultCode).not.toBe("Y");
    const ring = [f.fraud("device_reuse"), f.fraud("device_reuse"), f.fraud("device_reuse"), f.fraud("device_reuse")].map((o) => o.draft);
    const devices = ring.map((d) => d.noteAttributes?.find((n) => n.name === "_holdfast_device")?.value);
    expect(new Set(devices).size).toBeLessThan(devices.length);
    expect(new Set(ring.map((d) => d.email)).size).toBe(ring.length);
  });

  it("builds Japanese buyers with kanji names and Japanese addresses", () => {
    const draft = new OrderFactory({ seed: 9 }).japanese().draft;
    expect(draft.shippingAddress?.countryCode).toBe("JP");
    expect(draft.shippingAddress?.zip).toMatch(/^\d{3}-\d{4}$/);
    expect(draft.customer?.lastName).toMatch(/[\u4e00-\u9faf]/);
    expect(draft.clientDetails?.acceptLanguage).toMatch(/^ja-JP/);
  });
});

describe("corpus loading", () => {
  it("loads orders and labels, skipping malformed lines with their line numbers", () => {
    const dir = mkdtempSync(join(tmpdir(), "corpus-"));
    const file = join(dir, "corpus.jsonl");
    const good = {
      order: {
        id: 4_100_000_000_001,
        created_at: "2026-07-01T10:00:00Z",
        total_price: "120.00",
        currency: "USD",
        email: "c@example.com",
        customer: { id: 7_100_000_000_001, created_at: "2026-07-01T09:59:50Z", email: "c@example.com" },
        note_attributes: [{ name: "_holdfast_device", value: "dev_1" }],
        payment_details: { avs_result_code: "N", cvv_result_code: "N", credit_card_bin: "424242", credit_card_company: "Visa", failed_attempts: 2 },
      },
      label: { fraud: true, chargeback: { amount: "120.00", currency: "USD", reason: "fraudulent" } },
    };
    writeFileSync(file, [JSON.stringify(good), "{not json", JSON.stringify({ order: { id: 5 } }), ""].join("\n"));
    const emulator = new ShopifyEmulator({ clock: new ManualClock() });
    const shop = emulator.createShop("corpus.myshopify.com");
    const result = loadCorpus(shop, file);
    expect(result.loaded).toBe(1);
    expect(result.skipped.map((s) => s.line)).toEqual([2, 3]);
    expect(result.labels.get(4_100_000_000_001)?.fraud).toBe(true);
    const order = shop.requireOrder(4_100_000_000_001);
    expect(order.transactions.map((t) => t.status)).toEqual(["FAILURE", "FAILURE", "SUCCESS"]);
    const payload = orderPayload(shop, order);
    expect(payload).toMatchObject({ id: 4_100_000_000_001, total_price: "120.00", customer: { id: 7_100_000_000_001 } });
  });
});
