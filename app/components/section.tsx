// A titled card in a page's layout: the shape most sections of the staff pages share.
import type { ReactNode } from "react";
import { BlockStack, Card, Layout, Text } from "@shopify/polaris";

export function SectionCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Layout.Section>
      <Card>
        <BlockStack gap="300">
          <Text as="h2" variant="headingMd">{title}</Text>
          {children}
        </BlockStack>
      </Card>
    </Layout.Section>
  );
}
