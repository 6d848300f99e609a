// The error shown by a staff page's ErrorBoundary: not found, a bad request (its message is a
// catalogue key), or anything else, in the page's language.
import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { Banner, Page } from "@shopify/polaris";
import { isMessageKey } from "../i18n";
import { useI18n } from "./i18n";

export function RouteError() {
  const error = useRouteError();
  const { t } = useI18n();
  let text = t("claims.page_error");
  if (isRouteErrorResponse(error)) {
    if (error.status === 404) text = t("common.not_found");
    else {
      const key = (error.data as { error?: unknown } | null)?.error;
      if (typeof key === "string" && isMessageKey(key)) text = t(key);
    }
  }
  return (
    <Page>
      <Banner tone="critical">{text}</Banner>
    </Page>
  );
}
