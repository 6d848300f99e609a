// The order receipt: why Holdfast decided what it did (score, probability, each signal's
// contribution with its reason, the facts used and their coverage), what it did in the store, the
// guarantee and why, the timeline, disputes and claims; and the staff's decisions (approve, decline,
// re-screen, confirmed fraud / good), each through the pipeline and audited.
import type { ActionFunctionArgs, LoaderFunctionArgs, SerializeFrom } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link as RemixLink, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import {
  Badge, Banner, BlockStack, Box, Button, Card, Checkbox, DataTable, InlineGrid, InlineStack, Layout, List, Modal, Page, Text, TextField,
} from "@shopify/polaris";
import { useState } from "react";
import { authenticate } from "../shopify.server";
import { db } from "../db.server";
import { GuaranteeBadge, VerdictBadge, ClaimStateBadge } from "../components/badges";
import { useI18n, type I18n } from "../components/i18n";
import type { MessageKey } from "../i18n";
import { OrderIdParam, loadReceipt, type FactRow } from "../staff/receipt.server";
import { formFields, notFound, receiptAction, staffActor } from "../staff/decisions.server";
import { ResultBanner } from "../components/result-banner";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const id = OrderIdParam.safeParse(params.orderId);
  if (!id.success) throw notFound();
  const receipt = await loadReceipt(db, session.shop, id.data);
  if (!receipt) throw notFound();
  return json(receipt);
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session, sessionToken } = await authenticate.admin(request);
  const id = OrderIdParam.safeParse(params.orderId);
  if (!id.success) throw notFound();
  const result = await receiptAction(db, session.shop, staffActor(sessionToken), id.data, formFields(await request.formData()));
  return json(result.body, { status: result.status });
};

const DECIDED_BY: Record<string, MessageKey> = {
  score: "staff.decided_by.score", block_list: "staff.decided_by.block_list", allow_list: "staff.decided_by.allow_list",
  thin_data: "staff.decided_by.thin_data", staff: "staff.decided_by.staff",
};
const STORE_ACTION: Record<string, MessageKey> = {
  tag: "staff.store_action.tag", untag: "staff.store_action.untag", risk_assessment: "staff.store_action.risk_assessment", hold: "staff.store_action.hold",
  release: "staff.store_action.release", override: "staff.store_action.override", cancel: "staff.store_action.cancel",
};
const ACTION_OUTCOME: Record<string, MessageKey> = {
  applied: "staff.action_outcome.applied", already: "staff.action_outcome.already", skipped: "staff.action_outcome.skipped",
  failed: "staff.action_outcome.failed", pending: "staff.action_outcome.pending",
};
const AUDIT: Record<string, MessageKey> = {
  screened: "staff.audit.screened", rescreened: "staff.audit.rescreened", guarantee: "staff.audit.guarantee", store_action_failed: "staff.audit.store_action_failed",
  staff_approve: "staff.audit.staff_approve", staff_decline: "staff.audit.staff_decline", staff_rescreen: "staff.audit.staff_rescreen",
  staff_decision: "staff.audit.staff_decision", staff_decision_applied: "staff.audit.staff_decision_applied",
  staff_decision_superseded: "staff.audit.staff_decision_superseded", outcome: "staff.audit.outcome", outcome_changed: "staff.audit.outcome_changed",
};
type Receipt = SerializeFrom<typeof loader>;
const COVERAGE_GROUPS = ["account", "payment", "network", "contact", "addresses"] as const;

function country(i18n: I18n, code: string): string {
  try {
    return new Intl.DisplayNames([i18n.locale], { type: "region" }).of(code) ?? code;
  } catch {
    return code;
  }
}

function factValue(i18n: I18n, row: FactRow): string {
  switch (row.type) {
    case "money": return i18n.money(row.value, row.currency);
    case "number": return i18n.number(row.value);
    case "bool": return i18n.t(row.value ? "staff.fact.yes" : "staff.fact.no");
    case "date": return i18n.dateTime(row.value);
    case "country": return country(i18n, row.value);
    case "key": return i18n.t(row.value);
    default: return row.value;
  }
}

