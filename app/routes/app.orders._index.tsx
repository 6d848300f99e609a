// The orders list (/app/orders): the shop's screened orders, newest first, searched and filtered
// from the URL's search params (shareable links), paginated on the server. A filter value that is
// not valid is ignored and named in a notice. Queries in app/staff/orders.server.ts.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link as RemixLink, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Banner, BlockStack, Card, ChoiceList, EmptyState, Filters, IndexTable, InlineStack, Layout, Page, Pagination, Text, TextField } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { useCallback, useEffect, useRef, useState } from "react";
import { authenticate } from "../shopify.server";
import { db } from "../db.server";
import { listOrders, parseOrderFilters, type FilterName } from "../staff/orders.server";
import { useI18n } from "../components/i18n";
import { GuaranteeBadge, VerdictBadge } from "../components/badges";
import { EMPTY_STATE_IMAGE } from "../components/empty-image";
import type { MessageKey } from "../i18n";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = session.shop;
  const { filters, invalid } = parseOrderFilters(new URL(request.url).searchParams);
  const shopRow = await db.shop.findUnique({ where: { shop }, select: { ianaTimezone: true } });
  const result = await listOrders(db, shop, filters, { timeZone: shopRow?.ianaTimezone ?? undefined });
  return json({ ...result, filters, invalid });
};

const FILTER_LABELS: Record<FilterName, MessageKey> = {
  q: "orders.search", verdict: "orders.filter_verdict", band: "orders.filter_band", min: "orders.filter_min", max: "orders.filter_max",
  guarantee: "orders.filter_guarantee", from: "orders.filter_from", to: "orders.filter_to", page: "orders.filter_page",
};
const BAND_LABELS = { low: "orders.band_low", medium: "orders.band_medium", high: "orders.band_high" } as const;

