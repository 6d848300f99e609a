/** One real local HTTP server (node:http on 127.0.0.1, random port) in front of the emulator, plus URL-rewriting fetch. */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DROP_CONNECTION, type ShopifyEmulator } from "./emulator.js";

export interface RunningEmulator {
  baseUrl: string;
  server: Server;
  stop(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startEmulatorServer(emulator: ShopifyEmulator, port = 0): Promise<RunningEmulator> {
  const server = createServer((req, res) => {
    void (async () => {
      try {
        const body = await readBody(req);
        const headers = new Headers();
        for (const [k, v] of Object.entries(req.headers)) {
          if (typeof v === "string") headers.set(k, v);
          else if (Array.isArray(v)) headers.set(k, v.join(", "));
        }
        const host = req.headers.host ?? "127.0.0.1";
        const request = new Request(`http://${host}${req.url ?? "/"}`, {
          method: req.method,
          headers,
          body: req.method === "GET" || req.method === "HEAD" ? undefined : new Uint8Array(body),
        });
        const result = await emulator.handle(request);
        if (result === DROP_CONNECTION) {
          req.socket.destroy();
          return;
        }
        const out = Buffer.from(await result.arrayBuffer());
        res.writeHead(result.status, Object.fromEntries(result.headers));
        res.end(out);
      } catch (error) {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ errors: `emulator failure: ${error instanceof Error ? error.message : String(error)}` }));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: actual } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${actual}`;
  emulator.baseUrl = baseUrl;
  return {
    baseUrl,
    server,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/**
 * A fetch that sends https://<shop>.myshopify.com/<path> to `${baseUrl}/shops/<shop>.myshopify.com/<path>` and leaves
 * every other URL alone. Usable with shopify-api's setAbstractFetchFunc and graphql-request's `fetch` option.
 */
export function emulatorFetch(baseUrl: string, underlying: typeof fetch = globalThis.fetch): typeof fetch {
  const rewrite = (url: string): string => {
    const parsed = new URL(url);
    if (!parsed.hostname.endsWith(".myshopify.com")) return url;
    return `${baseUrl}/shops/${parsed.hostname}${parsed.pathname}${parsed.search}`;
  };
  return (async (input: string | URL | Request, init?: RequestInit) => {
    if (input instanceof Request) {
      const target = rewrite(input.url);
      return underlying(target === input.url ? input : new Request(target, input), init);
    }
    return underlying(rewrite(String(input)), init);
  }) as typeof fetch;
}
