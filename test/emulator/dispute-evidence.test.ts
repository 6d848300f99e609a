// Dispute evidence as Shopify documents it (issue 12, point 8), on the vendored admin-2026-07 schema:
// - disputeEvidenceUpdate takes "The ID of the dispute evidence to be updated" (not the dispute's), needs
//   `write_shopify_payments_dispute_evidences`, merges the given fields and submits with `submitEvidence`
//   (https://shopify.dev/docs/api/admin-graphql/latest/mutations/disputeEvidenceUpdate, whose examples use
//   gid://shopify/ShopifyPaymentsDisputeEvidence/819974671 and answer the dispute under `disputeEvidence.dispute`);
// - `ShopifyPaymentsDispute.disputeEvidence` "The evidence associated with the dispute"; the evidence type
//   "Requires read_shopify_payments_dispute_evidences access scope"
//   (https://shopify.dev/docs/api/admin-graphql/latest/objects/ShopifyPaymentsDisputeEvidence);
// - the user errors: DISPUTE_EVIDENCE_NOT_FOUND, EVIDENCE_ALREADY_ACCEPTED, EVIDENCE_PAST_DUE_DATE, ...
//   (https://shopify.dev/docs/api/admin-graphql/latest/enums/DisputeEvidenceUpdateUserErrorCode);
// - "open: Shopify hasn't sent the response yet. You can still add evidence to the response. submitted: The
//   credit card company is reviewing the evidence" (https://help.shopify.com/en/manual/payments/shopify-payments/managing-chargebacks),
//   read as status NEEDS_RESPONSE, then UNDER_REVIEW with evidenceSentOn once submitted;
// - DisputeType: "INQUIRY: The dispute is in the inquiry phase. CHARGEBACK: The dispute has turned into a
//   chargeback", and OrderDisputeSummary.initiatedAs is "The type that the dispute was initiated as"
//   (https://shopify.dev/docs/api/admin-graphql/latest/enums/DisputeType).
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { DEFAULT_SCOPES } from "../../app/env.server.js";
import { REQUIRED_SCOPES } from "../../emulator/access-scopes.js";
import { ManualClock } from "../../emulator/clock.js";
import { ShopifyEmulator } from "../../emulator/emulator.js";
import { adminGraphql } from "../../emulator/helpers.js";
import { gid } from "../../emulator/ids.js";
import { OrderFactory } from "../../emulator/order-factory.js";
import { WebhookSender } from "../../emulator/webhooks.js";

const SHOP = "evidence.myshopify.com";
const DAY = 86_400_000;

function setup(opts: { scopes?: string[] } = {}) {
  const clock = new ManualClock();
  const emulator = new ShopifyEmulator({ clock, scopes: opts.scopes });
  const shop = emulator.createShop(SHOP);
  const order = shop.addOrder(new OrderFactory({ seed: 5 }).legit({ country: "US" }).draft);
  const dispute = shop.addDispute(order.id, { reason: "FRAUDULENT" });
  const { access_token: token } = emulator.install(SHOP, { expiring: false }); // the clock moves by days here
  const call = (query: string, variables: Record<string, unknown> = {}) => adminGraphql(emulator, SHOP, token, query, variables);
  return { clock, emulator, shop, order, dispute, evidenceId: gid("ShopifyPaymentsDisputeEvidence", dispute.evidence.id), call };
}

const UPDATE = `mutation ShopifyPaymentsDisputeEvidenceUpdate($id: ID!, $input: ShopifyPaymentsDisputeEvidenceUpdateInput!) {
  disputeEvidenceUpdate(id: $id, input: $input) {
    disputeEvidence {
      id submitted uncategorizedText accessActivityLog cancellationRebuttal customerFirstName customerLastName customerEmailAddress
      shippingAddress { address1 address2 city zip countryCodeV2 province }
      dispute { id status type evidenceDueBy evidenceSentOn }
    }
    userErrors { field message code }
  }
}`;
const EVIDENCE_OF_DISPUTE = `query DisputeEvidence($id: ID!) {
  dispute(id: $id) {
    id evidenceDueBy
    disputeEvidence {
      id submitted customerEmailAddress customerFirstName customerLastName customerPurchaseIp productDescription
      uncategorizedText refundPolicyDisclosure disputeFileUploads { id } uncategorizedFile { id }
      billingAddress { address1 } shippingAddress { address1 }
      dispute { id }
    }
  }
}`;

