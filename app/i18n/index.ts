// Messages for merchants and staff, in English and Japanese: one catalogue per language (en.ts,
// ja.ts). Pure: no I/O, usable from the guarantee policy, jobs, scripts and the pages.
import { en, type MessageKey } from "./en";
import { ja } from "./ja";

export type Locale = "en" | "ja";
export type { MessageKey };
export const CATALOGUES: Record<Locale, Record<MessageKey, string>> = { en, ja };

/** The catalogue's locale for a Shopify locale such as "ja", "ja-JP" or "en-US" (English otherwise). */
export function localeOf(tag: string | null | undefined): Locale {
  return (tag ?? "").toLowerCase().startsWith("ja") ? "ja" : "en";
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}

/** The message for `key`, with `{name}` placeholders filled from `vars` (a missing one stays visible). */
export function translate(locale: Locale, key: MessageKey, vars: Record<string, string | number> = {}): string {
  return CATALOGUES[locale][key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}
