import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    include: ["test/**/*.test.ts", "app/**/*.test.ts", "extensions/**/*.test.ts"],
    // Long-running reliability runs (worker processes, 1,000+ orders): `npm run test:faults`.
    exclude: ["test/reliability/**", "**/node_modules/**"],
    setupFiles: ["test/setup/strict-console.ts"],
    globalSetup: ["test/setup/global-db.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: "forks",
    // The app validates its environment on start-up; tests run it with a test app identity.
    env: {
      SHOPIFY_API_KEY: "holdfast-test-key",
      SHOPIFY_API_SECRET: "holdfast-test-secret",
      SHOPIFY_APP_URL: "https://holdfast.test",
      DATABASE_URL: "file:./.cache/test/unused.sqlite",
    },
  },
});
