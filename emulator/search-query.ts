/** A small subset of Shopify's search syntax: `field:value`, `field:>=value`, `-field:value`, quotes, implicit AND. */
export interface SearchTerm {
  field: string;
  op: "=" | ">" | ">=" | "<" | "<=";
  value: string;
  negated: boolean;
}

export function parseSearchQuery(query: string | null | undefined): SearchTerm[] {
  if (!query) return [];
  const terms: SearchTerm[] = [];
  const re = /(-?)([a-z_]+):(>=|<=|>|<)?('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\S+)/gi;
  for (const match of query.matchAll(re)) {
    const raw = match[4] ?? "";
    const value = /^['"]/.test(raw) ? raw.slice(1, -1).replace(/\\(.)/g, "$1") : raw;
    terms.push({
      negated: match[1] === "-",
      field: (match[2] ?? "").toLowerCase(),
      op: (match[3] as SearchTerm["op"] | undefined) ?? "=",
      value,
    });
  }
  return terms;
}

/** Date comparison: a bare date with `=` matches the whole day (UTC). */
export function matchesDate(valueIso: string, term: SearchTerm): boolean {
  const actual = Date.parse(valueIso);
  const bound = Date.parse(term.value);
  if (Number.isNaN(bound)) return true; // Shopify ignores an unparsable date
  switch (term.op) {
    case ">":
      return actual > bound;
    case ">=":
      return actual >= bound;
    case "<":
      return actual < bound;
    case "<=":
      return actual <= bound;
    default:
      return /^\d{4}-\d{2}-\d{2}$/.test(term.value) ? actual >= bound && actual < bound + 86_400_000 : actual === bound;
  }
}
