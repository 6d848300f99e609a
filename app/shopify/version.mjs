// The dated Admin API version, defined once. The app (shopify.server.ts, the gateway), the
// emulator, codegen (.graphqlrc.ts), the schema extractor and a test of shopify.app.toml all read
// this constant; a plain .mjs so the Node scripts can import it too.
export const ADMIN_API_VERSION = "2026-07";
