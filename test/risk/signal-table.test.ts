import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { signalTable } from "../../scripts/signal-table";

describe("docs/risk-engine.md signal table", () => {
  it("is the table generated from the signals' meta and the shipped model (npx tsx scripts/signal-table.ts)", () => {
    const doc = readFileSync("docs/risk-engine.md", "utf8");
    const m = /<!-- signal-table -->\n([\s\S]*?)\n<!-- \/signal-table -->/u.exec(doc);
    expect(m, "markers missing").not.toBeNull();
    expect(m![1]).toBe(signalTable());
  });
});
