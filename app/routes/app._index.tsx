import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, DataTable, Layout, Page, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { authenticate } from "../shopify.server";
import { db } from "../db.server";
import { localeOf, translate } from "../i18n";
import { deliveryCounts } from "../webhooks/deliveries.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = session.shop;
  // The admin passes the user's locale to embedded apps.
  const locale = localeOf(new URL(request.url).searchParams.get("locale"));
  const [deliveries, shopRow, guaranteed, claims] = await Promise.all([
    deliveryCounts(db, shop),
    db.shop.findUnique({ where: { shop }, select: { subscriptionStatus: true, confirmationUrl: true, chargingPausedAt: true } }),
    db.guarantee.count({ where: { shop, state: "active" } }),
    db.claim.groupBy({ by: ["state"], where: { shop }, _count: { _all: true } }),
  ]);
  // The merchant is told, before it matters, why approved orders are not guaranteed or fees wait.
  const notices: { tone: "critical" | "warning"; text: string; action?: string }[] = [];
  if (shopRow?.subscriptionStatus !== "ACTIVE") {
    notices.push({ tone: "critical", text: translate(locale, "guarantee.subscription_not_approved"), action: shopRow?.confirmationUrl ?? undefined });
  }
  if (shopRow?.chargingPausedAt) notices.push({ tone: "warning", text: translate(locale, "billing.paused") });
  return json({
    shop, locale, deliveries, notices, guaranteed,
    claims: Object.fromEntries(claims.map((c) => [c.state, c._count._all])) as Record<string, number>,
    approveLabel: translate(locale, "billing.not_approved"),
  });
};

export default function Dashboard() {
  const { shop, deliveries, notices, guaranteed, claims, approveLabel } = useLoaderData<typeof loader>();
  return (
    <Page>
      <TitleBar title="Holdfast" />
      <Layout>
        {notices.map((n) => (
          <Layout.Section key={n.text}>
            <Banner tone={n.tone}>
              <BlockStack gap="200">
                <Text as="p">{n.text}</Text>
                {n.action ? (
                  <div>
                    <Button url={n.action} target="_top">{approveLabel}</Button>
                  </div>
                ) : null}
              </BlockStack>
            </Banner>
          </Layout.Section>
        ))}
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">{shop}</Text>
              <Text as="p">
                Guaranteed orders: {guaranteed}. Claims: {claims.open ?? 0} open, {claims.approved ?? 0} approved, {claims.paid ?? 0} paid, {claims.closed ?? 0} closed.
              </Text>
              <Text as="p">Webhook deliveries received from Shopify for this shop.</Text>
              <DataTable
                columnContentTypes={["text", "text", "numeric"]}
                headings={["Topic", "Status", "Deliveries"]}
                rows={deliveries.map((d) => [d.topic, d.status, d.count])}
              />
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
