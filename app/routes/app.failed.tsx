// Failed work (/app/failed): store actions Shopify refused and dead-lettered jobs of this shop,
// with their errors, retried one by one or all at once (app/staff/failed.server.ts). Every retry
// is audited with the staff member as actor. An id of another shop, or unknown, is a 404.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link as RemixLink, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, EmptyState, IndexTable, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { z } from "zod";
import type { ReactNode } from "react";
import { notFound, staffActor } from "../staff/route-helpers.server";
import { authenticate } from "../shopify.server";
import { db } from "../db.server";
import { isMessageKey, type MessageKey } from "../i18n";
import { failedWork, retryAll, retryJob, retryStoreAction, type RetryOutcome } from "../staff/failed.server";
import { useI18n } from "../components/i18n";
import { EMPTY_STATE_IMAGE } from "../components/empty-image";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return json(await failedWork(db, session.shop));
};

const Id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const RetryForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("retry_job"), id: Id }),
  z.object({ intent: z.literal("retry_action"), id: Id }),
  z.object({ intent: z.literal("retry_all") }),
]);

type ActionResult =
  | { ok: true; result: MessageKey; jobs?: number; actions?: number }
  | { ok: false; error: MessageKey };

const RESULT: Record<RetryOutcome, MessageKey> = {
  requeued: "failed.result_requeued", woken: "failed.result_woken", running: "failed.result_running",
  follow: "failed.result_follow", nothing: "failed.result_nothing",
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session, sessionToken } = await authenticate.admin(request);
  const shop = session.shop;
  const actor = staffActor(sessionToken);
  const parsed = RetryForm.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return json<ActionResult>({ ok: false, error: "failed.invalid" }, { status: 400 });
  const form = parsed.data;
  if (form.intent === "retry_all") {
    const { jobs, actions } = await retryAll(db, shop, actor);
    return json<ActionResult>({ ok: true, result: "failed.result_all", jobs, actions });
  }
  const outcome = form.intent === "retry_job" ? await retryJob(db, shop, form.id, actor) : await retryStoreAction(db, shop, form.id, actor);
  if (!outcome) notFound();
  return json<ActionResult>({ ok: true, result: RESULT[outcome] });
};

const ACTIONS = ["tag", "untag", "risk_assessment", "hold", "release", "override", "cancel"] as const;
const KINDS = [
  "screen_order", "follow_holds", "reconcile", "charge_fee", "record_dispute", "file_evidence", "void_guarantee", "refit_shop_model",
  "customers_data_request", "customers_redact", "shop_redact", "staff_decision",
] as const;

/** One list of failed work: its heading, what it is, how many are shown of how many, and the table. */
function FailedSection({ heading, help, shown, total, children }: { heading: string; help: string; shown: number; total: number; children: ReactNode }) {
  const { t, number } = useI18n();
  return (
    <Layout.Section>
      <Card padding="0">
        <BlockStack gap="200">
          <div style={{ padding: "16px 16px 0" }}>
            <BlockStack gap="100">
              <Text as="h2" variant="headingMd">{heading}</Text>
              <Text as="p" tone="subdued">{help}</Text>
              {total > shown ? <Text as="p" tone="subdued">{t("failed.more", { shown: number(shown), total: number(total) })}</Text> : null}
            </BlockStack>
          </div>
          {children}
        </BlockStack>
      </Card>
    </Layout.Section>
  );
}

function RetryButton({ intent, id, label, busy }: { intent: string; id?: string; label: string; busy: boolean }) {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value={intent} />
      {id ? <input type="hidden" name="id" value={id} /> : null}
      <Button submit size="slim" loading={busy}>{label}</Button>
    </Form>
  );
}

