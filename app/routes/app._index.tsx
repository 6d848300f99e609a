// The dashboard (/app): what Holdfast screened, held and guaranteed for this shop, its claims and
// fees, verdicts per day and the score distribution (Polaris Viz, drawn in the browser), failed
// work, and, before the first order, what will happen. Figures come from app/staff/dashboard.server.ts.
import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link as RemixLink, useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, EmptyState, InlineGrid, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import vizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import type { ReactNode } from "react";
import { authenticate } from "../shopify.server";
import { db } from "../db.server";
import type { MessageKey } from "../i18n";
import { dashboardData } from "../staff/dashboard.server";
import { SectionCard } from "../components/section";
import { useI18n } from "../components/i18n";
import { BarChartView } from "../components/charts";
import { monthDay } from "../components/day-label";
import { EMPTY_STATE_IMAGE } from "../components/empty-image";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: vizStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = session.shop;
  const shopRow = await db.shop.findUnique({ where: { shop }, select: { subscriptionStatus: true, confirmationUrl: true, chargingPausedAt: true, ianaTimezone: true } });
  const data = await dashboardData(db, shop, { timeZone: shopRow?.ianaTimezone ?? undefined });
  // The merchant is told, before it matters, why approved orders are not guaranteed or fees wait.
  const notices: { tone: "critical" | "warning"; key: MessageKey; action?: string }[] = [];
  if (shopRow?.subscriptionStatus !== "ACTIVE") {
    notices.push({ tone: "critical", key: "guarantee.subscription_not_approved", action: shopRow?.confirmationUrl ?? undefined });
  }
  if (shopRow?.chargingPausedAt) notices.push({ tone: "warning", key: "billing.paused" });
  return json({ notices, data });
};

function Tile({ title, value, help, action }: { title: string; value: ReactNode; help?: ReactNode; action?: ReactNode }) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h3" variant="headingSm" tone="subdued">{title}</Text>
        <Text as="p" variant="headingXl">{value}</Text>
        {help ? <Text as="p" tone="subdued">{help}</Text> : null}
        {action}
      </BlockStack>
    </Card>
  );
}

export default function Dashboard() {
  const { notices, data } = useLoaderData<typeof loader>();
  const { t, number, percent, money } = useI18n();
  const empty = data.screened === 0;
  return (
    <Page>
      <TitleBar title={t("dash.title")} />
      <Layout>
        {notices.map((n) => (
          <Layout.Section key={n.key}>
            <Banner tone={n.tone}>
              <BlockStack gap="200">
                <Text as="p">{t(n.key)}</Text>
                {n.action ? (
                  <div>
                    <Button url={n.action} target="_top">{t("billing.not_approved")}</Button>
                  </div>
                ) : null}
              </BlockStack>
            </Banner>
          </Layout.Section>
        ))}
        {empty ? (
          <Layout.Section>
            <Card>
              <EmptyState heading={t("dash.empty_heading")} image={EMPTY_STATE_IMAGE} action={{ content: t("dash.empty_action"), url: "/app/orders" }}>
                <p>{t("dash.empty_body")}</p>
              </EmptyState>
            </Card>
          </Layout.Section>
        ) : (
          <>
            <Layout.Section>
              <InlineGrid columns={{ xs: 1, sm: 2, md: 4 }} gap="400">
                <Tile title={t("dash.screened")} value={number(data.screened)} help={t("dash.approved_held", { approved: number(data.approved), held: number(data.held) })} />
                <Tile title={t("dash.approval_rate")} value={data.approvalRate === null ? t("dash.approval_rate_none") : percent(data.approvalRate)} />
                <Tile
                  title={t("dash.held_now")}
                  value={number(data.heldNow)}
                  help={t("dash.held_now_help")}
                  action={<RemixLink to="/app/review">{t("dash.open_review")}</RemixLink>}
                />
                <Tile
                  title={t("dash.guaranteed")}
                  value={data.guaranteed.sums.length ? data.guaranteed.sums.map((s) => <span key={s.currency} style={{ display: "block" }}>{money(s.amount, s.currency)}</span>) : money("0", null)}
                  help={t("dash.guaranteed_orders", { count: number(data.guaranteed.count) })}
                />
                <Tile title={t("dash.fraud_chargebacks")} value={number(data.fraudChargebacks)} help={t("dash.fraud_chargebacks_help")} />
                <Tile
                  title={t("dash.claims")}
                  value={number(data.claims.open + data.claims.approved + data.claims.paid + data.claims.closed)}
                  help={t("dash.claims_counts", { open: number(data.claims.open), approved: number(data.claims.approved), paid: number(data.claims.paid), closed: number(data.claims.closed) })}
                  action={<RemixLink to="/app/claims">{t("nav.claims")}</RemixLink>}
                />
                <Tile
                  title={t("dash.fees")}
                  value={data.fees.length ? data.fees.map((f) => <span key={f.currency} style={{ display: "block" }}>{money(f.charged, f.currency)}</span>) : money("0", null)}
                  help={data.fees.length ? (
                    <>
                      {data.fees.map((f) => (
                        <span key={f.currency} style={{ display: "block" }}>
                          {t("dash.fees_line", { charged: money(f.charged, f.currency), owed: money(f.owed, f.currency) })}
                          {Number(f.pending) > 0 ? ` · ${t("dash.fees_pending", { pending: money(f.pending, f.currency) })}` : ""}
                        </span>
                      ))}
                    </>
                  ) : undefined}
                />
                <Tile
                  title={t("dash.failed_work")}
                  value={number(data.failedActions + data.deadJobs)}
                  help={data.failedActions + data.deadJobs > 0 ? t("dash.failed_counts", { actions: number(data.failedActions), jobs: number(data.deadJobs) }) : t("dash.failed_none")}
                  action={<RemixLink to="/app/failed">{t("dash.failed_link")}</RemixLink>}
                />
              </InlineGrid>
            </Layout.Section>
            <SectionCard title={t("dash.per_day")}>
              <BarChartView
                label={t("dash.per_day")}
                stacked
                height={300}
                xLabel={monthDay} // the shop's calendar days already: shown as such (numeric month/day), not converted again
                series={[
                  { name: t("dash.series_approved"), color: "#29845a", data: data.perDay.map((d) => ({ key: d.day, value: d.approved })) },
                  { name: t("dash.series_held"), color: "#e51c00", data: data.perDay.map((d) => ({ key: d.day, value: d.held })) },
                ]}
              />
            </SectionCard>
            <SectionCard title={t("dash.score_distribution")}>
              <BarChartView
                label={t("dash.score_distribution")}
                series={[{ name: t("dash.series_orders"), data: data.scoreBands.map((b) => ({ key: `${number(b.from)}–${number(b.to)}`, value: b.count })) }]}
              />
            </SectionCard>
          </>
        )}
        {empty && data.failedActions + data.deadJobs > 0 ? (
          <Layout.Section>
            <Card>
              <InlineStack align="space-between" blockAlign="center">
                <Text as="p">{t("dash.failed_counts", { actions: number(data.failedActions), jobs: number(data.deadJobs) })}</Text>
                <RemixLink to="/app/failed">{t("dash.failed_link")}</RemixLink>
              </InlineStack>
            </Card>
          </Layout.Section>
        ) : null}
      </Layout>
    </Page>
  );
}
