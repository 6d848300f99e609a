// The review queue: held orders no person has decided yet, oldest first, a page at a time, with
// bulk approve / decline and keys (j/k or arrows to move, a approve, d decline, Enter open).
import type { ActionFunctionArgs, LoaderFunctionArgs, SerializeFrom } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link as RemixLink, useActionData, useLoaderData, useNavigate, useNavigation, useSubmit } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, Card, EmptyState, IndexTable, Layout, Modal, Page, Pagination, Text, TextField, useIndexResourceState } from "@shopify/polaris";
import { useCallback, useEffect, useRef, useState } from "react";
import { authenticate } from "../shopify.server";
import { db } from "../db.server";
import { useI18n } from "../components/i18n";
import { ReviewQuery, reviewQueue } from "../staff/review.server";
import { bulkAction, formFields, staffActor } from "../staff/decisions.server";
import { ResultBanner } from "../components/result-banner";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const url = new URL(request.url);
  const query = ReviewQuery.safeParse({ page: url.searchParams.get("page") ?? undefined });
  if (!query.success) throw json({ ok: false, tone: "critical", key: "staff.error.invalid", vars: { fields: "page" } }, { status: 400 });
  return json(await reviewQueue(db, session.shop, query.data.page));
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session, sessionToken } = await authenticate.admin(request);
  const result = await bulkAction(db, session.shop, staffActor(sessionToken), formFields(await request.formData(), ["orderId"]));
  return json(result.body, { status: result.status });
};

type Queue = SerializeFrom<typeof loader>;

export default function ReviewQueue() {
  const q = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useI18n();
  return (
    <Page>
      <TitleBar title={t("staff.review.title")} />
      <Layout>
        {result ? (
          <Layout.Section>
            <ResultBanner result={result} />
          </Layout.Section>
        ) : null}
        <Layout.Section>{q.total === 0 && q.page === 1 ? <Empty /> : <Queue q={q} />}</Layout.Section>
      </Layout>
    </Page>
  );
}

/** A small inline picture (a shield with a check mark): nothing is fetched from elsewhere. */
const EMPTY_IMAGE =
  "data:image/svg+xml," +
  encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 120"><path d="M60 10 100 25v30c0 27-17 46-40 55C37 101 20 82 20 55V25z" fill="#e3f1df" stroke="#29845a" stroke-width="4"/><path d="m42 60 13 13 24-26" fill="none" stroke="#29845a" stroke-width="6" stroke-linecap="round" stroke-linejoin="round"/></svg>');

function Empty() {
  const { t } = useI18n();
  return (
    <Card>
      <EmptyState heading={t("staff.review.empty_heading")} image={EMPTY_IMAGE}>
        <p>{t("staff.review.empty_body")}</p>
      </EmptyState>
    </Card>
  );
}

function typing(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
}