function actorName(i18n: I18n, actor: string): string {
  if (actor === "holdfast") return i18n.t("staff.actor.holdfast");
  if (actor === "operator") return i18n.t("staff.actor.operator");
  const staff = /^staff:(.+)$/.exec(actor);
  if (staff) return i18n.t("staff.actor.staff", { id: staff[1]! });
  if (actor === "staff") return i18n.t("staff.actor.staff_unknown");
  return i18n.t("staff.actor.holdfast");
}

export default function OrderReceipt() {
  const r = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const i18n = useI18n();
  const { t } = i18n;
  const o = r.order;
  return (
    <Page backAction={{ content: t("nav.review"), url: "/app/review" }}>
      <TitleBar title={t("staff.receipt.title", { name: o.name ?? o.orderId })} />
      <Layout>
        {result || r.pending || o.decidedBy === "staff" || o.cancelled ? (
          <Layout.Section>
            <BlockStack gap="200">
              <ResultBanner result={result} />
              {r.pending ? <Banner tone="info"><p>{t("staff.receipt.pending")}</p></Banner> : null}
              {o.decidedBy === "staff" ? (
                <Banner tone="warning">
                  <p>{t(o.verdict === "hold" ? "staff.receipt.declined_by_staff" : "staff.receipt.approved_by_staff")}</p>
                  {o.cancelled ? <p>{t("staff.receipt.cancelled")}</p> : null}
                </Banner>
              ) : o.cancelled ? <Banner tone="warning"><p>{t("staff.receipt.cancelled")}</p></Banner> : null}
            </BlockStack>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Decision r={r} />
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Actions r={r} />
        </Layout.Section>
        <Layout.Section>
          <Signals r={r} />
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Facts r={r} />
        </Layout.Section>
        <Layout.Section>
          <StoreActions r={r} />
        </Layout.Section>
        <Layout.Section>
          <Guarantee r={r} />
        </Layout.Section>
        <Layout.Section>
          <Disputes r={r} />
        </Layout.Section>
        <Layout.Section>
          <Timeline r={r} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <InlineGrid columns={2} gap="200">
      <Text as="span" tone="subdued">{label}</Text>
      <Text as="span">{children}</Text>
    </InlineGrid>
  );
}

function Decision({ r }: { r: Receipt }) {
  const i18n = useI18n();
  const { t } = i18n;
  const o = r.order;
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h2" variant="headingMd">{t("staff.receipt.decision")}</Text>
          <VerdictBadge verdict={o.verdict} />
          <GuaranteeBadge state={r.guarantee?.state ?? "none"} />
          {r.outcome ? <Badge tone={r.outcome === "fraud" ? "critical" : "success"}>{t("staff.receipt.outcome_current", { label: t(r.outcome === "fraud" ? "staff.label.fraud" : "staff.label.good") })}</Badge> : null}
        </InlineStack>
        <Row label={t("staff.receipt.score")}>{t("staff.receipt.score_value", { score: i18n.number(o.score), threshold: i18n.number(o.threshold) })}</Row>
        <Row label={t("staff.receipt.probability")}>{o.probability != null ? i18n.percent(o.probability, 1) : t("staff.receipt.probability_none")}</Row>
        <Row label={t("staff.receipt.decided_by")}>{t(DECIDED_BY[o.decidedBy] ?? "staff.decided_by.unknown")}</Row>
        <Row label={t("staff.receipt.decided_at")}>{i18n.dateTime(o.screenedAt)}</Row>
        <Row label={t("staff.receipt.revision")}>{i18n.number(o.revision)}</Row>
        {o.totalPrice && o.currency ? <Row label={t("staff.receipt.total")}>{i18n.money(o.totalPrice, o.currency)}</Row> : null}
        {r.reasons && r.reasons[i18n.locale].length > 0 ? (
          <BlockStack gap="100">
            <Text as="h3" variant="headingSm">{t("staff.receipt.reasons")}</Text>
            <List>
              {r.reasons[i18n.locale].map((reason, i) => <List.Item key={i}>{reason}</List.Item>)}
            </List>
          </BlockStack>
        ) : null}
      </BlockStack>
    </Card>
  );
}

function Actions({ r }: { r: Receipt }) {
  const { t } = useI18n();
  const navigation = useNavigation();
  const submit = useSubmit();
  // While a decision or screening of this order is queued, a new one would only be refused (busy).
  const busy = navigation.state !== "idle" || r.pending;
  const [note, setNote] = useState("");
  const [cancel, setCancel] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const held = r.order.verdict === "hold";
  const send = (intent: string) => {
    const form = new FormData();
    form.set("intent", intent);
    if (note.trim()) form.set("note", note);
    if (intent === "decline" && cancel) form.set("cancel", "on");
    submit(form, { method: "post" });
  };
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">{t("staff.receipt.actions")}</Text>
        <TextField label={t("staff.action.note")} value={note} onChange={setNote} multiline={2} maxLength={500} autoComplete="off" />
        {held && !r.order.cancelled ? (
          <BlockStack gap="200">
            <Banner tone="warning"><p>{t("staff.approve.warning")}</p></Banner>
            <Button variant="primary" onClick={() => setConfirming(true)} disabled={busy}>{t("staff.action.approve")}</Button>
          </BlockStack>
        ) : null}
        <Checkbox label={t("staff.action.also_cancel")} checked={cancel} onChange={setCancel} />
        <Button onClick={() => send("decline")} tone="critical" disabled={busy}>{t("staff.action.decline")}</Button>
        <Button onClick={() => send("rescreen")} disabled={busy}>{t("staff.action.rescreen")}</Button>
        <InlineStack gap="200">
          <Button onClick={() => send("outcome_fraud")} disabled={navigation.state !== "idle"}>{t("staff.action.outcome_fraud")}</Button>
          <Button onClick={() => send("outcome_good")} disabled={navigation.state !== "idle"}>{t("staff.action.outcome_good")}</Button>
        </InlineStack>
      </BlockStack>
      <Modal
        open={confirming}
        onClose={() => setConfirming(false)}
        title={t("staff.approve.confirm_title")}
        primaryAction={{
          content: t("staff.approve.confirm"), destructive: true, disabled: busy,
          onAction: () => {
            setConfirming(false);
            send("approve");
          },
        }}
        secondaryActions={[{ content: t("common.cancel"), onAction: () => setConfirming(false) }]}
      >
        <Modal.Section>
          <Text as="p">{t("staff.approve.warning")}</Text>
        </Modal.Section>
      </Modal>
    </Card>
  );
}

