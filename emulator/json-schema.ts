/**
 * A minimal JSON Schema checker for the keywords shopify-webhook-schemas uses (type, properties, required, items,
 * format). No validator is a declared dependency (only ajv 6, transitively via eslint, which cannot read 2020-12).
 */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  format?: string;
}

const formats: Record<string, (v: string) => boolean> = {
  "date-time": (v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v)),
  email: (v) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v),
  uri: (v) => {
    try {
      return Boolean(new URL(v).protocol);
    } catch {
      return false;
    }
  },
  hostname: (v) => /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(v),
  ipv4: (v) => /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/.test(v),
};

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/** Returns human-readable errors (JSON-pointer-ish paths); empty when the value conforms. */
export function validateJsonSchema(schema: JsonSchema, value: unknown, path = ""): string[] {
  const errors: string[] = [];
  if (schema.type !== undefined) {
    const allowed = Array.isArray(schema.type) ? schema.type : [schema.type];
    const actual = typeOf(value);
    const ok = allowed.includes(actual) || (actual === "integer" && allowed.includes("number"));
    if (!ok) return [`${path || "/"}: expected ${allowed.join("|")}, got ${actual}`];
  }
  if (schema.format && typeof value === "string") {
    const check = formats[schema.format];
    if (check && !check(value)) errors.push(`${path || "/"}: "${value}" is not a valid ${schema.format}`);
  }
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in record)) errors.push(`${path}/${key}: required`);
    for (const [key, sub] of Object.entries(schema.properties ?? {})) {
      if (key in record) errors.push(...validateJsonSchema(sub, record[key], `${path}/${key}`));
    }
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) => errors.push(...validateJsonSchema(schema.items as JsonSchema, item, `${path}/${i}`)));
  }
  return errors;
}