export default function Orders() {
  const { orders, total, page, pageSize, hasNext, hasPrevious, filters, invalid } = useLoaderData<typeof loader>();
  const { t, money, number, date } = useI18n();
  const [params, setParams] = useSearchParams();
  const navigation = useNavigation();
  const [query, setQuery] = useState(filters.q ?? "");
  const timer = useRef<ReturnType<typeof setTimeout>>();

  /** Set (or remove) search params; any change but the page's goes back to page 1. */
  const update = useCallback(
    (changes: Partial<Record<FilterName, string | undefined>>) => {
      setParams((prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(changes)) {
          if (v === undefined || v === "") next.delete(k);
          else next.set(k, v);
        }
        if (!("page" in changes)) next.delete("page");
        return next;
      }, { preventScrollReset: true });
    },
    [setParams],
  );

  useEffect(() => () => clearTimeout(timer.current), []);
  const onQueryChange = (value: string) => {
    setQuery(value);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => update({ q: value.trim() || undefined }), 400);
  };

  const dateField = (name: "from" | "to") => (
    <TextField label={t(FILTER_LABELS[name])} type="date" autoComplete="off" value={params.get(name) ?? ""} onChange={(v) => update({ [name]: v || undefined })} />
  );
  const scoreField = (name: "min" | "max") => (
    <TextField label={t(FILTER_LABELS[name])} type="number" min={0} max={1000} autoComplete="off" value={params.get(name) ?? ""} onChange={(v) => update({ [name]: v || undefined })} />
  );
  const choice = (name: "verdict" | "band" | "guarantee", choices: { label: string; value: string }[]) => (
    <ChoiceList title={t(FILTER_LABELS[name])} titleHidden choices={choices} selected={filters[name] ? [filters[name]!] : []} onChange={(v) => update({ [name]: v[0] })} />
  );

  const appliedFilters = [
    ...(filters.verdict ? [{ key: "verdict", label: `${t("orders.filter_verdict")}: ${t(filters.verdict === "ship" ? "verdict.ship" : "verdict.hold")}`, onRemove: () => update({ verdict: undefined }) }] : []),
    ...(filters.band ? [{ key: "band", label: `${t("orders.filter_band")}: ${t(BAND_LABELS[filters.band])}`, onRemove: () => update({ band: undefined }) }] : []),
    ...(filters.guarantee ? [{ key: "guarantee", label: `${t("orders.filter_guarantee")}: ${t(`guarantee.badge.${filters.guarantee}`)}`, onRemove: () => update({ guarantee: undefined }) }] : []),
    ...(filters.min !== undefined || filters.max !== undefined
      ? [{ key: "score", label: t("orders.applied_score", { range: `${filters.min ?? 0}–${filters.max ?? 1000}` }), onRemove: () => update({ min: undefined, max: undefined }) }]
      : []),
    ...(filters.from || filters.to
      ? [{ key: "date", label: t("orders.applied_date", { range: `${filters.from ? date(`${filters.from}T12:00:00Z`) : "…"} – ${filters.to ? date(`${filters.to}T12:00:00Z`) : "…"}` }), onRemove: () => update({ from: undefined, to: undefined }) }]
      : []),
  ];

  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  return (
    <Page>
      <TitleBar title={t("orders.title")} />
      <Layout>
        {invalid.length > 0 ? (
          <Layout.Section>
            <Banner tone="warning">
              <Text as="p">{t("orders.invalid", { names: [...new Set(invalid)].map((n) => t(FILTER_LABELS[n])).join(", ") })}</Text>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card padding="0">
            <Filters
              queryValue={query}
              queryPlaceholder={t("orders.search")}
              onQueryChange={onQueryChange}
              onQueryClear={() => onQueryChange("")}
              onClearAll={() => {
                setQuery("");
                setParams(new URLSearchParams());
              }}
              appliedFilters={appliedFilters}
              loading={navigation.state === "loading"}
              filters={[
                { key: "verdict", label: t("orders.filter_verdict"), shortcut: true, filter: choice("verdict", [{ label: t("verdict.ship"), value: "ship" }, { label: t("verdict.hold"), value: "hold" }]) },
                {
                  key: "band", label: t("orders.filter_band"), shortcut: true,
                  filter: choice("band", (["low", "medium", "high"] as const).map((b) => ({ label: t(BAND_LABELS[b]), value: b }))),
                },
                {
                  key: "guarantee", label: t("orders.filter_guarantee"), shortcut: true,
                  filter: choice("guarantee", (["active", "none", "void"] as const).map((g) => ({ label: t(`guarantee.badge.${g}`), value: g }))),
                },
                { key: "score", label: t("orders.filter_score_range"), filter: <BlockStack gap="200">{scoreField("min")}{scoreField("max")}</BlockStack> },
                { key: "date", label: t("orders.filter_date"), filter: <BlockStack gap="200">{dateField("from")}{dateField("to")}</BlockStack> },
              ]}
            />
            {orders.length === 0 ? (
              <EmptyState heading={t("orders.empty_heading")} image={EMPTY_STATE_IMAGE}>
                <p>{t("orders.empty_body")}</p>
              </EmptyState>
            ) : (
              <IndexTable
                resourceName={{ singular: t("orders.resource"), plural: t("orders.resource") }}
                itemCount={orders.length}
                selectable={false}
                headings={[
                  { title: t("orders.col_order") },
                  { title: t("orders.col_date") },
                  { title: t("orders.col_total"), alignment: "end" },
                  { title: t("orders.col_verdict") },
                  { title: t("orders.col_score"), alignment: "end" },
                  { title: t("orders.col_guarantee") },
                ]}
              >
                {orders.map((o, i) => (
                  <IndexTable.Row id={o.orderId} key={o.orderId} position={i}>
                    <IndexTable.Cell>
                      <RemixLink to={`/app/orders/${o.orderId}`}>
                        <Text as="span" fontWeight="semibold">{o.orderName ?? t("orders.no_name", { id: o.orderId })}</Text>
                      </RemixLink>
                    </IndexTable.Cell>
                    <IndexTable.Cell>{date(o.createdAt)}</IndexTable.Cell>
                    <IndexTable.Cell>
                      <Text as="span" alignment="end" numeric>{money(o.totalPrice, o.currency)}</Text>
                    </IndexTable.Cell>
                    <IndexTable.Cell><VerdictBadge verdict={o.verdict} /></IndexTable.Cell>
                    <IndexTable.Cell>
                      <Text as="span" alignment="end" numeric>{number(o.score)}</Text>
                    </IndexTable.Cell>
                    <IndexTable.Cell><GuaranteeBadge state={o.guarantee} /></IndexTable.Cell>
                  </IndexTable.Row>
                ))}
              </IndexTable>
            )}
            <div style={{ padding: "12px 16px", borderTop: "1px solid var(--p-color-border-secondary)" }}>
              <InlineStack align="space-between" blockAlign="center">
                <Text as="span" tone="subdued">{t("orders.count", { from: number(first), to: number(last), total: number(total) })}</Text>
                <Pagination
                  hasPrevious={hasPrevious}
                  hasNext={hasNext}
                  previousTooltip={t("common.previous")}
                  nextTooltip={t("common.next")}
                  onPrevious={() => update({ page: String(page - 1) })}
                  onNext={() => update({ page: String(page + 1) })}
                />
              </InlineStack>
            </div>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
