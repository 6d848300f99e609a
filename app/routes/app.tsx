// The embedded app's layout: authenticates every page below it, loads App Bridge (Shopify's script,
// or the emulator's stand-in in the demo and tests), Polaris in the admin user's language, the
// navigation, and the language switch. The locale is the `locale` Shopify passes to embedded apps
// on the document load; it is kept for client-side navigations (this loader does not run again).
import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError, type ShouldRevalidateFunction } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { NavMenu } from "@shopify/app-bridge-react";
import { Box, InlineStack, Select, Text } from "@shopify/polaris";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import polarisEn from "@shopify/polaris/locales/en.json";
import polarisJa from "@shopify/polaris/locales/ja.json";
import { useEffect, useState } from "react";
import { authenticate } from "../shopify.server";
import { env } from "../env.server";
import { db } from "../db.server";
import { localeOf, type Locale } from "../i18n";
import { I18nProvider, useI18n } from "../components/i18n";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

const LOCALE_KEY = "holdfast-locale";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = await db.shop.findUnique({ where: { shop: session.shop }, select: { ianaTimezone: true } });
  const config = env();
  return json({
    apiKey: config.SHOPIFY_API_KEY,
    appBridgeUrl: config.HOLDFAST_APP_BRIDGE_URL ?? null,
    locale: localeOf(new URL(request.url).searchParams.get("locale")),
    // The shop's zone once known; until then UTC, so that the server and the browser show the same time.
    timeZone: shop?.ianaTimezone ?? "UTC",
  });
};

// The locale and App Bridge come with the document; client-side navigations and actions keep them.
export const shouldRevalidate: ShouldRevalidateFunction = () => false;

export default function App() {
  const { apiKey, appBridgeUrl, locale: fromAdmin, timeZone } = useLoaderData<typeof loader>();
  const [locale, setLocale] = useState<Locale>(fromAdmin);
  // The switch (for testing) outlives client-side navigations within this tab.
  useEffect(() => {
    const chosen = sessionStorage.getItem(LOCALE_KEY);
    if (chosen === "en" || chosen === "ja") setLocale(chosen);
  }, []);
  const choose = (next: Locale) => {
    sessionStorage.setItem(LOCALE_KEY, next);
    setLocale(next);
  };
  return (
    <AppProvider isEmbeddedApp apiKey={apiKey} i18n={locale === "ja" ? polarisJa : polarisEn} {...(appBridgeUrl ? { __APP_BRIDGE_URL: appBridgeUrl } : {})}>
      <I18nProvider locale={locale} timeZone={timeZone}>
        <Nav />
        <Outlet />
        <LanguageSwitch locale={locale} onChange={choose} />
      </I18nProvider>
    </AppProvider>
  );
}

function Nav() {
  const { t } = useI18n();
  return (
    <NavMenu>
      <Link to="/app" rel="home">{t("nav.dashboard")}</Link>
      <Link to="/app/orders">{t("nav.orders")}</Link>
      <Link to="/app/review">{t("nav.review")}</Link>
      <Link to="/app/claims">{t("nav.claims")}</Link>
      <Link to="/app/settings">{t("nav.settings")}</Link>
      <Link to="/app/failed">{t("nav.failed")}</Link>
    </NavMenu>
  );
}

function LanguageSwitch({ locale, onChange }: { locale: Locale; onChange: (l: Locale) => void }) {
  const { t } = useI18n();
  return (
    <Box padding="400">
      <InlineStack align="center" blockAlign="center" gap="200">
        <Text as="span" tone="subdued">{t("common.language")}</Text>
        <div style={{ minWidth: 140 }}>
          <Select
            label={t("common.language")}
            labelHidden
            value={locale}
            onChange={(v) => onChange(v === "ja" ? "ja" : "en")}
            options={[{ label: "English", value: "en" }, { label: "日本語", value: "ja" }]}
          />
        </div>
      </InlineStack>
    </Box>
  );
}

// Shopify needs Remix to catch thrown responses (auth redirects) and add its headers.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
