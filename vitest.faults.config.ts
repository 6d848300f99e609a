// `npm run test:faults`: the reliability runs (SIGKILL mid-run, 30% faults, two PostgreSQL workers).
import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config";

export default mergeConfig(base, defineConfig({ test: { include: ["test/reliability/**/*.test.ts"], exclude: ["**/node_modules/**"] } }));
