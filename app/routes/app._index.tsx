import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, DataTable, Layout, Page, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { authenticate } from "../shopify.server";
import { db } from "../db.server";
import { deliveryCounts } from "../webhooks/deliveries.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return json({ shop: session.shop, deliveries: await deliveryCounts(db, session.shop) });
};

export default function Dashboard() {
  const { shop, deliveries } = useLoaderData<typeof loader>();
  return (
    <Page>
      <TitleBar title="Holdfast" />
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">{shop}</Text>
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
