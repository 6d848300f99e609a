// Measurements of another process, from /proc (Linux), shared by the benchmarks. (Files in this
// folder are helpers: `npm run bench` runs only the scripts directly in scripts/bench/.)
import { readFileSync } from "node:fs";

/** Resident memory of a process, in bytes (0 once it is gone). */
export function rssBytes(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) * 1024;
  } catch {
    return 0; // process gone
  }
}

/** Samples a process's RSS every `everyMs`; `stop()` returns the peak seen. */
export function rssSampler(pid: number, everyMs = 100) {
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), everyMs);
  return { stop: () => (clearInterval(timer), peak) };
}

/** CPU seconds a process has used so far (user + system). */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The p-quantile (0..1) of ascending values. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}
