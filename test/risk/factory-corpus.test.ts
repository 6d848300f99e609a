import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadCorpus, replay } from "../../scripts/backtest";
import { factoryCorpus } from "../../scripts/factory-corpus";

describe("the order factory as a labelled corpus", () => {
  it("writes real-shaped orders/create payloads with labels and payment facts, deterministically", async () => {
    const a = factoryCorpus({ orders: 300, fraudRate: 0.2, seed: 3 });
    // Equal but for the emulator's random checkout tokens (no signal reads them).
    const strip = (l: string) => l.replace(/"(token|confirmation_number|order_status_url)":"[^"]*"/gu, "");
    expect(factoryCorpus({ orders: 300, fraudRate: 0.2, seed: 3 }).lines.map(strip)).toEqual(a.lines.map(strip));
    const dir = mkdtempSync(join(tmpdir(), "factory-"));
    writeFileSync(join(dir, "c.jsonl"), a.lines.join("\n"));
    const { rows, bad } = await loadCorpus(join(dir, "c.jsonl"));
    expect(bad).toEqual([]);
    expect(rows).toHaveLength(300);
    expect(rows.filter((r) => r.fraud)).toHaveLength(a.fraud);
    expect(a.fraud).toBeGreaterThan(30);
    // Card testing leaves failed attempts; the card facts reach the engine.
    const { scored } = replay(rows, {});
    expect(scored.some((s) => (s.features.failed_payment_attempts ?? 0) > 0)).toBe(true);
    expect(scored.some((s) => (s.features.cvv_mismatch ?? 0) !== 0)).toBe(true);
  });
});
