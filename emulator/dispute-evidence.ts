/**
 * Dispute evidence: `disputeEvidence(id:)` and `disputeEvidenceUpdate(id:, input:)`, which take the evidence's
 * own id (`gid://shopify/ShopifyPaymentsDisputeEvidence/...`), never the dispute's.
 * https://shopify.dev/docs/api/admin-graphql/latest/mutations/disputeEvidenceUpdate
 */
import { GraphQLError } from "graphql";
import { accessDenied, hasScope, REQUIRED_SCOPES } from "./access-scopes.js";
import { disputeEvidenceView } from "./graphql-view.js";
import { parseGid } from "./ids.js";
import type { ResolverContext } from "./resolvers.js";
import type { EvidencePatch } from "./store.js";
import { EVIDENCE_TEXT_FIELDS, type Address, type Dispute } from "./types.js";

const EVIDENCE_READ_SCOPE = REQUIRED_SCOPES["QueryRoot.disputeEvidence"] ?? "read_shopify_payments_dispute_evidences";

type Resolver = (args: Record<string, unknown>, ctx: ResolverContext) => unknown;

/** The file inputs of ShopifyPaymentsDisputeEvidenceUpdateInput: files cannot be uploaded to the emulator. */
const FILE_FIELDS = [
  "cancellationPolicyFile",
  "customerCommunicationFile",
  "refundPolicyFile",
  "serviceDocumentationFile",
  "shippingDocumentationFile",
  "uncategorizedFile",
] as const;

/** Messages are the enum values' descriptions (DisputeEvidenceUpdateUserErrorCode); Shopify's wording may differ. */
const MESSAGES = {
  DISPUTE_EVIDENCE_NOT_FOUND: "Dispute evidence could not be found.",
  EVIDENCE_ALREADY_ACCEPTED: "Evidence already accepted.",
  EVIDENCE_PAST_DUE_DATE: "Evidence past due date.",
} as const;

function findEvidence(ctx: ResolverContext, value: unknown): Dispute | undefined {
  const parsed = typeof value === "string" ? parseGid(value) : null;
  return parsed && parsed.type === "ShopifyPaymentsDisputeEvidence" ? ctx.shop.findDisputeEvidence(parsed.id) : undefined;
}

/** MailingAddressInput onto the stored address: given fields replace, others stay. */
function mergeAddress(base: Address | null, input: Record<string, unknown>): Address {
  const str = (key: string, fallback: string): string => (typeof input[key] === "string" ? (input[key] as string) : input[key] === null ? "" : fallback);
  const opt = (key: string, fallback: string | null): string | null => (key in input ? ((input[key] as string | null) ?? null) : fallback);
  const country = str("country", base?.country ?? "");
  const countryCode = str("countryCode", /^[A-Z]{2}$/.test(country) ? country : (base?.countryCode ?? ""));
  return {
    firstName: str("firstName", base?.firstName ?? ""),
    lastName: str("lastName", base?.lastName ?? ""),
    address1: str("address1", base?.address1 ?? ""),
    address2: opt("address2", base?.address2 ?? null),
    city: str("city", base?.city ?? ""),
    province: str("province", base?.province ?? ""),
    provinceCode: str("provinceCode", base?.provinceCode ?? ""),
    zip: str("zip", base?.zip ?? ""),
    country,
    countryCode,
    phone: str("phone", base?.phone ?? ""),
    company: opt("company", base?.company ?? null),
    latitude: null,
    longitude: null,
  };
}

export const disputeEvidenceQueries: Record<string, Resolver> = {
  disputeEvidence: (args, ctx) => {
    // Also reached through node(id:), which the per-field scope table does not cover.
    if (!hasScope(ctx.scopes, EVIDENCE_READ_SCOPE)) throw accessDenied("disputeEvidence", EVIDENCE_READ_SCOPE);
    const dispute = findEvidence(ctx, args.id);
    return dispute ? disputeEvidenceView(dispute, ctx) : null;
  },
};

export const disputeEvidenceMutations: Record<string, Resolver> = {
  disputeEvidenceUpdate: (args, ctx) => {
    const fail = (code: keyof typeof MESSAGES, field: string[]) => ({ disputeEvidence: null, userErrors: [{ field, message: MESSAGES[code], code }] });
    const dispute = findEvidence(ctx, args.id);
    if (!dispute) return fail("DISPUTE_EVIDENCE_NOT_FOUND", ["id"]);
    const input = args.input as Record<string, unknown>;
    const files = FILE_FIELDS.filter((f) => input[f] !== undefined && input[f] !== null);
    if (files.length > 0) {
      throw new GraphQLError(
        `ShopifyPaymentsDisputeEvidenceUpdateInput.${files.join(", ")} (evidence files) is not emulated by the local Shopify emulator (emulator/); only the text fields, shippingAddress and submitEvidence are.`,
        { extensions: { code: "NOT_EMULATED" } },
      );
    }
    const patch: EvidencePatch = {
      text: Object.fromEntries(EVIDENCE_TEXT_FIELDS.filter((f) => input[f] !== undefined).map((f) => [f, input[f] as string | null])),
      submit: input.submitEvidence === true,
    };
    if (input.shippingAddress !== undefined) {
      patch.shippingAddress = input.shippingAddress === null ? null : mergeAddress(dispute.evidence.shippingAddress, input.shippingAddress as Record<string, unknown>);
    }
    const result = ctx.shop.updateDisputeEvidence(dispute, patch);
    if ("error" in result) return fail(result.error, ["id"]);
    return { disputeEvidence: disputeEvidenceView(result, ctx), userErrors: [] };
  },
};
