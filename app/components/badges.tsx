// Small shared pieces of the staff pages: the verdict, guarantee and claim state as Polaris badges,
// in the page's language.
import { Badge } from "@shopify/polaris";
import { useI18n } from "./i18n";

export function VerdictBadge({ verdict }: { verdict: string }) {
  const { t } = useI18n();
  if (verdict === "ship") return <Badge tone="success">{t("verdict.ship")}</Badge>;
  if (verdict === "hold") return <Badge tone="critical">{t("verdict.hold")}</Badge>;
  // A stored value Holdfast does not know is never shown as an approval, nor as a raw code.
  return <Badge tone="warning">{t("verdict.unknown")}</Badge>;
}

export function GuaranteeBadge({ state }: { state: string }) {
  const { t } = useI18n();
  if (state === "active") return <Badge tone="success">{t("guarantee.badge.active")}</Badge>;
  if (state === "void") return <Badge tone="warning">{t("guarantee.badge.void")}</Badge>;
  return <Badge>{t("guarantee.badge.none")}</Badge>;
}

export function ClaimStateBadge({ state }: { state: string }) {
  const { t } = useI18n();
  const tone = state === "paid" ? "success" : state === "approved" ? "attention" : state === "closed" ? undefined : "info";
  const key = state === "open" || state === "approved" || state === "paid" || state === "closed" ? (`claim.badge.${state}` as const) : null;
  return <Badge tone={tone}>{key ? t(key) : t("claim.badge.unknown")}</Badge>;
}
