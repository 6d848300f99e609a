// The result of a staff action (the action's catalogue key and variables), as a Polaris banner in the page's language.
import { Banner } from "@shopify/polaris";
import type { MessageKey } from "../i18n";
import { useI18n } from "./i18n";

export interface ActionResultMessage {
  tone: "success" | "info" | "warning" | "critical";
  key: MessageKey;
  vars?: Record<string, string | number>;
  /** A catalogue key filled in as the `{label}` variable. */
  labelKey?: MessageKey;
  /** Further sentences shown after the first. */
  more?: { key: MessageKey; vars?: Record<string, string | number> }[];
}

export function ResultBanner({ result }: { result: ActionResultMessage | undefined }) {
  const { t } = useI18n();
  if (!result) return null;
  const vars = { ...result.vars, ...(result.labelKey ? { label: t(result.labelKey) } : {}) };
  return (
    <Banner tone={result.tone}>
      <p>{[t(result.key, vars), ...(result.more ?? []).map((m) => t(m.key, m.vars))].join(" ")}</p>
    </Banner>
  );
}
