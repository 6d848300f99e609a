import type { Signal } from "../signal";

/** IP country differs from both the billing and the shipping country. */
export const ipCountryMismatch: Signal = {
  id: "ip_country_mismatch",
  meta: { direction: "an IP in another country than the addresses is riskier", shape: "1 on mismatch, else 0", prior: 0.8, max: 2.5 },
  compute(f) {
    const ip = f.ipCountry;
    const countries = [f.billing?.countryCode, f.shipping?.countryCode].filter((c): c is string => typeof c === "string");
    if (typeof ip !== "string" || countries.length === 0) return null;
    const hit = !countries.some((c) => c.toUpperCase() === ip.toUpperCase());
    return { feature: hit ? 1 : 0, value: `${ip}/${countries.join(",")}` };
  },
  reason: (r, lang) => (lang === "ja" ? `IPアドレスの国が請求先・配送先と異なる（${r.value}）` : `IP address country differs from billing and shipping (${r.value})`),
};
