// What a verified webhook body holds, checked before anything is planned or stored (pure; the
// limits are in limits.mjs, the reasons in docs/security.md). Each check gives a reason that the
// delivery is recorded with as `invalid` (answered 200), never an exception:
//   - the bytes are UTF-8 (a leading BOM is dropped);
//   - arrays and objects are nested at most MAX_JSON_DEPTH deep (counted over the bytes, before
//     parsing, without recursion);
//   - the text is JSON;
//   - an order has at most MAX_LINE_ITEMS line items (counted before its schema walks them).
import { MAX_JSON_DEPTH, MAX_LINE_ITEMS } from "./limits.mjs";

export interface ParsedBody {
  /** The body as text (invalid UTF-8 replaced by U+FFFD), for staff when the delivery is invalid. */
  text: string;
  /** The parsed JSON; undefined when the body is not UTF-8 or not JSON. */
  payload: unknown;
  /** Why the delivery cannot be processed, if it cannot. */
  invalid?: string;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const lenientUtf8 = new TextDecoder("utf-8");

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * Does JSON text nest arrays/objects deeper than `limit`? Counted over the bytes, skipping strings
 * (the structural characters are ASCII, so never part of a multi-byte UTF-8 sequence). A body that
 * is not JSON may get any answer; JSON.parse rejects it afterwards.
 */
export function nestsDeeperThan(bytes: Uint8Array, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === QUOTE) {
      // To the closing quote: the next quote not preceded by an odd number of backslashes.
      let end = bytes.indexOf(QUOTE, i + 1);
      while (end > 0 && isEscaped(bytes, end)) end = bytes.indexOf(QUOTE, end + 1);
      if (end < 0) return false;
      i = end;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

function isEscaped(bytes: Uint8Array, at: number): boolean {
  let backslashes = 0;
  for (let j = at - 1; j >= 0 && bytes[j] === BACKSLASH; j--) backslashes++;
  return backslashes % 2 === 1;
}

/** Too many line items for an order to be screened (checked before its schema parses them). */
export function lineItemsOverLimit(payload: unknown): string | undefined {
  if (typeof payload !== "object" || payload === null || !("line_items" in payload)) return undefined;
  const items = payload.line_items;
  if (Array.isArray(items) && items.length > MAX_LINE_ITEMS) {
    return `body has ${items.length} line items, more than the ${MAX_LINE_ITEMS} accepted`;
  }
  return undefined;
}

/** Decode, bound and parse a verified body. Never throws. */
export function parseBody(bytes: Uint8Array): ParsedBody {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { text: lenientUtf8.decode(bytes), payload: undefined, invalid: "body is not valid UTF-8" };
  }
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (error) {
    return { text, payload: undefined, invalid: `body is not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  // Parsed first (JSON.parse does not recurse), so that the shop checks still see a deep body's fields.
  if (nestsDeeperThan(bytes, MAX_JSON_DEPTH)) {
    return { text, payload, invalid: `body nests arrays or objects more than ${MAX_JSON_DEPTH} deep` };
  }
  const tooMany = lineItemsOverLimit(payload);
  return tooMany ? { text, payload, invalid: tooMany } : { text, payload };
}
