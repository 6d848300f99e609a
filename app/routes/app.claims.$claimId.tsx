// One claim (/app/claims/<id>): its state and amounts, its history (ClaimEvent), the dispute it
// answers (reason, status, evidence), what Holdfast filed as evidence, and the guarantee it rests
// on, with a link to the order's receipt. Another shop's claim, or an unknown id, is a 404.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, Box, Card, DataTable, InlineGrid, InlineStack, Layout, Link, List, Page, Text } from "@shopify/polaris";
import type { ReactNode } from "react";
import { ClaimStateBadge, GuaranteeBadge, VerdictBadge } from "../components/badges";
import { SectionCard } from "../components/section";
import { useI18n } from "../components/i18n";
import { RouteError } from "../components/route-error";
import { db } from "../db.server";
import { isMessageKey, type MessageKey } from "../i18n";
import { authenticate } from "../shopify.server";
import { claimDetail } from "../staff/claims.server";
import { notFound } from "../staff/route-helpers.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const detail = await claimDetail(db, session.shop, params.claimId ?? "");
  if (!detail) notFound();
  return json(detail);
};

function key(prefix: string, value: string | null | undefined): MessageKey | null {
  const k = `${prefix}.${value ?? ""}`;
  return isMessageKey(k) ? k : null;
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <BlockStack gap="100">
      <Text as="span" tone="subdued" variant="bodySm">{label}</Text>
      <div>{children}</div>
    </BlockStack>
  );
}

