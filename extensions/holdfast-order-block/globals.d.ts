// The global `shopify` object the admin gives this extension's target. The Shopify CLI writes an
// equivalent shopify.d.ts when it builds (not committed); this one lets `tsc` check the code
// without the CLI.
import "@shopify/ui-extensions";
import type { Api } from "@shopify/ui-extensions/admin.order-details.block.render";

declare global {
  const shopify: Api;
}
