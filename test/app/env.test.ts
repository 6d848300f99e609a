import { describe, expect, it } from "vitest";
import { DEFAULT_SCOPES, InvalidEnvironmentError, parseEnv } from "../../app/env.server";

const valid = { SHOPIFY_API_KEY: "key", SHOPIFY_API_SECRET: "secret", SHOPIFY_APP_URL: "https://holdfast.example.com" };

describe("parseEnv", () => {
  it("accepts a complete environment and fills documented defaults", () => {
    const env = parseEnv(valid);
    expect(env.SCOPES).toEqual([...DEFAULT_SCOPES]);
    expect(env.DATABASE_URL).toBe("file:./prisma/holdfast.sqlite");
    expect(env.PORT).toBe(3000);
  });

  it.each([
    ["SHOPIFY_API_SECRET", { ...valid, SHOPIFY_API_SECRET: undefined }],
    ["SHOPIFY_API_SECRET", { ...valid, SHOPIFY_API_SECRET: "" }],
    ["SHOPIFY_API_KEY", { ...valid, SHOPIFY_API_KEY: undefined }],
    ["SHOPIFY_APP_URL", { ...valid, SHOPIFY_APP_URL: "not a url" }],
    ["DATABASE_URL", { ...valid, DATABASE_URL: "mysql://x" }],
    ["PORT", { ...valid, PORT: "eighty" }],
  ])("names %s when it is missing or malformed", (name, source) => {
    expect(() => parseEnv(source)).toThrow(InvalidEnvironmentError);
    expect(() => parseEnv(source)).toThrow(new RegExp(`\\b${name}\\b`));
  });

  it("accepts the App Bridge stand-in only beside the emulator (demo and tests, never real Shopify)", () => {
    const stub = { ...valid, HOLDFAST_APP_BRIDGE_URL: "http://127.0.0.1:9999/app-bridge.js" };
    expect(() => parseEnv(stub)).toThrow(/HOLDFAST_APP_BRIDGE_URL/);
    expect(parseEnv({ ...stub, SHOPIFY_API_ORIGIN_OVERRIDE: "http://127.0.0.1:9999" }).HOLDFAST_APP_BRIDGE_URL).toBe(stub.HOLDFAST_APP_BRIDGE_URL);
    expect(parseEnv(valid).HOLDFAST_APP_BRIDGE_URL).toBeUndefined();
  });

  it("names every problem at once", () => {
    try {
      parseEnv({});
      expect.unreachable();
    } catch (error) {
      expect((error as InvalidEnvironmentError).problems.map((p) => p.split(" ")[0])).toEqual(["SHOPIFY_API_KEY", "SHOPIFY_API_SECRET", "SHOPIFY_APP_URL"]);
    }
  });

  it("selects PostgreSQL for postgres URLs", () => {
    expect(parseEnv({ ...valid, DATABASE_URL: "postgresql://u@h/db" }).DATABASE_URL).toBe("postgresql://u@h/db");
  });
});
