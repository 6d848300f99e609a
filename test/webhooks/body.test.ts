// The pure checks of a verified webhook body (app/webhooks/body.ts): decoding, the nesting bound
// counted over the bytes, JSON, the line-item bound. Each gives a reason, never an exception.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lineItemsOverLimit, nestsDeeperThan, parseBody } from "../../app/webhooks/body";
import { MAX_JSON_DEPTH, MAX_LINE_ITEMS } from "../../app/webhooks/limits.mjs";

const bytes = (text: string) => Buffer.from(text, "utf8");

/** The nesting depth of a JSON value, by walking it. */
function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (value !== null && typeof value === "object") return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

describe("nestsDeeperThan", () => {
  it.each([
    ["a scalar", "1", 0, false],
    ["an empty object", "{}", 0, true],
    ["an empty object", "{}", 1, false],
    ["three levels", '{"a":[{"b":1}]}', 2, true],
    ["three levels", '{"a":[{"b":1}]}', 3, false],
    ["brackets inside strings", '{"a":"[[[[{{{{"}', 1, false],
    ["an escaped quote inside a string", '{"a":"\\"[[[["}', 1, false],
    ["an escaped backslash before the closing quote", '{"a":"\\\\","b":[[1]]}', 2, true],
    ["an escaped backslash before the closing quote", '{"a":"\\\\","b":[[1]]}', 3, false],
    ["multi-byte UTF-8 in strings", '{"é🎉":["ü"]}', 2, false],
  ])("%s (%s) deeper than %i: %s", (_what, json, limit, expected) => {
    expect(nestsDeeperThan(bytes(json), limit)).toBe(expected);
  });

  it("agrees with the depth of the parsed value, for any JSON", () => {
    fc.assert(
      fc.property(fc.json({ depthSize: "large" }), fc.nat({ max: 12 }), (json, limit) => {
        expect(nestsDeeperThan(bytes(json), limit)).toBe(depthOf(JSON.parse(json)) > limit);
      }),
      { numRuns: 500 },
    );
  });
});

describe("parseBody", () => {
  it("drops a leading UTF-8 BOM", () => {
    expect(parseBody(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes('{"a":1}')]))).toEqual({ text: '{"a":1}', payload: { a: 1 } });
  });

  it("gives a reason, and the text with U+FFFD, for invalid UTF-8", () => {
    expect(parseBody(Buffer.from([0x7b, 0xff, 0x7d]))).toEqual({ text: "{\uFFFD}", payload: undefined, invalid: "body is not valid UTF-8" });
  });

  it("gives a reason for text that is not JSON", () => {
    expect(parseBody(bytes("{"))).toMatchObject({ payload: undefined, invalid: expect.stringMatching(/^body is not JSON: /) });
  });

  it(`parses a body nested more than ${MAX_JSON_DEPTH} deep (for the shop checks) but marks it invalid`, () => {
    const deep = `{"shop_domain":"a.myshopify.com","x":${"[".repeat(50_000)}${"]".repeat(50_000)}}`;
    const parsed = parseBody(bytes(deep));
    expect(parsed.invalid).toBe(`body nests arrays or objects more than ${MAX_JSON_DEPTH} deep`);
    expect(parsed.payload).toMatchObject({ shop_domain: "a.myshopify.com" });
    expect(parseBody(bytes(`{"x":${"[".repeat(MAX_JSON_DEPTH - 1)}${"]".repeat(MAX_JSON_DEPTH - 1)}}`)).invalid).toBeUndefined();
  });

  it(`marks an order with more than ${MAX_LINE_ITEMS} line items invalid`, () => {
    expect(lineItemsOverLimit({ line_items: Array(MAX_LINE_ITEMS).fill({}) })).toBeUndefined();
    expect(lineItemsOverLimit({ line_items: Array(MAX_LINE_ITEMS + 1).fill({}) })).toBe(`body has ${MAX_LINE_ITEMS + 1} line items, more than the ${MAX_LINE_ITEMS} accepted`);
    expect(lineItemsOverLimit([1, 2])).toBeUndefined();
    expect(lineItemsOverLimit({ line_items: "many" })).toBeUndefined(); // the order schema says what is wrong
  });
});
