import { ApiType, shopifyApiProject } from "@shopify/api-codegen-preset";
import { ADMIN_API_VERSION } from "./app/shopify/version.mjs";

// Types for the Admin operations in app/ from the real 2026-07 schema. `npm run graphql-codegen`
// first unpacks the vendored schema (app/shopify/schema/admin-2026-07.json.gz) to
// app/types/admin-2026-07.schema.json, which the preset then uses instead of downloading one.
export default {
  projects: {
    default: shopifyApiProject({
      apiType: ApiType.Admin,
      apiVersion: ADMIN_API_VERSION,
      documents: ["./app/**/*.{js,ts,jsx,tsx}", "!./app/types/**"],
      outputDir: "./app/types",
    }),
  },
};