interface Evidence {
  id: string;
  submitted: boolean;
  uncategorizedText: string | null;
  accessActivityLog: string | null;
  cancellationRebuttal: string | null;
  customerFirstName: string | null;
  customerLastName: string | null;
  customerEmailAddress: string | null;
  shippingAddress: Record<string, unknown> | null;
  dispute: { id: string; status: string; type: string; evidenceDueBy: string; evidenceSentOn: string | null };
}
type UpdateResult = { disputeEvidenceUpdate: { disputeEvidence: Evidence | null; userErrors: { field: string[] | null; message: string; code: string | null }[] } };

describe("dispute evidence (ShopifyPaymentsDispute.disputeEvidence)", () => {
  it("gives each dispute one evidence object with its own id, filled from the order, not submitted", async () => {
    const { call, dispute, order, evidenceId } = setup();
    const res = await call(EVIDENCE_OF_DISPUTE, { id: gid("ShopifyPaymentsDispute", dispute.id) });
    expect(res.body.errors).toBeUndefined();
    const read = (res.body.data as { dispute: { evidenceDueBy: string; disputeEvidence: Record<string, unknown> } }).dispute;
    expect(evidenceId).not.toBe(gid("ShopifyPaymentsDispute", dispute.id));
    expect(dispute.evidence.id).not.toBe(dispute.id);
    expect(read.disputeEvidence).toMatchObject({
      id: evidenceId,
      submitted: false,
      customerEmailAddress: order.email,
      customerPurchaseIp: order.browserIp,
      uncategorizedText: null,
      refundPolicyDisclosure: null,
      disputeFileUploads: [],
      uncategorizedFile: null,
      billingAddress: { address1: order.billingAddress?.address1 },
      shippingAddress: { address1: order.shippingAddress?.address1 },
      dispute: { id: gid("ShopifyPaymentsDispute", dispute.id) },
    });
    expect(read.disputeEvidence.productDescription).toContain(order.lineItems[0]?.title);
    expect(read.evidenceDueBy).toBe(dispute.evidenceDueBy);
  });

  it("reads the same evidence through disputeEvidence(id:) and node(id:)", async () => {
    const { call, evidenceId } = setup();
    const direct = await call(`query($id: ID!) { disputeEvidence(id: $id) { id submitted } }`, { id: evidenceId });
    expect(direct.body.data).toEqual({ disputeEvidence: { id: evidenceId, submitted: false } });
    const node = await call(`query($id: ID!) { node(id: $id) { id ... on ShopifyPaymentsDisputeEvidence { submitted } } }`, { id: evidenceId });
    expect(node.body.data).toEqual({ node: { id: evidenceId, submitted: false } });
  });
});

