// Rows Holdfast wrote itself are still read through a schema: a row of an older shape, or a
// damaged one, reads as nothing (the page says so), never as a cast. Pure.
import { z } from "zod";

/** `text` parsed as JSON and checked by `schema`; null when absent, not JSON, or not of that shape. */
export function parseStored<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, text: string | null | undefined): T | null {
  if (!text) return null;
  try {
    const r = schema.safeParse(JSON.parse(text));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

/** The engine's reasons as the screening stored them (OrderScreening.reasons): both languages. */
export const StoredReasons = z.object({ en: z.array(z.string()), ja: z.array(z.string()) });
