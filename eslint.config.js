import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";
import react from "eslint-plugin-react";
import reactHooks from "eslint-plugin-react-hooks";

export default tseslint.config(
  { ignores: ["build/**", "node_modules/**", "public/build/**", "extensions/*/dist/**", "extensions/*/shopify.d.ts", "app/types/**", "**/*.d.mts", ".cache/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
  {
    files: ["**/*.tsx"],
    plugins: { react, "react-hooks": reactHooks },
    settings: { react: { version: "detect" } },
    rules: { ...react.configs.recommended.rules, ...react.configs["jsx-runtime"].rules, "react-hooks/rules-of-hooks": "error", "react-hooks/exhaustive-deps": "warn", "react/prop-types": "off" },
  },
  {
    // Dependencies point one way (docs/decisions/006): the app never imports its scripts, tests or
    // the emulator; the job layer knows nothing of the rooms whose work it runs.
    files: ["app/**/*.ts", "app/**/*.tsx", "app/**/*.mjs"],
    ignores: ["app/risk/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [
        { group: ["**/scripts/**", "**/test/**", "**/emulator/**"], message: "app/ must not import scripts/, test/ or emulator/." },
      ] }],
    },
  },
  {
    files: ["app/jobs/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [
        { group: ["**/scripts/**", "**/test/**", "**/emulator/**"], message: "app/ must not import scripts/, test/ or emulator/." },
        { group: ["**/screening/**", "**/guarantee/**", "**/compliance/**", "**/shopify/**", "**/background/**", "**/webhooks/**", "**/review/**", "**/routes/**"], message: "app/jobs knows only jobs: the composition root (app/background) wires the rooms." },
      ] }],
    },
  },
  {
    // The risk engine is pure: no I/O, no edges (docs/architecture.md).
    files: ["app/risk/**/*.ts"],
    ignores: ["app/risk/**/*.test.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [
        { group: ["node:fs", "node:net", "node:http", "node:https", "fs", "http", "https", "@prisma/*", "graphql-request", "~/shopify/*", "~/jobs/*", "~/db.server", "*.server", "*.server.ts"], message: "app/risk is pure: no I/O imports." },
        { group: ["**/scripts/**", "**/test/**", "**/emulator/**"], message: "app/ must not import scripts/, test/ or emulator/." },
      ] }],
    },
  },
);