function Queue({ q }: { q: Queue }) {
  const i18n = useI18n();
  const { t } = i18n;
  const submit = useSubmit();
  const navigate = useNavigate();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  const rows = q.orders.map((o) => ({ ...o, id: o.orderId }));
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } = useIndexResourceState(rows);
  const [focus, setFocus] = useState(0);
  const [note, setNote] = useState("");
  /** Orders waiting for the approval's confirmation (the warning about the guarantee). */
  const [confirm, setConfirm] = useState<string[] | null>(null);
  const links = useRef(new Map<string, HTMLAnchorElement>());

  const send = useCallback(
    (intent: "approve" | "decline", ids: string[]) => {
      if (ids.length === 0) return;
      const form = new FormData();
      form.set("intent", intent);
      for (const id of ids) form.append("orderId", id);
      if (note.trim()) form.set("note", note);
      submit(form, { method: "post" });
      clearSelection();
      // The note was for this submit: the next action starts without it.
      setNote("");
    },
    [note, submit, clearSelection],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (confirm || typing(e.target) || e.altKey || e.ctrlKey || e.metaKey || rows.length === 0) return;
      const current = rows[Math.min(focus, rows.length - 1)]!;
      const move = (to: number) => {
        const next = Math.max(0, Math.min(rows.length - 1, to));
        setFocus(next);
        links.current.get(rows[next]!.orderId)?.focus();
        e.preventDefault();
      };
      if (e.key === "j" || e.key === "ArrowDown") move(focus + 1);
      else if (e.key === "k" || e.key === "ArrowUp") move(focus - 1);
      else if (e.key === "a" && !current.pending) {
        setConfirm([current.orderId]);
        e.preventDefault();
      } else if (e.key === "d" && !current.pending && !busy) {
        send("decline", [current.orderId]);
        e.preventDefault();
      } else if (e.key === "Enter" && !(e.target instanceof HTMLAnchorElement)) {
        navigate(`/app/orders/${current.orderId}`);
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [rows, focus, confirm, busy, send, navigate]);

  const selected = allResourcesSelected ? rows.map((r) => r.orderId) : selectedResources;
  return (
    <BlockStack gap="300">
      <Banner tone="info">
        <p>{t("staff.review.keys")}</p>
      </Banner>
      <Banner tone="warning">
        <p>{t("staff.review.bulk_warning")}</p>
      </Banner>
      <Card padding="0">
        <IndexTable
          resourceName={{ singular: t("staff.review.column.order"), plural: t("staff.review.column.order") }}
          itemCount={rows.length}
          selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
          onSelectionChange={handleSelectionChange}
          promotedBulkActions={[
            { content: t("staff.review.bulk_approve"), onAction: () => setConfirm(selected), disabled: busy },
            { content: t("staff.review.bulk_decline"), onAction: () => send("decline", selected), disabled: busy },
          ]}
          headings={[
            { title: t("staff.review.column.order") }, { title: t("staff.review.column.placed") }, { title: t("staff.review.column.score"), alignment: "end", tooltipContent: t("staff.review.score_help") },
            { title: t("staff.review.column.total"), alignment: "end" }, { title: t("staff.review.column.reason") }, { title: t("staff.review.column.state") },
          ]}
        >
          {rows.map((o, index) => (
            <IndexTable.Row id={o.orderId} key={o.orderId} position={index} selected={selectedResources.includes(o.orderId)} tone={index === focus ? "subdued" : undefined}>
              <IndexTable.Cell>
                <RemixLink
                  to={`/app/orders/${o.orderId}`}
                  ref={(el) => {
                    if (el) links.current.set(o.orderId, el);
                    else links.current.delete(o.orderId);
                  }}
                  onFocus={() => setFocus(index)}
                  onClick={(e) => e.stopPropagation()}
                  aria-current={index === focus ? "true" : undefined}
                >
                  <Text as="span" fontWeight={index === focus ? "bold" : "regular"}>{o.name ?? `#${o.orderId}`}</Text>
                </RemixLink>
              </IndexTable.Cell>
              <IndexTable.Cell>{i18n.dateTime(o.orderCreatedAt)}</IndexTable.Cell>
              <IndexTable.Cell>
                <Text as="span" alignment="end" numeric>{`${i18n.number(o.score)} / ${i18n.number(o.threshold)}`}</Text>
              </IndexTable.Cell>
              <IndexTable.Cell>
                <Text as="span" alignment="end" numeric>{o.totalPrice && o.currency ? i18n.money(o.totalPrice, o.currency) : "—"}</Text>
              </IndexTable.Cell>
              <IndexTable.Cell>
                <Text as="span" truncate>{o.reason ? (o.reason[i18n.locale] ?? t("staff.review.reason_untranslated")) : "—"}</Text>
              </IndexTable.Cell>
              <IndexTable.Cell>
                {o.pending ? <Badge tone="info">{t("staff.review.pending")}</Badge> : <Badge tone="critical">{t("staff.review.waiting")}</Badge>}
              </IndexTable.Cell>
            </IndexTable.Row>
          ))}
        </IndexTable>
      </Card>
      <TextField label={t("staff.action.note")} value={note} onChange={setNote} autoComplete="off" maxLength={500} />
      <Text as="p" tone="subdued">{`${t("staff.review.count", { count: i18n.number(q.total) })} · ${t("staff.review.page", { page: i18n.number(q.page) })}`}</Text>
      <Pagination
        hasPrevious={q.hasPrevious}
        previousURL={q.hasPrevious ? `/app/review?page=${q.page - 1}` : undefined}
        hasNext={q.hasNext}
        nextURL={q.hasNext ? `/app/review?page=${q.page + 1}` : undefined}
        accessibilityLabels={{ previous: t("common.previous"), next: t("common.next") }}
      />
      <Modal
        open={confirm !== null}
        onClose={() => setConfirm(null)}
        title={t("staff.review.bulk_confirm_title", { count: i18n.number(confirm?.length ?? 0) })}
        primaryAction={{
          content: t("staff.approve.confirm"), destructive: true, disabled: busy,
          onAction: () => {
            send("approve", confirm ?? []);
            setConfirm(null);
          },
        }}
        secondaryActions={[{ content: t("common.cancel"), onAction: () => setConfirm(null) }]}
      >
        <Modal.Section>
          <Text as="p">{t("staff.approve.warning")}</Text>
        </Modal.Section>
      </Modal>
    </BlockStack>
  );
}
