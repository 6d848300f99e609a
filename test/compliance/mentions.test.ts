// How customers/redact recognises the customer in text it cannot parse (an invalid delivery's raw
// body or error, a job payload): email in any case, phone in any spelling, ids as whole numbers.
import { describe, expect, it } from "vitest";
import { erasedCustomer, mentionsCustomer } from "../../app/compliance/compliance.server";

const who = erasedCustomer({ customerId: "7001", orderIds: ["820001"], webhookId: "w", email: "Ada@Example.org", phone: "+1 415 555 0187" });

describe("mentionsCustomer", () => {
  it.each([
    ['{"email":"ada@example.org"}', true, true],
    ['{"contact_email":"ADA@EXAMPLE.ORG"}', true, true],
    ['{"phone":"+14155550187"}', true, true],
    ['{"phone":"(415) 555-0187"}', true, true],
    ['{"phone":"415.555.0187"}', true, true],
    ['{"phone":"+14155550188"}', false, false],
    ['{"phone":"41555501870"}', false, false],
    ['{"customer":{"id":7001}}', false, true],
    ['{"id":820001,"line_items":[]}', false, true],
    ['{"id":8200011}', false, false],
    ['{"total_price":"17001.00"}', false, false],
    ['{"email":"bob@example.org"}', false, false],
  ])("%s: without ids %s, with ids %s", (text, withoutIds, withIds) => {
    expect(mentionsCustomer(text, who, { ids: false })).toBe(withoutIds);
    expect(mentionsCustomer(text, who, { ids: true })).toBe(withIds);
  });

  it("ignores a phone too short to tell apart, and an email without @", () => {
    const vague = erasedCustomer({ customerId: null, orderIds: [], webhookId: "w", email: "none", phone: "123" });
    expect([vague.email, vague.phoneDigits]).toEqual([null, null]);
    expect(mentionsCustomer("none 123", vague, { ids: true })).toBe(false);
  });
});
