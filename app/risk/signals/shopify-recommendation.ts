import type { Signal } from "../signal";

const FEATURE: Record<string, number> = { CANCEL: 1, INVESTIGATE: 0.5, ACCEPT: -0.5, NONE: 0 };

/** Shopify's own risk recommendation from the Admin API order read. */
export const shopifyRecommendation: Signal = {
  id: "shopify_recommendation",
  meta: { direction: "Shopify's own cancel/investigate is riskier; accept is safer", shape: "1 cancel, 0.5 investigate, -0.5 accept, 0 none", prior: 1.5, max: 3 },
  compute(f) {
    const r = f.shopifyRecommendation;
    if (typeof r !== "string" || !(r in FEATURE)) return null;
    return { feature: FEATURE[r]!, value: r };
  },
  reason: (r, lang) => (lang === "ja" ? `Shopifyの推奨: ${r.value}` : `Shopify's recommendation: ${r.value}`),
};
