// Holdfast's block on the order details page (admin.order-details.block.render, API 2026-07):
// verdict badge, score, top three reasons, guarantee state and a link to the receipt, read from
// the app's /api/order-block/:orderId. The admin's fetch adds the session token to a relative
// URL and resolves it against the app's URL. Texts: ../locales (shopify.i18n.translate).
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { blockUrl, failureOf, orderIdOf, pickLocale, toView, type BlockView, type Translate } from "./view";

export default async () => {
  render(<Extension />, document.body);
};

type State = { kind: "loading" } | { kind: "error" } | { kind: "not_found" } | BlockView;

function Extension() {
  const t: Translate = (key, vars) => shopify.i18n.translate(key, vars);
  const orderId = orderIdOf(shopify.data.selected);
  const locale = pickLocale(shopify.i18n.translate("apiLocale"), typeof navigator === "undefined" ? null : navigator.language);
  const [state, setState] = useState<State>({ kind: "loading" });

  useEffect(() => {
    if (!orderId) {
      setState({ kind: "error" });
      return;
    }
    let cancelled = false;
    setState({ kind: "loading" });
    (async () => {
      try {
        const res = await fetch(blockUrl(orderId, locale));
        if (!res.ok) return { kind: failureOf(res.status) } as State;
        const view = toView(await res.json(), (key, vars) => shopify.i18n.translate(key, vars), (share) =>
          shopify.i18n.formatNumber(share, { style: "percent", maximumFractionDigits: 1 }),
        );
        return view ?? ({ kind: "error" } as State);
      } catch {
        return { kind: "error" } as State;
      }
    })().then((next) => {
      if (!cancelled) setState(next);
    });
    return () => {
      cancelled = true;
    };
  }, [orderId, locale]);

  return (
    <s-admin-block heading={t("heading")}>
      <Body state={state} t={t} />
    </s-admin-block>
  );
}

function Body({ state, t }: { state: State; t: Translate }) {
  if (state.kind === "loading") {
    return (
      <s-stack direction="inline" gap="small-200" alignItems="center">
        <s-spinner accessibilityLabel={t("loading")} />
        <s-text color="subdued">{t("loading")}</s-text>
      </s-stack>
    );
  }
  if (state.kind === "error") return <s-text tone="critical">{t("error")}</s-text>;
  if (state.kind === "not_found") return <s-text color="subdued">{t("notFound")}</s-text>;
  if (state.kind === "not_screened") {
    return (
      <s-stack direction="block" gap="small-200">
        <s-badge tone="neutral">{t("verdict.unknown")}</s-badge>
        <s-text>{t("notScreened")}</s-text>
      </s-stack>
    );
  }
  return (
    <s-stack direction="block" gap="small-200">
      <s-stack direction="inline" gap="small-200">
        <s-badge tone={state.verdict.tone}>{state.verdict.label}</s-badge>
        <s-badge tone={state.guarantee.tone}>{state.guarantee.label}</s-badge>
      </s-stack>
      <s-text>{state.score}</s-text>
      {state.probability ? <s-text color="subdued">{state.probability}</s-text> : null}
      <s-heading>{t("reasonsHeading")}</s-heading>
      {state.reasons.length > 0 ? (
        <s-ordered-list>
          {state.reasons.map((reason, i) => (
            <s-list-item key={i}>{reason}</s-list-item>
          ))}
        </s-ordered-list>
      ) : (
        <s-text color="subdued">{t("noReasons")}</s-text>
      )}
      {state.guarantee.text ? <s-text>{state.guarantee.text}</s-text> : null}
      <s-link href={state.receiptHref}>{t("receipt")}</s-link>
    </s-stack>
  );
}
