// Settings (/app/settings): the hold threshold with what it would have meant on the shop's own
// recent orders (computed on the server for the value being moved, before saving), the
// missing-data policy, tag names, auto-cancel, extended review (saved only: not built yet), the
// guarantee's options, the fee rate (read-only: the operator's), and the block and allow lists.
// Every field is validated (zod, app/staff/settings.server.ts) and every change audited.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import {
  Banner, BlockStack, Box, Button, Card, Checkbox, DataTable, FormLayout, InlineGrid, InlineStack, Layout, Page, RangeSlider, Select, Text, TextField,
} from "@shopify/polaris";
import { useEffect, useRef, useState } from "react";
import { useI18n } from "../components/i18n";
import { RouteError } from "../components/route-error";
import { db } from "../db.server";
import { isMessageKey } from "../i18n";
import { authenticate } from "../shopify.server";
import { LIST_KINDS } from "../staff/constants";
import { badRequest, notFound, staffActor } from "../staff/route-helpers.server";
import {
  NotFound, SettingsForm, ThresholdParam, addListEntry, fieldErrors, impactAt, listEntries, loadSettings, removeListEntry, saveSettings,
} from "../staff/settings.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = session.shop;
  const params = new URL(request.url).searchParams;
  const raw = params.get("threshold");
  let candidate: number | null = null;
  if (raw !== null && raw !== "") {
    const parsed = ThresholdParam.safeParse(raw);
    if (!parsed.success) badRequest("settings.error.threshold");
    candidate = parsed.data;
  }
  // A preview (the threshold being moved: ?threshold=N&preview=1, the page's fetcher) needs only its
  // impact: no settings, no list entries. Without the flag (a typed URL, a revalidation) it is the page.
  if (candidate !== null && params.get("preview") === "1") return json({ preview: true as const, impact: await impactAt(db, shop, candidate) });
  let settings;
  try {
    settings = await loadSettings(db, shop);
  } catch (error) {
    if (error instanceof NotFound) notFound();
    throw error;
  }
  const [impact, lists] = await Promise.all([impactAt(db, shop, candidate ?? settings.holdThreshold), listEntries(db, shop)]);
  return json({ preview: false as const, settings, impact, lists });
};

const str = (v: FormDataEntryValue | null) => (typeof v === "string" ? v : "");

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session, sessionToken } = await authenticate.admin(request);
  const shop = session.shop;
  const actor = staffActor(sessionToken);
  const form = await request.formData();
  const intent = str(form.get("intent"));
  const fields = Object.fromEntries([...form.entries()].filter(([k]) => k !== "intent").map(([k, v]) => [k, str(v)]));
  try {
    if (intent === "save") {
      const parsed = SettingsForm.safeParse(fields);
      if (!parsed.success) return json({ intent, ok: false as const, errors: fieldErrors(parsed.error) }, { status: 400 });
      const changed = await saveSettings(db, shop, actor, parsed.data);
      return json({ intent, ok: true as const, changed });
    }
    if (intent === "add_entry") {
      const result = await addListEntry(db, shop, actor, fields);
      if (!result.ok) return json({ intent, ok: false as const, errors: result.errors }, { status: 400 });
      return json({ intent, ok: true as const, changed: [result.value] });
    }
    if (intent === "remove_entry") {
      if (!(await removeListEntry(db, shop, actor, fields.id ?? ""))) notFound();
      return json({ intent, ok: true as const, changed: [] as string[] });
    }
  } catch (error) {
    if (error instanceof NotFound) notFound();
    throw error;
  }
  return json({ intent, ok: false as const, errors: { form: "settings.error.intent" } as Record<string, string> }, { status: 400 });
};

type ActionData = { intent: string; ok: true; changed: string[] } | { intent: string; ok: false; errors: Record<string, string> };