export default function ClaimPage() {
  const { claim, events, dispute, evidence, guarantee } = useLoaderData<typeof loader>();
  const { t, money, dateTime, date, percent, locale } = useI18n();
  const orderLabel = claim.orderName ?? `#${claim.orderId}`;
  const stateText = (state: string, amount: string, currency: string) => {
    const k = key("claim.state", state);
    return k ? t(k, { amount: money(amount, currency), reference: claim.payoutReference ?? "—" }) : state;
  };
  const codeText = (prefix: string, value: string | null | undefined) => {
    const k = key(prefix, value);
    return k ? t(k) : t("claims.unknown_code", { code: value ?? "—" });
  };
  const eventText = (e: (typeof events)[number]) => {
    if (e.source === "operator" && e.toState === "paid") return t("claims.event.paid", { reference: claim.payoutReference ?? "—" });
    return codeText("claims.source", e.source);
  };
  const guaranteeReason = guarantee?.reason && isMessageKey(guarantee.reason)
    ? t(guarantee.reason, { amount: money(guarantee.amount, guarantee.currency), date: date(guarantee.voidedAt ?? guarantee.approvedAt), fields: t("claims.guarantee.facts"), why: "" })
    : null;
  return (
    <Page backAction={{ content: t("claims.title"), url: "/app/claims" }}>
      <TitleBar title={t("claims.detail.title", { order: orderLabel })} />
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <InlineStack gap="200" blockAlign="center">
                <ClaimStateBadge state={claim.state} />
                <Text as="p">{stateText(claim.state, claim.amount, claim.currency)}</Text>
              </InlineStack>
              <InlineGrid columns={{ xs: 1, sm: 2, md: 3 }} gap="400">
                <Field label={t("claims.col.order")}><Link url={`/app/orders/${claim.orderId}`}>{t("claims.detail.receipt", { order: orderLabel })}</Link></Field>
                <Field label={t("claims.col.dispute")}><Text as="span">{claim.disputeId}</Text></Field>
                <Field label={t("claims.col.amount")}><Text as="span">{money(claim.amount, claim.currency)}</Text></Field>
                <Field label={t("claims.col.guarantee_amount")}><Text as="span">{money(claim.guaranteeAmount, claim.guaranteeCurrency)}</Text></Field>
                <Field label={t("claims.col.opened")}><Text as="span">{dateTime(claim.openedAt)}</Text></Field>
                <Field label={t("claims.col.paid")}><Text as="span">{claim.paidAt ? dateTime(claim.paidAt) : "—"}</Text></Field>
                <Field label={t("claims.col.payout")}><Text as="span">{claim.payoutReference ?? "—"}</Text></Field>
              </InlineGrid>
            </BlockStack>
          </Card>
        </Layout.Section>

        <SectionCard title={t("claims.history.title")}>
          {events.length === 0 ? (
            <Text as="p">{t("claims.history.empty")}</Text>
          ) : (
            <DataTable
              columnContentTypes={["text", "text", "numeric", "text"]}
              headings={[t("claims.history.at"), t("claims.history.change"), t("claims.col.amount"), t("claims.history.source")]}
              rows={events.map((e) => [
                dateTime(e.at),
                <InlineStack key="c" gap="100" blockAlign="center" wrap={false}>
                  {e.fromState ? <ClaimStateBadge state={e.fromState} /> : <Badge>{t("claims.history.new")}</Badge>}
                  <Text as="span">→</Text>
                  <ClaimStateBadge state={e.toState} />
                </InlineStack>,
                money(e.amount, e.currency),
                <BlockStack key="s" gap="050">
                  <Text as="span">{eventText(e)}</Text>
                  {/* The technical detail is recorded in English (webhook ids, reconciliation slots): shown on English pages only. */}
                  {locale === "en" && e.detail ? <Text as="span" tone="subdued" variant="bodySm" breakWord>{e.detail}</Text> : null}
                </BlockStack>,
              ])}
            />
          )}
        </SectionCard>

        <SectionCard title={t("claims.dispute.title")}>
          {!dispute ? (
            <Text as="p">{t("claims.dispute.missing")}</Text>
          ) : (
            <InlineGrid columns={{ xs: 1, sm: 2, md: 3 }} gap="400">
              <Field label={t("claims.dispute.reason")}>
                <BlockStack gap="050">
                  <Text as="span">{codeText("claims.reason", dispute.reason)}</Text>
                  {dispute.rawReason ? <Text as="span" tone="subdued" variant="bodySm">{t("claims.dispute.raw", { code: dispute.rawReason })}</Text> : null}
                </BlockStack>
              </Field>
              <Field label={t("claims.dispute.status")}>
                <BlockStack gap="050">
                  <Text as="span">{codeText("claims.status", dispute.status)}</Text>
                  {dispute.rawStatus ? <Text as="span" tone="subdued" variant="bodySm">{t("claims.dispute.raw", { code: dispute.rawStatus })}</Text> : null}
                </BlockStack>
              </Field>
              <Field label={t("claims.dispute.type")}><Text as="span">{codeText("claims.type", dispute.type)}</Text></Field>
              <Field label={t("claims.col.amount")}><Text as="span">{money(dispute.amount, dispute.currency)}</Text></Field>
              <Field label={t("claims.dispute.initiated")}><Text as="span">{dateTime(dispute.initiatedAt)}</Text></Field>
              <Field label={t("claims.dispute.evidence_due")}><Text as="span">{dateTime(dispute.evidenceDueBy)}</Text></Field>
              <Field label={t("claims.dispute.evidence_state")}>
                <Text as="span">{dispute.evidenceState ? codeText("claims.evidence_state", dispute.evidenceState) : t("claims.evidence_state.none")}</Text>
              </Field>
              <Field label={t("claims.dispute.evidence_at")}><Text as="span">{dateTime(dispute.evidenceAt)}</Text></Field>
            </InlineGrid>
          )}
          {dispute?.evidenceError ? <Banner tone="critical">{t("claims.dispute.evidence_error", { error: dispute.evidenceError })}</Banner> : null}
        </SectionCard>

        <SectionCard title={t("claims.evidence.title")}>
          {!evidence ? (
            <Text as="p">{t("claims.evidence.none")}</Text>
          ) : (
            <BlockStack gap="300">
              <Text as="p">{t("claims.evidence.intro")}</Text>
              {evidence.decision ? (
                <BlockStack gap="200">
                  <InlineStack gap="200" blockAlign="center">
                    <VerdictBadge verdict={evidence.decision.verdict} />
                    <Text as="span">
                      {t("claims.evidence.decision", { score: evidence.decision.score, threshold: evidence.decision.threshold, at: dateTime(evidence.decision.screenedAt) })}
                    </Text>
                  </InlineStack>
                  <Text as="p">{codeText("claims.decided_by", evidence.decision.decidedBy)}</Text>
                  <Text as="p">{t(evidence.decision.guaranteed ? "claims.evidence.guaranteed" : "claims.evidence.not_guaranteed")}</Text>
                  {(locale === "ja" && evidence.reasons.ja.length ? evidence.reasons.ja : evidence.reasons.en).length > 0 ? (
                    <List>
                      {(locale === "ja" && evidence.reasons.ja.length ? evidence.reasons.ja : evidence.reasons.en).map((r, i) => <List.Item key={i}>{r}</List.Item>)}
                    </List>
                  ) : null}
                </BlockStack>
              ) : (
                <Text as="p">{t("claims.evidence.no_decision")}</Text>
              )}
              <Text as="p" tone="subdued">{t("claims.evidence.also_sent")}</Text>
              {locale === "en" && evidence.text ? (
                <Box background="bg-surface-secondary" padding="300" borderRadius="200">
                  <pre style={{ whiteSpace: "pre-wrap", margin: 0, fontFamily: "inherit" }}>{evidence.text}</pre>
                </Box>
              ) : (
                <Text as="p" tone="subdued">{t("claims.evidence.filed_in_english")}</Text>
              )}
            </BlockStack>
          )}
        </SectionCard>

        <SectionCard title={t("claims.guarantee.title")}>
          {!guarantee ? (
            <Text as="p">{t("claims.guarantee.missing")}</Text>
          ) : (
            <BlockStack gap="300">
              <InlineStack gap="200" blockAlign="center">
                <GuaranteeBadge state={guarantee.state} />
                {guaranteeReason ? <Text as="span">{guaranteeReason}</Text> : null}
              </InlineStack>
              <InlineGrid columns={{ xs: 1, sm: 2, md: 3 }} gap="400">
                <Field label={t("claims.guarantee.amount")}><Text as="span">{money(guarantee.amount, guarantee.currency)}</Text></Field>
                <Field label={t("claims.guarantee.fee")}>
                  <Text as="span">{t("claims.guarantee.fee_value", { fee: money(guarantee.fee, guarantee.currency), rate: percent(Number(guarantee.feeRate), 3) })}</Text>
                </Field>
                <Field label={t("claims.guarantee.approved")}><Text as="span">{dateTime(guarantee.approvedAt)}</Text></Field>
                {guarantee.voidedAt ? <Field label={t("claims.guarantee.voided")}><Text as="span">{dateTime(guarantee.voidedAt)}</Text></Field> : null}
              </InlineGrid>
              <Link url={`/app/orders/${claim.orderId}`}>{t("claims.detail.receipt", { order: orderLabel })}</Link>
            </BlockStack>
          )}
        </SectionCard>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