function Signals({ r }: { r: Receipt }) {
  const i18n = useI18n();
  const { t } = i18n;
  const rows = r.signals?.rows ?? [];
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">{t("staff.receipt.signals")}</Text>
        {rows.length === 0 ? (
          <Text as="p" tone="subdued">{t("staff.receipt.signals_none")}</Text>
        ) : (
          <DataTable
            columnContentTypes={["text", "numeric", "text"]}
            headings={[t("staff.receipt.signal_reason"), t("staff.receipt.signal_contribution"), ""]}
            rows={rows.map((s) => [
              s.outcome === "error" ? t("staff.receipt.signal_error") : s.reason[i18n.locale] || t("staff.receipt.signal_error"),
              `${s.contribution > 0 ? "+" : ""}${i18n.number(s.contribution, { maximumFractionDigits: 2 })}`,
              s.contribution > 0 ? t("staff.receipt.signal_effect_risk") : t("staff.receipt.signal_effect_safe"),
            ])}
          />
        )}
        {r.signals && r.signals.quiet > 0 ? <Text as="p" tone="subdued">{t("staff.receipt.signals_quiet", { count: i18n.number(r.signals.quiet) })}</Text> : null}
      </BlockStack>
    </Card>
  );
}

function Facts({ r }: { r: Receipt }) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">{t("staff.receipt.facts")}</Text>
        {r.facts.map((f) => <Row key={f.label} label={t(f.label)}>{factValue(i18n, f)}</Row>)}
        {r.coverage ? (
          <BlockStack gap="100">
            <Text as="h3" variant="headingSm">{t("staff.receipt.coverage")}</Text>
            <Text as="p">{t("staff.receipt.coverage_value", { groups: i18n.number(r.coverage.groups) })}</Text>
            {COVERAGE_GROUPS.map((g) => (
              <Row key={g} label={t(`staff.coverage.${g}`)}>{t(r.coverage![g] ? "staff.fact.present" : "staff.fact.missing")}</Row>
            ))}
          </BlockStack>
        ) : null}
      </BlockStack>
    </Card>
  );
}

