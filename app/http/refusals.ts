// Plain refusals a route answers with. The text is fixed by the caller and never echoes the
// request: the Shopify library's error boundary renders a thrown response's text as HTML.

export function refusal(status: number, reason: string, headers: Record<string, string> = {}): Response {
  return new Response(`${reason}\n`, { status, headers: { "Content-Type": "text/plain; charset=utf-8", ...headers } });
}

/** 405 with the methods the route does take. */
export function methodNotAllowed(allow: readonly string[]): Response {
  return refusal(405, "Method Not Allowed", { Allow: allow.join(", ") });
}
