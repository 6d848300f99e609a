// The pages' locale, chosen once by the app layout (the admin user's `locale`, or the switch), and
// the helpers every page formats with: `t` (the catalogue in app/i18n), money, numbers, dates.
import { createContext, useContext, useMemo, type ReactNode } from "react";
import { translate, type Locale, type MessageKey } from "../i18n";
import { formatDate, formatDateTime, formatMoney, formatNumber, formatPercent } from "../i18n/format";

export interface I18n {
  locale: Locale;
  /** The shop's IANA timezone when known: dates are shown in the shop's time. */
  timeZone?: string;
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
  money: (amount: string | number | null | undefined, currency: string | null | undefined) => string;
  number: (value: number, opts?: Intl.NumberFormatOptions) => string;
  percent: (share: number, digits?: number) => string;
  date: (value: Date | string | number | null | undefined) => string;
  dateTime: (value: Date | string | number | null | undefined) => string;
}

export function makeI18n(locale: Locale, timeZone?: string): I18n {
  return {
    locale, timeZone,
    t: (key, vars) => translate(locale, key, vars),
    money: (amount, currency) => formatMoney(locale, amount, currency),
    number: (value, opts) => formatNumber(locale, value, opts),
    percent: (share, digits) => formatPercent(locale, share, digits),
    date: (value) => formatDate(locale, value, timeZone),
    dateTime: (value) => formatDateTime(locale, value, timeZone),
  };
}

const Context = createContext<I18n>(makeI18n("en"));

export function I18nProvider({ locale, timeZone, children }: { locale: Locale; timeZone?: string; children: ReactNode }) {
  const value = useMemo(() => makeI18n(locale, timeZone), [locale, timeZone]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useI18n(): I18n {
  return useContext(Context);
}
