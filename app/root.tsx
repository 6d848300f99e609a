import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useLoaderData } from "@remix-run/react";
import { env } from "./env.server";
import { localeOf } from "./i18n";

// Shopify's Inter font comes from its CDN in the admin; offline (the demo and tests, with the App
// Bridge stand-in) Polaris falls back to the system font and nothing is fetched from outside.
export const loader = ({ request }: LoaderFunctionArgs) =>
  json({ cdnFonts: !env().HOLDFAST_APP_BRIDGE_URL, lang: localeOf(new URL(request.url).searchParams.get("locale")) });

export default function App() {
  const { cdnFonts, lang } = useLoaderData<typeof loader>() ?? { cdnFonts: true, lang: "en" };
  return (
    <html lang={lang}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        {cdnFonts ? <link rel="preconnect" href="https://cdn.shopify.com/" /> : null}
        {cdnFonts ? <link rel="stylesheet" href="https://cdn.shopify.com/static/fonts/inter/v4/styles.css" /> : null}
        <Meta />
        <Links />
      </head>
      <body>
        <Outlet />
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}
