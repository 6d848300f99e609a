// The guarantee policy, as a table: which screened orders are covered, and the reason when not.
import { describe, expect, it } from "vitest";
import { guaranteeFor, type GuaranteeInput } from "../../app/guarantee/policy";

const base: GuaranteeInput = { verdict: "ship", test: false, cancelled: false, reason: "orders/create", previous: undefined };

describe("guaranteeFor", () => {
  it.each<[string, Partial<GuaranteeInput>, string, string | null]>([
    ["an approved order is covered", {}, "active", null],
    ["an approved order found by reconciliation is covered", { reason: "reconcile" }, "active", null],
    ["a test order is not covered", { test: true }, "none", "test order: not guaranteed"],
    ["a cancelled order is not covered", { cancelled: true }, "none", "order cancelled: not guaranteed"],
    ["a held order is not covered", { verdict: "hold" }, "none", null],
    ["re-approved after an address change: covered again, and said so", { reason: "address_changed", previous: "active" }, "active", "re-approved after the shipping address changed"],
    ["held after an address change of an approved order: void", { verdict: "hold", reason: "address_changed", previous: "active" }, "void", "shipping address changed after approval and the re-screen held the order"],
    ["held after an address change of an order that was not covered: still none", { verdict: "hold", reason: "address_changed", previous: "none" }, "none", null],
  ])("%s", (_name, input, guarantee, note) => {
    expect(guaranteeFor({ ...base, ...input })).toEqual({ guarantee, note });
  });
});