function StoreActions({ r }: { r: Receipt }) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">{t("staff.receipt.store_actions")}</Text>
        {r.storeActions.length === 0 ? (
          <Text as="p" tone="subdued">{t("staff.receipt.store_actions_none")}</Text>
        ) : (
          <DataTable
            columnContentTypes={["text", "text", "text", "numeric", "text"]}
            headings={[t("staff.column.action"), t("staff.column.target"), t("staff.column.status"), t("staff.column.revision"), t("staff.column.time")]}
            rows={r.storeActions.map((a) => [
              t(STORE_ACTION[a.action] ?? "staff.store_action.other"),
              a.target.replace(/^gid:\/\/shopify\/FulfillmentOrder\//, "#"),
              t(ACTION_OUTCOME[a.outcome] ?? "staff.action_outcome.failed"),
              i18n.number(a.revision),
              i18n.dateTime(a.at),
            ])}
          />
        )}
      </BlockStack>
    </Card>
  );
}

function Guarantee({ r }: { r: Receipt }) {
  const i18n = useI18n();
  const { t } = i18n;
  const g = r.guarantee;
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h2" variant="headingMd">{t("staff.receipt.guarantee")}</Text>
          <GuaranteeBadge state={g?.state ?? "none"} />
        </InlineStack>
        {!g ? (
          <Text as="p" tone="subdued">{t("staff.receipt.guarantee_none")}</Text>
        ) : (
          <BlockStack gap="200">
            {g.reason ? (
              <Text as="p">
                {t(g.reason, { amount: i18n.money(g.amount, g.currency), date: i18n.date(g.voidedAt), fields: t("staff.receipt.rescreen_fields") })}
              </Text>
            ) : null}
            {g.state !== "none" ? (
              <>
                <Row label={t("staff.receipt.guarantee_amount")}>{i18n.money(g.amount, g.currency)}</Row>
                <Row label={t("staff.receipt.guarantee_fee")}>{i18n.money(g.fee, g.currency)}</Row>
              </>
            ) : null}
          </BlockStack>
        )}
      </BlockStack>
    </Card>
  );
}

function Disputes({ r }: { r: Receipt }) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">{t("staff.receipt.disputes")}</Text>
        {r.disputes.length === 0 ? (
          <Text as="p" tone="subdued">{t("staff.receipt.disputes_none")}</Text>
        ) : (
          <DataTable
            columnContentTypes={["text", "text", "numeric", "text"]}
            headings={[t("staff.column.dispute"), t("staff.column.time"), t("staff.column.amount"), t("staff.column.claim")]}
            rows={r.disputes.map((d) => [
              `#${d.disputeId}`,
              i18n.dateTime(d.initiatedAt),
              i18n.money(d.amount, d.currency),
              d.claimId ? (
                <InlineStack gap="200" key={d.id}>
                  {d.claimState ? <ClaimStateBadge state={d.claimState} /> : null}
                  <RemixLink to={`/app/claims/${d.claimId}`}>{t("staff.receipt.open_claim")}</RemixLink>
                </InlineStack>
              ) : (
                t("staff.receipt.no_claim")
              ),
            ])}
          />
        )}
      </BlockStack>
    </Card>
  );
}

function Timeline({ r }: { r: Receipt }) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">{t("staff.receipt.timeline")}</Text>
        {r.timeline.length === 0 ? <Text as="p" tone="subdued">{t("staff.receipt.timeline_none")}</Text> : null}
        {r.timeline.map((e) => (
          <Box key={e.id} paddingBlockEnd="100">
            <InlineStack gap="200" blockAlign="center">
              <Text as="span" tone="subdued">{i18n.dateTime(e.at)}</Text>
              <Text as="span" fontWeight="semibold">
                {e.type === "claim"
                  ? t("staff.audit.claim", { state: e.kind === "open" || e.kind === "approved" || e.kind === "paid" || e.kind === "closed" ? t(`claim.badge.${e.kind}`) : t("staff.audit.other") })
                  : t(AUDIT[e.kind] ?? "staff.audit.other")}
              </Text>
              {e.type === "audit" ? <Text as="span" tone="subdued">{t("staff.receipt.by", { actor: actorName(i18n, e.actor) })}</Text> : null}
            </InlineStack>
            {e.note ? <Text as="p">{e.note}</Text> : null}
          </Box>
        ))}
      </BlockStack>
    </Card>
  );
}