describe("disputeEvidenceUpdate", () => {
  it("merges the given text fields and shipping address into the evidence, keeping the others (the documented example)", async () => {
    const { call, dispute, evidenceId } = setup();
    const first = (await call(UPDATE, { id: evidenceId, input: { accessActivityLog: "Logged in from 203.0.113.7 before paying", cancellationRebuttal: "Never asked to cancel" } })).body.data as UpdateResult;
    expect(first.disputeEvidenceUpdate.userErrors).toEqual([]);
    const second = (await call(UPDATE, {
      id: evidenceId,
      input: {
        customerFirstName: "Kermit",
        customerLastName: "The frog",
        customerEmailAddress: "kermit@example.com",
        shippingAddress: { address1: "1 Infinite Loop", address2: "Muppet Studio", city: "Cupertino", zip: "95014", country: "US", province: "California" },
        uncategorizedText: "Test uncategorized text",
      },
    })).body.data as UpdateResult;
    expect(second.disputeEvidenceUpdate).toEqual({
      disputeEvidence: {
        id: evidenceId,
        submitted: false,
        uncategorizedText: "Test uncategorized text",
        accessActivityLog: "Logged in from 203.0.113.7 before paying", // kept from the first call
        cancellationRebuttal: "Never asked to cancel",
        customerFirstName: "Kermit",
        customerLastName: "The frog",
        customerEmailAddress: "kermit@example.com",
        shippingAddress: { address1: "1 Infinite Loop", address2: "Muppet Studio", city: "Cupertino", zip: "95014", countryCodeV2: "US", province: "California" },
        dispute: { id: gid("ShopifyPaymentsDispute", dispute.id), status: "NEEDS_RESPONSE", type: "CHARGEBACK", evidenceDueBy: dispute.evidenceDueBy, evidenceSentOn: null },
      },
      userErrors: [],
    });
    // null clears a field
    const cleared = (await call(UPDATE, { id: evidenceId, input: { cancellationRebuttal: null } })).body.data as UpdateResult;
    expect(cleared.disputeEvidenceUpdate.disputeEvidence).toMatchObject({ cancellationRebuttal: null, accessActivityLog: "Logged in from 203.0.113.7 before paying" });
  });

  it("takes the evidence id: the dispute's id answers DISPUTE_EVIDENCE_NOT_FOUND and changes nothing", async () => {
    const { call, dispute } = setup();
    for (const id of [gid("ShopifyPaymentsDispute", dispute.id), gid("ShopifyPaymentsDisputeEvidence", 1)]) {
      const res = (await call(UPDATE, { id, input: { uncategorizedText: "x", submitEvidence: true } })).body.data as UpdateResult;
      expect(res.disputeEvidenceUpdate).toEqual({
        disputeEvidence: null,
        userErrors: [{ field: ["id"], message: "Dispute evidence could not be found.", code: "DISPUTE_EVIDENCE_NOT_FOUND" }],
      });
    }
    expect(dispute.evidence).toMatchObject({ submitted: false, text: expect.objectContaining({ uncategorizedText: null }) });
    expect(dispute.status).toBe("NEEDS_RESPONSE");
  });

  it("submits with submitEvidence: the dispute goes under review with evidenceSentOn; later updates answer EVIDENCE_ALREADY_ACCEPTED", async () => {
    const { call, clock, dispute, evidenceId } = setup();
    clock.advance(DAY);
    const submitted = (await call(UPDATE, { id: evidenceId, input: { uncategorizedText: "Delivered to the billing address, signed for", submitEvidence: true } })).body.data as UpdateResult;
    expect(submitted.disputeEvidenceUpdate.userErrors).toEqual([]);
    expect(submitted.disputeEvidenceUpdate.disputeEvidence).toMatchObject({
      submitted: true,
      uncategorizedText: "Delivered to the billing address, signed for",
      dispute: { status: "UNDER_REVIEW", evidenceSentOn: "2026-07-16T12:00:00Z" },
    });
    const again = (await call(UPDATE, { id: evidenceId, input: { uncategorizedText: "changed my mind" } })).body.data as UpdateResult;
    expect(again.disputeEvidenceUpdate).toEqual({
      disputeEvidence: null,
      userErrors: [{ field: ["id"], message: "Evidence already accepted.", code: "EVIDENCE_ALREADY_ACCEPTED" }],
    });
    expect(dispute.evidence.text.uncategorizedText).toBe("Delivered to the billing address, signed for");
  });

  it("saves without submitting when submitEvidence is false or absent", async () => {
    const { call, evidenceId, dispute } = setup();
    const res = (await call(UPDATE, { id: evidenceId, input: { refundRefusalExplanation: "Final sale", submitEvidence: false } })).body.data as UpdateResult;
    expect(res.disputeEvidenceUpdate.disputeEvidence).toMatchObject({ submitted: false, dispute: { status: "NEEDS_RESPONSE", evidenceSentOn: null } });
    expect(dispute.evidence.text.refundRefusalExplanation).toBe("Final sale");
  });

  it("answers EVIDENCE_PAST_DUE_DATE after the dispute's evidenceDueBy, and changes nothing", async () => {
    const { call, clock, dispute, evidenceId } = setup();
    clock.set(Date.parse(dispute.evidenceDueBy)); // still in time at the due instant
    const inTime = (await call(UPDATE, { id: evidenceId, input: { uncategorizedText: "just in time" } })).body.data as UpdateResult;
    expect(inTime.disputeEvidenceUpdate.userErrors).toEqual([]);
    clock.advance(1000);
    const late = (await call(UPDATE, { id: evidenceId, input: { uncategorizedText: "too late", submitEvidence: true } })).body.data as UpdateResult;
    expect(late.disputeEvidenceUpdate).toEqual({
      disputeEvidence: null,
      userErrors: [{ field: ["id"], message: "Evidence past due date.", code: "EVIDENCE_PAST_DUE_DATE" }],
    });
    expect(dispute.evidence).toMatchObject({ submitted: false, text: expect.objectContaining({ uncategorizedText: "just in time" }) });
  });

  it("answers EVIDENCE_ALREADY_ACCEPTED once the dispute no longer needs a response (e.g. the merchant accepted it)", async () => {
    const { call, shop, dispute, evidenceId } = setup();
    shop.updateDispute(dispute.id, { status: "ACCEPTED" });
    const res = (await call(UPDATE, { id: evidenceId, input: { uncategorizedText: "x" } })).body.data as UpdateResult;
    expect(res.disputeEvidenceUpdate.userErrors).toEqual([{ field: ["id"], message: "Evidence already accepted.", code: "EVIDENCE_ALREADY_ACCEPTED" }]);
  });

  it("answers a file field with a clear NOT_EMULATED error and changes nothing", async () => {
    const { call, dispute, evidenceId } = setup();
    const res = await call(UPDATE, {
      id: evidenceId,
      input: { uncategorizedText: "with a file", uncategorizedFile: { id: "gid://shopify/ShopifyPaymentsDisputeFileUpload/567271523", destroy: true } },
    });
    expect(res.body.errors?.[0]).toMatchObject({ path: ["disputeEvidenceUpdate"], extensions: { code: "NOT_EMULATED" } });
    expect(String((res.body.errors?.[0] as { message: string }).message)).toContain("uncategorizedFile");
    expect(dispute.evidence.text.uncategorizedText).toBeNull();
  });
});

