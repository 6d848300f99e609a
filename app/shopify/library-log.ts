// The Shopify library's log lines, one JSON object per line. The library writes request values
// into its messages as they came (`Authenticating admin request | {shop: …}` takes `shop=` from
// the URL), so a value with a line break would otherwise print a line that looks like the app's
// own. Pure: the caller writes the line.
import { LogSeverity } from "@shopify/shopify-app-remix/server";

export type ConsoleMethod = "debug" | "log" | "warn" | "error";

const BY_SEVERITY: Record<LogSeverity, { method: ConsoleMethod; severity: string }> = {
  [LogSeverity.Error]: { method: "error", severity: "error" },
  [LogSeverity.Warning]: { method: "warn", severity: "warning" },
  [LogSeverity.Info]: { method: "log", severity: "info" },
  [LogSeverity.Debug]: { method: "debug", severity: "debug" },
};

/**
 * JSON has no raw line breaks or C0 control characters; this also escapes the ones JSON leaves as
 * they are (DEL, the C1 controls such as NEL and CSI, and the Unicode line and paragraph separators).
 */
export function oneLine(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** The console method and the line for one of the library's messages. */
export function libraryLogLine(severity: LogSeverity, message: string): { method: ConsoleMethod; line: string } {
  const { method, severity: name } = BY_SEVERITY[severity] ?? BY_SEVERITY[LogSeverity.Info];
  return { method, line: oneLine({ event: "shopify_library", severity: name, message }) };
}
