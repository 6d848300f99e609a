// Claims (/app/claims): the shop's guarantee claims, filtered by state and paginated on the server,
// the ledger's totals per month and currency over the last 12 months, and the CSV export (app/routes/app.claims[.csv].tsx).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData, useNavigate } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Button, Card, DataTable, InlineStack, Layout, Link, Page, Pagination, Select, Text } from "@shopify/polaris";
import { useState } from "react";
import { ClaimStateBadge } from "../components/badges";
import { useI18n } from "../components/i18n";
import { RouteError } from "../components/route-error";
import { db } from "../db.server";
import { TOTAL_COLUMNS, type TotalColumn } from "../guarantee/ledger-totals";
import { authenticate } from "../shopify.server";
import { ledgerTotals, listClaims, parseClaimsQuery } from "../staff/claims.server";
import { CLAIM_STATES } from "../staff/constants";
import { badRequest } from "../staff/route-helpers.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const params = new URL(request.url).searchParams;
  let query;
  try {
    query = parseClaimsQuery(params);
  } catch {
    badRequest("claims.error.bad_query");
  }
  const [list, totals] = await Promise.all([listClaims(db, session.shop, query), ledgerTotals(db, session.shop)]);
  return json({ ...list, state: query.state ?? null, totals });
};

const COLUMN_KEYS: Record<TotalColumn, `claims.ledger.${TotalColumn}`> = Object.fromEntries(TOTAL_COLUMNS.map((c) => [c, `claims.ledger.${c}`])) as Record<TotalColumn, `claims.ledger.${TotalColumn}`>;

export default function Claims() {
  const data = useLoaderData<typeof loader>();
  const { t, money, dateTime, number } = useI18n();
  const navigate = useNavigate();
  const [downloading, setDownloading] = useState(false);
  const [downloadError, setDownloadError] = useState(false);
  const go = (next: { state?: string | null; page?: number }) => {
    const sp = new URLSearchParams();
    const state = next.state === undefined ? data.state : next.state;
    if (state) sp.set("state", state);
    if (next.page && next.page > 1) sp.set("page", String(next.page));
    navigate(`/app/claims${sp.size ? `?${sp}` : ""}`);
  };
  // The export is fetched with the session token (App Bridge adds it to the app's own fetches) and saved as a file.
  const download = async () => {
    setDownloading(true);
    setDownloadError(false);
    try {
      const res = await fetch(`/app/claims.csv${data.state ? `?state=${data.state}` : ""}`);
      if (!res.ok) throw new Error(String(res.status));
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement("a");
      a.href = url;
      a.download = "holdfast-claims.csv";
      a.click();
      URL.revokeObjectURL(url);
    } catch {
      setDownloadError(true);
    } finally {
      setDownloading(false);
    }
  };
  const stateOptions = [{ label: t("claims.filter.all"), value: "" }, ...CLAIM_STATES.map((s) => ({ label: `${t(`claim.badge.${s}`)} (${number(data.byState[s] ?? 0)})`, value: s }))];
  const rows = data.claims.map((c) => [
    <Link key="o" url={`/app/orders/${c.orderId}`}>{c.orderName ?? `#${c.orderId}`}</Link>,
    <Link key="c" url={`/app/claims/${c.id}`}>{c.disputeId}</Link>,
    <ClaimStateBadge key="s" state={c.state} />,
    money(c.amount, c.currency),
    c.guaranteeCurrency !== c.currency ? money(c.guaranteeAmount, c.guaranteeCurrency) : t("claims.same_currency"),
    dateTime(c.openedAt),
    c.paidAt ? dateTime(c.paidAt) : "—",
    c.payoutReference ?? "—",
  ]);
  const first = (data.page - 1) * data.pageSize + 1;
  return (
    <Page>
      <TitleBar title={t("claims.title")} />
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <InlineStack align="space-between" blockAlign="end" gap="400">
                <div style={{ minWidth: 220 }}>
                  <Select label={t("claims.filter.label")} options={stateOptions} value={data.state ?? ""} onChange={(v) => go({ state: v || null, page: 1 })} />
                </div>
                <Button onClick={download} loading={downloading}>{t("claims.export")}</Button>
              </InlineStack>
              {downloadError ? <Banner tone="critical">{t("claims.export_failed")}</Banner> : null}
              {data.claims.length === 0 ? (
                <BlockStack gap="200">
                  <Text as="h3" variant="headingSm">{t(data.state ? "claims.empty_filtered" : "claims.empty")}</Text>
                  <Text as="p" tone="subdued">{t("claims.empty_help")}</Text>
                </BlockStack>
              ) : (
                <>
                  <DataTable
                    columnContentTypes={["text", "text", "text", "numeric", "numeric", "text", "text", "text"]}
                    headings={[
                      t("claims.col.order"), t("claims.col.dispute"), t("claims.col.state"), t("claims.col.amount"),
                      t("claims.col.guarantee_amount"), t("claims.col.opened"), t("claims.col.paid"), t("claims.col.payout"),
                    ]}
                    rows={rows}
                  />
                  <InlineStack align="space-between" blockAlign="center">
                    <Text as="span" tone="subdued">
                      {t("claims.showing", { from: number(first), to: number(first + data.claims.length - 1), total: number(data.total) })}
                    </Text>
                    <Pagination
                      hasPrevious={data.page > 1}
                      onPrevious={() => go({ page: data.page - 1 })}
                      hasNext={data.hasNext}
                      onNext={() => go({ page: data.page + 1 })}
                      previousTooltip={t("common.previous")}
                      nextTooltip={t("common.next")}
                    />
                  </InlineStack>
                </>
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">{t("claims.ledger.title")}</Text>
              <Text as="p" tone="subdued">{t("claims.ledger.help")} {t("claims.ledger.last_months")}</Text>
              {data.totals.length === 0 ? (
                <Text as="p">{t("claims.ledger.empty")}</Text>
              ) : (
                <DataTable
                  columnContentTypes={["text", "text", ...TOTAL_COLUMNS.map(() => "numeric" as const)]}
                  headings={[t("claims.ledger.month"), t("claims.ledger.currency"), ...TOTAL_COLUMNS.map((c) => t(COLUMN_KEYS[c]))]}
                  rows={data.totals.map((r) => [r.month, r.currency, ...TOTAL_COLUMNS.map((c) => money(r[c], r.currency))])}
                />
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