describe("dispute evidence access scopes", () => {
  /** The vendored introspection keeps Shopify's `requiredAccess` notes, which buildClientSchema drops. */
  const introspection = JSON.parse(gunzipSync(readFileSync("app/shopify/schema/admin-2026-07.json.gz")).toString("utf8")) as {
    data: { __schema: { types: { name: string; requiredAccess?: string | null; fields?: { name: string; requiredAccess?: string | null }[] | null }[] } };
  };
  const type = (name: string) => introspection.data.__schema.types.find((t) => t.name === name);
  const scopeIn = (note: string | null | undefined) => /`(\w+)` access scope/.exec(note ?? "")?.[1];

  it("requires the scopes the 2026-07 schema names, and the app requests the write scope (which the emulator grants by default)", () => {
    const mutationScope = scopeIn(type("Mutation")?.fields?.find((f) => f.name === "disputeEvidenceUpdate")?.requiredAccess);
    const readScope = scopeIn(type("ShopifyPaymentsDisputeEvidence")?.requiredAccess);
    expect(mutationScope).toBe("write_shopify_payments_dispute_evidences");
    expect(readScope).toBe("read_shopify_payments_dispute_evidences");
    expect(REQUIRED_SCOPES["Mutation.disputeEvidenceUpdate"]).toBe(mutationScope);
    expect(REQUIRED_SCOPES["ShopifyPaymentsDispute.disputeEvidence"]).toBe(readScope);
    expect(REQUIRED_SCOPES["QueryRoot.disputeEvidence"]).toBe(readScope);
    expect(DEFAULT_SCOPES).toContain(mutationScope);
    expect(new ShopifyEmulator().scopes).toContain(mutationScope);
  });

  it("answers ACCESS_DENIED without the evidence scopes, the rest of the data intact", async () => {
    const { call, dispute, evidenceId } = setup({ scopes: ["read_orders", "read_shopify_payments_disputes"] });
    const update = await call(UPDATE, { id: evidenceId, input: { uncategorizedText: "x" } });
    expect(update.body.data).toEqual({ disputeEvidenceUpdate: null });
    expect(update.body.errors?.[0]).toMatchObject({
      path: ["disputeEvidenceUpdate"],
      extensions: { code: "ACCESS_DENIED", requiredAccess: "`write_shopify_payments_dispute_evidences` access scope." },
    });
    expect(dispute.evidence.text.uncategorizedText).toBeNull();
    const read = await call(`query($id: ID!, $e: ID!) { dispute(id: $id) { id disputeEvidence { id } } disputeEvidence(id: $e) { id } shop { id } }`, {
      id: gid("ShopifyPaymentsDispute", dispute.id),
      e: evidenceId,
    });
    // disputeEvidence is non-null on the dispute, so the denial nulls the dispute; the other root fields answer.
    expect(read.body.data).toMatchObject({ dispute: null, disputeEvidence: null, shop: { id: expect.any(String) } });
    expect(read.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: ["dispute", "disputeEvidence"], extensions: expect.objectContaining({ code: "ACCESS_DENIED", requiredAccess: "`read_shopify_payments_dispute_evidences` access scope." }) }),
        expect.objectContaining({ path: ["disputeEvidence"], extensions: expect.objectContaining({ code: "ACCESS_DENIED" }) }),
      ]),
    );
  });

  it("reads the evidence with the read scope alone, and refuses the update", async () => {
    const { call, evidenceId } = setup({ scopes: ["read_shopify_payments_disputes", "read_shopify_payments_dispute_evidences"] });
    expect((await call(`query($id: ID!) { disputeEvidence(id: $id) { id } }`, { id: evidenceId })).body.data).toEqual({ disputeEvidence: { id: evidenceId } });
    const update = await call(UPDATE, { id: evidenceId, input: { uncategorizedText: "x" } });
    expect(update.body.errors?.[0]).toMatchObject({ extensions: { code: "ACCESS_DENIED" } });
  });
});

