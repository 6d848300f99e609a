// Rules of the structure that lint cannot see (the import rules are in eslint.config.js):
// job payloads come back from the database parsed by their kind's schema, never cast.
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return name === "types" ? [] : sources(file);
    return /\.(ts|tsx|mjs)$/.test(name) ? [file] : [];
  });
}

describe("structure", () => {
  const files = sources("app").map((file) => ({ file, text: readFileSync(file, "utf8") }));

  it("casts no job payload (nor anything to `object`)", () => {
    const offenders = files.flatMap(({ file, text }) =>
      text.split("\n").flatMap((line, i) => (/payload\)? as (?!unknown\b)[A-Za-z{]|\bas object\b/.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(offenders).toEqual([]);
  });

  it("registers every job kind through defineJob, with a payload schema", () => {
    const root = readFileSync("app/background/runtime.server.ts", "utf8");
    expect(root).not.toMatch(/job\.payload/);
    expect(root.match(/defineJob\(/g)?.length).toBeGreaterThanOrEqual(6);
  });
});