export default function Settings() {
  // The page's own load is never a preview (the flag is only the fetcher's).
  const { settings, impact: savedImpact, lists } = useLoaderData<typeof loader>() as Extract<ReturnType<typeof useLoaderData<typeof loader>>, { preview: false }>;
  const { t, percent } = useI18n();
  const save = useFetcher<ActionData>();
  const impactFetcher = useFetcher<typeof loader>();
  const [values, setValues] = useState(() => ({
    holdThreshold: String(settings.holdThreshold),
    thinDataPolicy: settings.thinDataPolicy as string,
    shipTag: settings.shipTag,
    holdTag: settings.holdTag,
    autoCancel: settings.autoCancel,
    autoCancelScore: String(settings.autoCancelScore),
    extendedReview: settings.extendedReview,
    coverNotReceived: settings.coverNotReceived,
    evidenceSubmitDays: settings.evidenceSubmitDays === null ? "off" : String(settings.evidenceSubmitDays),
  }));
  const set = <K extends keyof typeof values>(k: K, v: (typeof values)[K]) => setValues((prev) => ({ ...prev, [k]: v }));
  // The threshold's impact, asked of the server for the value being moved (debounced).
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const askImpact = (threshold: string) => {
    clearTimeout(timer.current);
    if (!/^\d{1,4}$/.test(threshold) || Number(threshold) < 1 || Number(threshold) > 1000) return;
    timer.current = setTimeout(() => impactFetcher.load(`/app/settings?threshold=${threshold}&preview=1`), 250);
  };
  useEffect(() => () => clearTimeout(timer.current), []);
  const impact = impactFetcher.data?.impact && String(impactFetcher.data.impact.threshold) === values.holdThreshold ? impactFetcher.data.impact : savedImpact;
  const errors = save.data && !save.data.ok && save.data.intent === "save" ? save.data.errors : {};
  const err = (field: string) => (errors[field] && isMessageKey(errors[field]) ? t(errors[field]) : errors[field] ? t("settings.error.invalid") : undefined);
  const submit = () =>
    save.submit(
      { intent: "save", ...values, autoCancel: String(values.autoCancel), extendedReview: String(values.extendedReview), coverNotReceived: String(values.coverNotReceived) },
      { method: "post" },
    );
  const saved = save.state === "idle" && save.data?.ok && save.data.intent === "save";
  return (
    <Page>
      <TitleBar title={t("settings.title")} />
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {saved ? <Banner tone="success">{save.data && save.data.ok && save.data.changed.length ? t("settings.saved") : t("settings.unchanged")}</Banner> : null}
            {Object.keys(errors).length ? <Banner tone="critical">{t("settings.error.summary")}</Banner> : null}
            <Card>
              <BlockStack gap="400">
                <Text as="h2" variant="headingMd">{t("settings.threshold.title")}</Text>
                <Text as="p" tone="subdued">{t("settings.threshold.help", { default: settings.defaultThreshold })}</Text>
                <RangeSlider
                  label={t("settings.threshold.label")}
                  min={1}
                  max={1000}
                  value={Number(values.holdThreshold) || 1}
                  onChange={(v) => {
                    const s = String(Array.isArray(v) ? v[0] : v);
                    set("holdThreshold", s);
                    askImpact(s);
                  }}
                  output
                />
                <TextField
                  label={t("settings.threshold.value")}
                  type="number"
                  min={1}
                  max={1000}
                  autoComplete="off"
                  value={values.holdThreshold}
                  onChange={(v) => {
                    set("holdThreshold", v);
                    askImpact(v);
                  }}
                  error={err("holdThreshold")}
                />
                <Impact impact={impact} loading={impactFetcher.state !== "idle"} />
              </BlockStack>
            </Card>
            <Card>
              <FormLayout>
                <Text as="h2" variant="headingMd">{t("settings.decisions.title")}</Text>
                <Select
                  label={t("settings.thin_data.label")}
                  helpText={t("settings.thin_data.help")}
                  options={[{ label: t("settings.thin_data.hold"), value: "hold" }, { label: t("settings.thin_data.ship"), value: "ship_unguaranteed" }]}
                  value={values.thinDataPolicy}
                  onChange={(v) => set("thinDataPolicy", v)}
                  error={err("thinDataPolicy")}
                />
                <FormLayout.Group>
                  <TextField label={t("settings.tags.ship")} autoComplete="off" value={values.shipTag} onChange={(v) => set("shipTag", v)} error={err("shipTag")} maxLength={40} />
                  <TextField label={t("settings.tags.hold")} autoComplete="off" value={values.holdTag} onChange={(v) => set("holdTag", v)} error={err("holdTag")} maxLength={40} />
                </FormLayout.Group>
                <Text as="p" tone="subdued">{t("settings.tags.help")}</Text>
                <Checkbox label={t("settings.auto_cancel.label")} helpText={t("settings.auto_cancel.help")} checked={values.autoCancel} onChange={(v) => set("autoCancel", v)} error={err("autoCancel")} />
                <TextField
                  label={t("settings.auto_cancel.score")}
                  type="number"
                  min={0}
                  max={1000}
                  autoComplete="off"
                  value={values.autoCancelScore}
                  onChange={(v) => set("autoCancelScore", v)}
                  error={err("autoCancelScore")}
                  disabled={!values.autoCancel}
                />
                <Checkbox
                  label={t("settings.extended_review.label")}
                  helpText={t("settings.extended_review.not_built")}
                  checked={values.extendedReview}
                  onChange={(v) => set("extendedReview", v)}
                  error={err("extendedReview")}
                />
              </FormLayout>
            </Card>
            <Card>
              <FormLayout>
                <Text as="h2" variant="headingMd">{t("settings.guarantee.title")}</Text>
                <Checkbox
                  label={t("settings.cover_not_received.label")}
                  helpText={t("settings.cover_not_received.help")}
                  checked={values.coverNotReceived}
                  onChange={(v) => set("coverNotReceived", v)}
                  error={err("coverNotReceived")}
                />
                <Select
                  label={t("settings.evidence_days.label")}
                  helpText={t("settings.evidence_days.help")}
                  options={[{ label: t("settings.evidence_days.off"), value: "off" }, ...[1, 2, 3, 5, 7, 10, 14].map((d) => ({ label: t("settings.evidence_days.days", { days: d }), value: String(d) }))]
                    .concat(values.evidenceSubmitDays !== "off" && ![1, 2, 3, 5, 7, 10, 14].includes(Number(values.evidenceSubmitDays)) ? [{ label: t("settings.evidence_days.days", { days: values.evidenceSubmitDays }), value: values.evidenceSubmitDays }] : [])}
                  value={values.evidenceSubmitDays}
                  onChange={(v) => set("evidenceSubmitDays", v)}
                  error={err("evidenceSubmitDays")}
                />
                <TextField
                  label={t("settings.fee_rate.label")}
                  autoComplete="off"
                  readOnly
                  value={percent(Number(settings.feeRate), 4)}
                  helpText={t(settings.feeRateIsDefault ? "settings.fee_rate.help_default" : "settings.fee_rate.help")}
                />
              </FormLayout>
            </Card>
            <InlineStack align="end">
              <Button variant="primary" onClick={submit} loading={save.state !== "idle"}>{t("common.save")}</Button>
            </InlineStack>
          </BlockStack>
        </Layout.Section>
        <Layout.Section>
          <Lists lists={lists} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}

type Impact = Extract<ReturnType<typeof useLoaderData<typeof loader>>, { preview: false }>["impact"];

function Impact({ impact, loading }: { impact: Impact; loading: boolean }) {
  const { t, percent, number, money } = useI18n();
  return (
    <Box background="bg-surface-secondary" padding="300" borderRadius="200">
      <BlockStack gap="200">
        <Text as="h3" variant="headingSm">{t("settings.impact.title", { days: impact.days, threshold: impact.threshold })}{loading ? " …" : ""}</Text>
        {impact.orders === 0 ? (
          <Text as="p">{t("settings.impact.no_orders")}</Text>
        ) : (
          <>
            <InlineGrid columns={{ xs: 1, sm: 3 }} gap="300">
              <BlockStack gap="050">
                <Text as="span" tone="subdued" variant="bodySm">{t("settings.impact.approval_rate")}</Text>
                <Text as="span" variant="headingLg">{percent(impact.approvalRate)}</Text>
                <Text as="span" variant="bodySm">{t("settings.impact.approved_of", { approved: number(impact.approved), orders: number(impact.orders) })}</Text>
              </BlockStack>
              <BlockStack gap="050">
                <Text as="span" tone="subdued" variant="bodySm">{t("settings.impact.held")}</Text>
                <Text as="span" variant="headingLg">{number(impact.held)}</Text>
              </BlockStack>
              <BlockStack gap="050">
                <Text as="span" tone="subdued" variant="bodySm">{t("settings.impact.cost")}</Text>
                {impact.cost.length === 0 ? <Text as="span">—</Text> : impact.cost.map((c) => <Text key={c.currency} as="span" variant="headingMd">{money(c.amount, c.currency)}</Text>)}
              </BlockStack>
            </InlineGrid>
            <Text as="p" tone="subdued" variant="bodySm">{t("settings.impact.how")}</Text>
            {impact.leftOut > 0 ? <Text as="p" variant="bodySm">{t("settings.impact.left_out", { count: number(impact.leftOut) })}</Text> : null}
            {impact.fixed > 0 ? <Text as="p" variant="bodySm">{t("settings.impact.fixed", { count: number(impact.fixed) })}</Text> : null}
            {impact.capped ? <Text as="p" variant="bodySm">{t("settings.impact.capped", { count: number(impact.orders) })}</Text> : null}
          </>
        )}
      </BlockStack>
    </Box>
  );
}

type Lists = Extract<ReturnType<typeof useLoaderData<typeof loader>>, { preview: false }>["lists"];

function Lists({ lists }: { lists: Lists }) {
  const { t, number, dateTime } = useI18n();
  const add = useFetcher<ActionData>();
  const remove = useFetcher<ActionData>();
  const empty = { list: "block", kind: "email", value: "", note: "", country: "", city: "", address1: "", address2: "" };
  const [entry, setEntry] = useState(empty);
  const errors = add.data && !add.data.ok ? add.data.errors : {};
  const err = (field: string) => (errors[field] && isMessageKey(errors[field]) ? t(errors[field]) : errors[field] ? t("settings.error.invalid") : undefined);
  useEffect(() => {
    if (add.state === "idle" && add.data?.ok) setEntry((e) => ({ ...empty, list: e.list, kind: e.kind }));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [add.state, add.data]);
  const set = (k: keyof typeof empty, v: string) => setEntry((e) => ({ ...e, [k]: v }));
  const kindLabel = (k: string) => (isMessageKey(`settings.list.kind.${k}`) ? t(`settings.list.kind.${k}` as Parameters<typeof t>[0]) : k);
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">{t("settings.list.title")}</Text>
        <Text as="p" tone="subdued">{t("settings.list.help")}</Text>
        <FormLayout>
          <FormLayout.Group>
            <Select label={t("settings.list.list")} options={[{ label: t("settings.list.block"), value: "block" }, { label: t("settings.list.allow"), value: "allow" }]} value={entry.list} onChange={(v) => set("list", v)} error={err("list")} />
            <Select label={t("settings.list.kind")} options={LIST_KINDS.map((k) => ({ label: kindLabel(k), value: k }))} value={entry.kind} onChange={(v) => set("kind", v)} error={err("kind")} />
          </FormLayout.Group>
          {entry.kind === "address" ? (
            <FormLayout.Group>
              <TextField label={t("settings.list.country")} autoComplete="off" value={entry.country} onChange={(v) => set("country", v)} error={err("country")} maxLength={2} />
              <TextField label={t("settings.list.city")} autoComplete="off" value={entry.city} onChange={(v) => set("city", v)} />
              <TextField label={t("settings.list.address1")} autoComplete="off" value={entry.address1} onChange={(v) => set("address1", v)} error={err("address1")} />
              <TextField label={t("settings.list.address2")} autoComplete="off" value={entry.address2} onChange={(v) => set("address2", v)} />
            </FormLayout.Group>
          ) : (
            <TextField
              label={t("settings.list.value")}
              helpText={t(`settings.list.hint.${entry.kind as (typeof LIST_KINDS)[number]}`)}
              autoComplete="off"
              value={entry.value}
              onChange={(v) => set("value", v)}
              error={err("value")}
            />
          )}
          {entry.kind === "address" && err("value") ? <Text as="p" tone="critical">{err("value")}</Text> : null}
          <TextField label={t("settings.list.note")} autoComplete="off" value={entry.note} onChange={(v) => set("note", v)} error={err("note")} maxLength={200} />
          <InlineStack align="end">
            <Button onClick={() => add.submit({ intent: "add_entry", ...entry }, { method: "post" })} loading={add.state !== "idle"}>{t("settings.list.add")}</Button>
          </InlineStack>
        </FormLayout>
        <Text as="p" tone="subdued">{t("settings.list.count", { count: number(lists.total), max: number(lists.max) })}</Text>
        {lists.entries.length === 0 ? (
          <Text as="p">{t("settings.list.empty")}</Text>
        ) : (
          <DataTable
            columnContentTypes={["text", "text", "text", "text", "text", "text"]}
            headings={[t("settings.list.list"), t("settings.list.kind"), t("settings.list.value"), t("settings.list.note"), t("settings.list.added"), ""]}
            rows={lists.entries.map((e) => [
              t(e.list === "allow" ? "settings.list.allow" : "settings.list.block"),
              kindLabel(e.kind),
              e.value,
              e.note ?? "",
              dateTime(e.createdAt),
              <Button key="r" variant="plain" tone="critical" onClick={() => remove.submit({ intent: "remove_entry", id: e.id }, { method: "post" })}>{t("settings.list.remove")}</Button>,
            ])}
          />
        )}
      </BlockStack>
    </Card>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