describe("an inquiry turns into a chargeback", () => {
  it("changes type to CHARGEBACK (initiatedAs stays INQUIRY), sends disputes/update, and opens the evidence again", async () => {
    const { emulator, shop, order, clock, call } = setup();
    const received: { topic: string | null; body: Record<string, unknown> }[] = [];
    const sender = new WebhookSender(emulator, {
      targetBaseUrl: "http://holdfast.test",
      fetch: (async (_url: string, init: RequestInit) => {
        received.push({ topic: new Headers(init.headers).get("x-shopify-topic"), body: JSON.parse(String(init.body)) as Record<string, unknown> });
        return new Response("ok");
      }) as typeof fetch,
    });
    const { dispute } = await sender.openDispute(SHOP, order.id, { type: "INQUIRY", reason: "UNRECOGNIZED" });
    const evidenceId = gid("ShopifyPaymentsDisputeEvidence", dispute.evidence.id);
    const submit = (await call(UPDATE, { id: evidenceId, input: { uncategorizedText: "Customer recognised the order by email", submitEvidence: true } })).body.data as UpdateResult;
    expect(submit.disputeEvidenceUpdate.disputeEvidence?.dispute).toMatchObject({ type: "INQUIRY", status: "UNDER_REVIEW" });

    clock.advance(3 * DAY);
    const { result } = await sender.turnIntoChargeback(SHOP, dispute.id, { evidenceDueBy: "2026-08-10T12:00:00Z" });
    expect(result.ok).toBe(true);
    expect(received.map((r) => r.topic)).toEqual(["disputes/create", "disputes/update"]);
    expect(received[0]?.body).toMatchObject({ id: dispute.id, type: "inquiry", status: "needs_response" });
    expect(received[1]?.body).toMatchObject({ id: dispute.id, type: "chargeback", status: "needs_response", evidence_due_by: "2026-08-10T12:00:00Z", evidence_sent_on: null });

    const read = await call(`query($id: ID!, $order: ID!) {
      dispute(id: $id) { type status evidenceDueBy evidenceSentOn disputeEvidence { id submitted uncategorizedText } }
      order(id: $order) { disputes { id initiatedAs status } }
    }`, { id: gid("ShopifyPaymentsDispute", dispute.id), order: gid("Order", order.id) });
    expect(read.body.data).toEqual({
      dispute: { type: "CHARGEBACK", status: "NEEDS_RESPONSE", evidenceDueBy: "2026-08-10T12:00:00Z", evidenceSentOn: null, disputeEvidence: { id: evidenceId, submitted: false, uncategorizedText: "Customer recognised the order by email" } },
      order: { disputes: expect.arrayContaining([{ id: gid("ShopifyPaymentsDispute", dispute.id), initiatedAs: "INQUIRY", status: "NEEDS_RESPONSE" }]) },
    });
    const chargebackResponse = (await call(UPDATE, { id: evidenceId, input: { accessActivityLog: "Same device as three earlier orders", submitEvidence: true } })).body.data as UpdateResult;
    expect(chargebackResponse.disputeEvidenceUpdate.disputeEvidence).toMatchObject({ submitted: true, dispute: { type: "CHARGEBACK", status: "UNDER_REVIEW" } });
    expect(() => shop.turnIntoChargeback(dispute.id)).toThrow(/already a chargeback/);
  });
});