export default function FailedWork() {
  const { actions, jobs, actionCount, jobCount } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busyId = navigation.state !== "idle" ? String(navigation.formData?.get("id") ?? navigation.formData?.get("intent") ?? "") : null;
  const { t, dateTime, number } = useI18n();
  const actionName = (a: string) => ((ACTIONS as readonly string[]).includes(a) ? t(`failed.action.${a as (typeof ACTIONS)[number]}`) : a);
  const kindName = (k: string) => ((KINDS as readonly string[]).includes(k) ? t(`failed.kind.${k as (typeof KINDS)[number]}`) : t("failed.kind.other"));
  const orderLink = (orderId: string | null, name: string | null) =>
    orderId ? <RemixLink to={`/app/orders/${orderId}`}>{name ?? t("orders.no_name", { id: orderId })}</RemixLink> : <Text as="span" tone="subdued">—</Text>;
  const targetName = (target: string) => {
    if (!target) return t("failed.target_order");
    const fo = /^gid:\/\/shopify\/FulfillmentOrder\/(\d+)$/.exec(target);
    return fo ? `#${fo[1]}` : target;
  };
  const nothing = actionCount === 0 && jobCount === 0;
  return (
    <Page>
      <TitleBar title={t("failed.title")} />
      <Layout>
        {result ? (
          <Layout.Section>
            <Banner tone={result.ok ? "success" : "critical"}>
              <Text as="p">
                {result.ok
                  ? t(result.result, { jobs: number(result.jobs ?? 0), actions: number(result.actions ?? 0) })
                  : t(isMessageKey(result.error) ? result.error : "failed.invalid")}
              </Text>
            </Banner>
          </Layout.Section>
        ) : null}
        {nothing ? (
          <Layout.Section>
            <Card>
              <EmptyState heading={t("failed.empty_heading")} image={EMPTY_STATE_IMAGE}>
                <p>{t("failed.empty_body")}</p>
              </EmptyState>
            </Card>
          </Layout.Section>
        ) : (
          <>
            <Layout.Section>
              <InlineStack align="end">
                <RetryButton intent="retry_all" label={t("failed.retry_all")} busy={busyId === "retry_all"} />
              </InlineStack>
            </Layout.Section>
            {actionCount > 0 ? (
              <FailedSection heading={t("failed.actions_heading")} help={t("failed.actions_help")} shown={actions.length} total={actionCount}>
                    <IndexTable
                      resourceName={{ singular: t("failed.actions_heading"), plural: t("failed.actions_heading") }}
                      itemCount={actions.length}
                      selectable={false}
                      headings={[{ title: t("failed.col_order") }, { title: t("failed.col_action") }, { title: t("failed.col_target") }, { title: t("failed.col_error") }, { title: t("failed.col_time") }, { title: "" }]}
                    >
                      {actions.map((a, i) => (
                        <IndexTable.Row id={a.id} key={a.id} position={i}>
                          <IndexTable.Cell>{orderLink(a.orderId, a.orderName)}</IndexTable.Cell>
                          <IndexTable.Cell>{actionName(a.action)}</IndexTable.Cell>
                          <IndexTable.Cell>{targetName(a.target)}</IndexTable.Cell>
                          <IndexTable.Cell>
                            <div style={{ whiteSpace: "normal", maxWidth: 360 }}><Text as="span" breakWord>{a.detail ?? "—"}</Text></div>
                          </IndexTable.Cell>
                          <IndexTable.Cell>{dateTime(a.at)}</IndexTable.Cell>
                          <IndexTable.Cell><RetryButton intent="retry_action" id={a.id} label={t("common.retry")} busy={busyId === a.id} /></IndexTable.Cell>
                        </IndexTable.Row>
                      ))}
                    </IndexTable>
              </FailedSection>
            ) : null}
            {jobCount > 0 ? (
              <FailedSection heading={t("failed.jobs_heading")} help={t("failed.jobs_help")} shown={jobs.length} total={jobCount}>
                    <IndexTable
                      resourceName={{ singular: t("failed.jobs_heading"), plural: t("failed.jobs_heading") }}
                      itemCount={jobs.length}
                      selectable={false}
                      headings={[{ title: t("failed.col_job") }, { title: t("failed.col_order") }, { title: t("failed.col_error") }, { title: t("failed.col_attempts"), alignment: "end" }, { title: t("failed.col_time") }, { title: "" }]}
                    >
                      {jobs.map((j, i) => (
                        <IndexTable.Row id={j.id} key={j.id} position={i}>
                          <IndexTable.Cell>{kindName(j.kind)}</IndexTable.Cell>
                          <IndexTable.Cell>{orderLink(j.orderId, j.orderName)}</IndexTable.Cell>
                          <IndexTable.Cell>
                            <div style={{ whiteSpace: "normal", maxWidth: 360 }}><Text as="span" breakWord>{j.lastError ?? "—"}</Text></div>
                          </IndexTable.Cell>
                          <IndexTable.Cell><Text as="span" alignment="end" numeric>{number(j.attempts)}</Text></IndexTable.Cell>
                          <IndexTable.Cell>{dateTime(j.at)}</IndexTable.Cell>
                          <IndexTable.Cell><RetryButton intent="retry_job" id={j.id} label={t("common.retry")} busy={busyId === j.id} /></IndexTable.Cell>
                        </IndexTable.Row>
                      ))}
                    </IndexTable>
              </FailedSection>
            ) : null}
          </>
        )}
      </Layout>
    </Page>
  );
}
