import { describe, expect, it } from "vitest";
import { adminSchema, findOperations, validateOperation } from "../support/admin-schema";
import * as operations from "../../app/shopify/operations";

describe("Admin GraphQL operations against the real 2026-07 schema", () => {
  const found = findOperations(["app", "extensions"]);

  it("finds every operation the gateway exports", () => {
    const exported = Object.values(operations);
    expect(exported.length).toBeGreaterThan(5);
    for (const source of exported) {
      expect(found.some((f) => source.includes(f.source.trim()))).toBe(true);
    }
  });

  it.each(found.map((f) => [`${f.file.split("/app/").pop()}: ${/(query|mutation)\s+(\w+)/.exec(f.source)?.[2]}`, f.source]))(
    "%s is valid",
    (_name, source) => {
      expect(validateOperation(source).map((e) => e.message)).toEqual([]);
    },
  );

  it("rejects a field that Order does not have (clientDetails)", () => {
    const errors = validateOperation(`query Bad($id: ID!) { order(id: $id) { id clientDetails { browserIp } } }`);
    expect(errors.map((e) => e.message)).toEqual([`Cannot query field "clientDetails" on type "Order". Did you mean "clientIp"?`]);
  });

  it("rejects a wrong argument type", () => {
    const errors = validateOperation(`mutation Bad { tagsAdd(id: "gid://shopify/Order/1", tags: 5) { userErrors { message } } }`);
    expect(errors.map((e) => e.message)).toEqual([`String cannot represent a non string value: 5`]);
  });

  it("is the real Admin schema", () => {
    const schema = adminSchema();
    expect(schema.getQueryType()?.getFields().order).toBeDefined();
    expect(schema.getType("CardPaymentDetails")).toBeDefined();
  });
});
