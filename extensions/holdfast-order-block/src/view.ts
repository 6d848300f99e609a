// The block's logic without Preact or the admin: which language to ask Holdfast for, the URL to
// fetch, and what to show for Holdfast's answer (GET /api/order-block/:orderId,
// app/routes/api.order-block.$orderId.tsx). Pure, so it is unit-tested (../test/view.test.ts).
// Anything the answer does not say plainly is shown as unknown or not guaranteed, never approved.

export type Locale = "en" | "ja";

/** The texts come from the extension's locale files (shopify.i18n.translate). */
export type Translate = (key: string, vars?: Record<string, string | number>) => string;

export type Tone = "success" | "critical" | "warning" | "neutral";

export type BlockView =
  | { kind: "not_screened" }
  | {
      kind: "screened";
      verdict: { label: string; tone: Tone };
      score: string;
      probability: string | null;
      reasons: string[];
      guarantee: { label: string; tone: Tone; text: string | null };
      receiptHref: string;
    };

/**
 * The language Holdfast answers in: the one the admin picked of the extension's locale files (each
 * file names itself under `apiLocale`), else the browser's, else English.
 */
export function pickLocale(fromLocaleFile: string | null | undefined, browser?: string | null): Locale {
  for (const tag of [fromLocaleFile, browser]) {
    const lower = (tag ?? "").toLowerCase();
    if (lower === "ja" || lower.startsWith("ja-")) return "ja";
    if (lower === "en" || lower.startsWith("en-")) return "en";
  }
  return "en";
}

/**
 * The order's numeric id from the admin's selection (`shopify.data.selected[0].id`, a GID);
 * null when the selection is not an order.
 */
export function orderIdOf(selected: readonly { id: string }[] | undefined): string | null {
  const gid = selected?.[0]?.id ?? "";
  const m = /^gid:\/\/shopify\/Order\/([1-9][0-9]*)$/.exec(gid);
  return m?.[1] ?? null;
}

/** The relative URL the block fetches (the admin adds the session token and resolves it against the app's URL). */
export function blockUrl(orderId: string, locale: Locale): string {
  return `/api/order-block/${encodeURIComponent(orderId)}?locale=${locale}`;
}

/**
 * A link into the embedded app: the admin's `app:` protocol, resolved against the app's URL.
 * Only a path of the app's own (`/app/...`) is linked; anything else falls back to the app's home.
 */
export function appHref(path: unknown): string {
  return typeof path === "string" && /^\/app(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9._~-]+)*$/.test(path) ? `app:${path.slice(1)}` : "app:app";
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** The verdict badge: only "ship" reads as approved. */
function verdictView(verdict: unknown, t: Translate): { label: string; tone: Tone } {
  if (verdict === "ship") return { label: t("verdict.ship"), tone: "success" };
  if (verdict === "hold") return { label: t("verdict.hold"), tone: "critical" };
  return { label: t("verdict.unknown"), tone: "warning" };
}

/** The guarantee badge: only "active" reads as guaranteed. */
function guaranteeView(g: unknown, t: Translate): { label: string; tone: Tone; text: string | null } {
  const state = isRecord(g) ? g.state : undefined;
  const text = isRecord(g) && typeof g.reasonText === "string" && g.reasonText.trim() !== "" ? g.reasonText : null;
  if (state === "active") return { label: t("guarantee.active"), tone: "success", text };
  if (state === "void") return { label: t("guarantee.void"), tone: "warning", text };
  return { label: t("guarantee.none"), tone: "neutral", text: state === "none" ? text : null };
}

/**
 * What the block shows for Holdfast's answer; `null` when the answer is not one Holdfast gives
 * (the block then shows its error state).
 */
export function toView(body: unknown, t: Translate, formatPercent: (share: number) => string): BlockView | null {
  if (!isRecord(body)) return null;
  if (body.screened === false) return { kind: "not_screened" };
  if (body.screened !== true) return null;
  const score = num(body.score);
  const threshold = num(body.threshold);
  if (score === null || threshold === null) return null;
  const probability = num(body.probability);
  const reasons = Array.isArray(body.reasons) ? body.reasons.filter((r): r is string => typeof r === "string").slice(0, 3) : [];
  return {
    kind: "screened",
    verdict: verdictView(body.verdict, t),
    score: t("score", { score, threshold }),
    probability: probability === null || probability < 0 || probability > 1 ? null : t("probability", { percent: formatPercent(probability) }),
    reasons,
    guarantee: guaranteeView(body.guarantee, t),
    receiptHref: appHref(body.receiptPath),
  };
}

/** How an HTTP status reads in the block: 404 is "no record", anything else not 2xx an error. */
export function failureOf(status: number): "not_found" | "error" {
  return status === 404 ? "not_found" : "error";
}
