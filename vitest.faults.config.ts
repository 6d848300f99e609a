// `npm run test:faults`: the reliability runs (SIGKILL mid-run, 30% faults, two PostgreSQL workers).
// Only those files: `include`/`exclude` replace the base config's (mergeConfig would concatenate
// them, and the base excludes test/reliability).
import { defineConfig } from "vitest/config";
import base from "./vitest.config";

export default defineConfig({
  ...base,
  test: { ...base.test, include: ["test/reliability/**/*.test.ts"], exclude: ["**/node_modules/**"] },
});
