// How Holdfast is run outside `npm start` on a developer's machine: by the Shopify CLI
// (shopify.web.toml, `npm run dev`) and in a container (Dockerfile). Neither can run here (the CLI's
// `app dev` needs a Partner login, and there is no Docker), so these tests check what can be checked
// offline: the TOML against the keys the CLI documents and parses, and that the image copies what
// `npm start` needs and runs the same commands.
import { existsSync, readFileSync } from "node:fs";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { WEBHOOK_ROUTES } from "../../app/webhooks/subscriptions.server";

const pkg = z
  .object({ scripts: z.record(z.string()), engines: z.object({ node: z.string() }) })
  .parse(JSON.parse(readFileSync("package.json", "utf8")));

/**
 * shopify.web.toml as @shopify/cli 3.92.1 parses it (`WebConfigurationSchema` in its dist/index.js;
 * https://shopify.dev/docs/apps/build/cli-for-apps/app-structure#web-components): strict here, so
 * a misspelt key fails instead of being ignored by the CLI.
 */
const WebConfiguration = z
  .object({
    name: z.string().optional(),
    roles: z.array(z.enum(["frontend", "backend", "background"])).min(1),
    webhooks_path: z.string().startsWith("/").optional(),
    auth_callback_path: z.union([z.string(), z.array(z.string())]).optional(),
    port: z.number().int().min(0).max(65536).optional(),
    commands: z.object({ build: z.string().optional(), predev: z.string().optional(), dev: z.string().min(1) }).strict(),
    hmr_server: z.object({ http_paths: z.array(z.string()) }).strict().optional(),
  })
  .strict();

describe("shopify.web.toml (the Shopify CLI's web process)", () => {
  const web = WebConfiguration.parse(parse(readFileSync("shopify.web.toml", "utf8")));

  it("is one process serving both the embedded pages and the webhooks, as in Shopify's Remix template", () => {
    expect(web.roles.sort()).toEqual(["backend", "frontend"]);
  });

  it("names a webhook path Holdfast serves", () => {
    expect(Object.keys(WEBHOOK_ROUTES)).toContain(web.webhooks_path);
  });

  it("prepares like `npm install` does (clients, types, migrations), then starts Vite with the Remix plugin", () => {
    expect(web.commands.predev).toBe("npm run setup");
    expect(pkg.scripts.setup).toMatch(/db-generate\.mjs.*codegen\.mjs.*db-migrate\.mjs/);
    expect(web.commands.dev).toBe("npm exec remix vite:dev");
    expect(existsSync("node_modules/.bin/remix")).toBe(true);
    expect(existsSync("vite.config.ts")).toBe(true);
  });

  it("is what `npm run dev` starts", () => {
    expect(pkg.scripts.dev).toBe("shopify app dev");
  });

  it("README names a Shopify CLI that runs on Node 20 (3.92.x; 4.x needs Node 22)", () => {
    expect(pkg.engines.node).toBe(">=20.10");
    expect(readFileSync("README.md", "utf8")).toContain("npm install -g @shopify/cli@3.92.1");
  });
});

/** One Dockerfile instruction per logical line (continuations joined, comments dropped). */
function instructions(text: string): { op: string; args: string }[] {
  return text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => {
      const [op = "", ...rest] = line.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(" ") };
    });
}

/** Docker's .dockerignore matching (Go filepath.Match from the context root, `**` for any depth); a matched directory excludes all below it. */
function ignoredBy(patterns: string[], file: string): boolean {
  const toRegex = (p: string) =>
    new RegExp(
      `^${p
        .split("**/")
        .map((part) => part.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]"))
        .join("(?:.*/)?")}$`,
    );
  const parts = file.split("/");
  const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join("/"));
  return patterns.some((p) => prefixes.some((prefix) => toRegex(p).test(prefix)));
}

describe("Dockerfile (production image)", () => {
  const steps = instructions(readFileSync("Dockerfile", "utf8"));
  const dockerignore = readFileSync(".dockerignore", "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));

  it("builds on the Node major the app runs on", () => {
    const from = steps.filter((s) => s.op === "FROM");
    expect(from).toHaveLength(1);
    expect(from[0]!.args).toMatch(/^node:20[.-]/);
  });

  it("installs from the lockfile, builds, and runs `npm start` (migrations, then the server) on the default port", () => {
    const run = steps.filter((s) => s.op === "RUN").map((s) => s.args).join(" && ");
    expect(run).toContain("npm ci");
    expect(run.indexOf("npm run build")).toBeGreaterThan(run.indexOf("npm ci"));
    const cmd = steps.filter((s) => s.op === "CMD");
    expect(cmd.map((s) => JSON.parse(s.args) as unknown)).toEqual([["npm", "start"]]);
    expect(pkg.scripts.start).toMatch(/^node scripts\/db-migrate\.mjs && exec node scripts\/serve\.mjs \.\/build\/server\/index\.js$/);
    expect(steps.find((s) => s.op === "EXPOSE")?.args).toBe("3000");
    expect(steps.find((s) => s.op === "ENV")?.args).toMatch(/NODE_ENV=production/);
  });

  it("copies the whole context, and the context keeps everything install, build and start read", () => {
    expect(steps.filter((s) => s.op === "COPY").map((s) => s.args)).toEqual([". ."]);
    const scriptFiles = Object.values(pkg.scripts).flatMap((s) => [...s.matchAll(/scripts\/[\w./-]+\.(?:mjs|ts)/g)].map((m) => m[0]));
    const needed = [
      "package.json", "package-lock.json", "prisma.config.ts", "prisma/schema.prisma", "prisma/postgresql/schema.prisma",
      "prisma/migrations/migration_lock.toml", "app/root.tsx", "app/entry.server.tsx", "app/shopify/version.mjs", "vite.config.ts",
      "tsconfig.json", ".graphqlrc.ts", "shopify.app.toml", "shopify.web.toml", ...new Set(scriptFiles),
    ];
    for (const file of needed) {
      expect(existsSync(file), `${file} exists`).toBe(true);
      expect(ignoredBy(dockerignore, file), `${file} reaches the image`).toBe(false);
    }
  });

  it("leaves out what is installed or built inside the image, local databases and secrets", () => {
    for (const file of ["node_modules/zod/package.json", "build/server/index.js", "app/types/admin.generated.d.ts", ".env", "prisma/holdfast.sqlite", "prisma/holdfast.sqlite-wal", ".git/HEAD"]) {
      expect(ignoredBy(dockerignore, file), file).toBe(true);
    }
  });
});
