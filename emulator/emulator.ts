/** The emulator: shops, app installation, tokens, throttling, faults and the request handler they share. */
import { parse, Kind } from "graphql";
import { DEFAULT_SCOPES } from "../app/env.server.js";
import { systemClock, sleep as realSleep, type Clock } from "./clock.js";
import { CallLog } from "./call-log.js";
import { executeAdminGraphql, type GraphqlRequestBody } from "./admin-graphql.js";
import { FaultInjector, type Fault, type InjectedUserError, type RequestFacts } from "./faults.js";
import type { AppIdentity } from "./graphql-view.js";
import { IdAllocator } from "./ids.js";
import { APP_BRIDGE_STUB_JS } from "./app-bridge-stub.js";
import { mintSessionToken, verifySessionToken, type MintOptions } from "./session-token.js";
import { Rng } from "./order-factory.js";
import { ShopState, type FulfillmentOrderEvent, type ShopBehaviour, type ShopInfo } from "./store.js";
import type { Order } from "./types.js";
import { STANDARD_PLAN, Throttle, type ThrottleConfig } from "./throttle.js";
import { TokenStore, type TokenGrant } from "./tokens.js";

// The scopes Holdfast requests (shopify.app.toml), granted on install.
export { DEFAULT_SCOPES };

export interface EmulatorOptions {
  apiKey?: string;
  apiSecret?: string;
  appTitle?: string;
  appHandle?: string;
  scopes?: string[];
  clock?: Clock;
  throttle?: Partial<ThrottleConfig>;
  /** appSubscriptionCreate answers PENDING; with this on (default) it becomes ACTIVE at once, as if the merchant approved. */
  autoApproveSubscriptions?: boolean;
  /** Used for injected latency; replace to avoid real waiting. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * How long after an order is placed its fulfillment orders exist (Shopify routes them after
   * orders/create). Default 2000 ms; 0 = with the order; Infinity = never.
   */
  fulfillmentOrderDelayMs?: number;
  /** Share of orders whose routing splits a fulfillment order in two (default 0). */
  routingSplitRate?: number;
  /** How long after orderCancel its job finishes (default 500 ms). */
  cancelDelayMs?: number;
  /** Routing and jobs happen by themselves on timers (default: when the clock is the system clock); otherwise at the next Admin API request after their time. */
  timers?: boolean;
  /** Seed of the routing split draw (default 1). */
  seed?: number;
}

export const DEFAULT_FULFILLMENT_ORDER_DELAY_MS = 2000;
export const DEFAULT_CANCEL_DELAY_MS = 500;

/** Returned by the handler when the connection must be dropped without a response. */
export const DROP_CONNECTION = Symbol("drop-connection");
export type HandlerResult = Response | typeof DROP_CONNECTION;

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8", ...headers } });

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

export class ShopifyEmulator {
  readonly app: AppIdentity;
  readonly apiSecret: string;
  readonly scopes: string[];
  readonly clock: Clock;
  readonly log = new CallLog();
  readonly faults = new FaultInjector();
  /**
   * Fields Shopify sends but does not promise, which a test can switch off: `throttleStatus` in
   * `extensions.cost`, and `expires_in` in a refresh-token answer.
   */
  readonly answers = { throttleStatus: true, refreshExpiresIn: true };
  readonly tokens: TokenStore;
  readonly throttle: Throttle;
  readonly ids = new IdAllocator();
  readonly autoApproveSubscriptions: boolean;
  /** Base URL of the running HTTP server (set by startEmulatorServer), used in confirmation URLs. */
  baseUrl = "http://emulator.invalid";
  private readonly shops = new Map<string, ShopState>();
  private readonly orderListeners = new Set<(shop: ShopState, order: Order) => void>();
  private readonly fulfillmentOrderListeners = new Set<(shop: ShopState, event: FulfillmentOrderEvent) => void>();
  private readonly sleep: (ms: number) => Promise<void>;
  /** What every new shop does with fulfillment orders and cancels (each shop's copy can be changed: `shop.behaviour`). */
  readonly behaviour: ShopBehaviour;

  constructor(opts: EmulatorOptions = {}) {
    this.app = { id: 1_000_001, apiKey: opts.apiKey ?? "holdfast-test-api-key", title: opts.appTitle ?? "Holdfast", handle: opts.appHandle ?? "holdfast" };
    this.apiSecret = opts.apiSecret ?? "holdfast-test-api-secret";
    this.scopes = opts.scopes ?? [...DEFAULT_SCOPES];
    this.clock = opts.clock ?? systemClock;
    this.tokens = new TokenStore(this.clock);
    this.throttle = new Throttle({ ...STANDARD_PLAN, ...opts.throttle }, this.clock);
    this.autoApproveSubscriptions = opts.autoApproveSubscriptions ?? true;
    this.sleep = opts.sleep ?? realSleep;
    const rng = new Rng(opts.seed ?? 1);
    this.behaviour = {
      fulfillmentOrderDelayMs: opts.fulfillmentOrderDelayMs ?? DEFAULT_FULFILLMENT_ORDER_DELAY_MS,
      routingSplitRate: opts.routingSplitRate ?? 0,
      cancelDelayMs: opts.cancelDelayMs ?? DEFAULT_CANCEL_DELAY_MS,
      timers: opts.timers ?? this.clock === systemClock,
      random: () => rng.next(),
    };
  }

  // ---- shops and installation -------------------------------------------

  createShop(domain: string, info: Partial<Omit<ShopInfo, "domain">> = {}): ShopState {
    if (!SHOP_DOMAIN.test(domain)) throw new Error(`not a myshopify domain: ${domain}`);
    if (this.shops.has(domain)) throw new Error(`shop ${domain} already exists`);
    const name = info.name ?? domain.replace(/\.myshopify\.com$/, "");
    const shop = new ShopState(
      {
        domain,
        id: info.id ?? this.ids.take(),
        name,
        email: info.email ?? `owner@${domain}`,
        currency: info.currency ?? "USD",
        countryCode: info.countryCode ?? "US",
        timezone: info.timezone ?? "America/New_York",
        planName: info.planName ?? "basic",
        createdAt: info.createdAt ?? new Date(this.clock.now() - 400 * 86_400_000).toISOString(),
      },
      this.ids,
      this.clock,
      (changedShop, order) => {
        for (const listener of this.orderListeners) listener(changedShop, order);
      },
      this.behaviour,
      (changedShop, event) => {
        for (const listener of this.fulfillmentOrderListeners) listener(changedShop, event);
      },
    );
    this.shops.set(domain, shop);
    return shop;
  }

  /** Subscribes to order changes in every shop; returns an unsubscribe function. */
  onOrderChange(listener: (shop: ShopState, order: Order) => void): () => void {
    this.orderListeners.add(listener);
    return () => this.orderListeners.delete(listener);
  }

  /** Subscribes to fulfillment order changes (routing complete, split, moved) in every shop; returns an unsubscribe function. */
  onFulfillmentOrderEvent(listener: (shop: ShopState, event: FulfillmentOrderEvent) => void): () => void {
    this.fulfillmentOrderListeners.add(listener);
    return () => this.fulfillmentOrderListeners.delete(listener);
  }

  /** Bring every shop up to the clock: due routings and jobs happen (see ShopState.tick). */
  tick(): void {
    for (const shop of this.shops.values()) shop.tick();
  }

  shop(domain: string): ShopState {
    const shop = this.shops.get(domain);
    if (!shop) throw new Error(`no emulated shop ${domain}; call createShop first`);
    return shop;
  }

  hasShop(domain: string): boolean {
    return this.shops.has(domain);
  }

  allShops(): ShopState[] {
    return [...this.shops.values()];
  }

  /** Installs the app directly (no HTTP) and returns an offline token grant, expiring by default. */
  install(domain: string, opts: { expiring?: boolean } = {}): TokenGrant {
    const shop = this.shop(domain);
    shop.installation.installed = true;
    shop.installation.scopes = [...this.scopes];
    return this.tokens.issue(domain, this.scopes, { expiring: opts.expiring ?? true });
  }

  /** Marks the app uninstalled and revokes its tokens (send the app/uninstalled webhook separately). */
  uninstall(domain: string): void {
    const shop = this.shop(domain);
    shop.installation.installed = false;
    this.tokens.revokeShop(domain);
  }

  sessionToken(domain: string, opts: Partial<Omit<MintOptions, "shop" | "apiKey" | "apiSecret">> = {}): string {
    return mintSessionToken({ shop: domain, apiKey: this.app.apiKey, apiSecret: this.apiSecret, nowSeconds: Math.floor(this.clock.now() / 1000), ...opts });
  }

  /** Approves a pending subscription (what the merchant does on the confirmation page). */
  approveSubscription(domain: string, subscriptionId: number): void {
    const sub = this.shop(domain).installation.subscriptions.find((s) => s.id === subscriptionId);
    if (!sub) throw new Error(`no subscription ${subscriptionId}`);
    for (const other of this.shop(domain).installation.subscriptions) if (other.status === "ACTIVE") other.status = "CANCELLED";
    sub.status = "ACTIVE";
  }

  /** Declines a pending subscription (the merchant cancels on the confirmation page): it ends DECLINED, never active. */
  declineSubscription(domain: string, subscriptionId: number): void {
    const sub = this.shop(domain).installation.subscriptions.find((s) => s.id === subscriptionId);
    if (!sub) throw new Error(`no subscription ${subscriptionId}`);
    if (sub.status !== "PENDING") throw new Error(`subscription ${subscriptionId} is ${sub.status}, not PENDING`);
    sub.status = "DECLINED";
  }

  /**
   * Raises a usage line item's capped amount, as when the merchant approves the confirmation URL
   * that appSubscriptionLineItemUpdate returns (that mutation itself is not emulated). The new cap
   * must be higher than the old one and is in the cap's currency.
   */
  raiseCappedAmount(domain: string, lineItemId: number, amount: string): void {
    const found = this.shop(domain).findLineItem(lineItemId);
    if (!found?.lineItem.usage) throw new Error(`no usage line item ${lineItemId}`);
    const cap = found.lineItem.usage.cappedAmount;
    if (!(Number(amount) > Number(cap.amount))) throw new Error(`the new cap ${amount} is not above ${cap.amount}`);
    found.lineItem.usage.cappedAmount = { amount: Number(amount).toFixed(2), currencyCode: cap.currencyCode };
  }

  // ---- request handling --------------------------------------------------

  /**
   * Handles a web-standard Request. The shop comes from a `/shops/<shop>.myshopify.com/...` path prefix
   * or, failing that, from the URL host (`https://<shop>.myshopify.com/...`).
   */
  async handle(request: Request): Promise<HandlerResult> {
    const url = new URL(request.url);
    let path = url.pathname;
    let domain: string | null = null;
    const prefixed = /^\/shops\/([^/]+)(\/.*)$/.exec(path);
    if (prefixed) {
      domain = decodeURIComponent(prefixed[1] ?? "");
      path = prefixed[2] ?? "/";
    } else if (url.hostname.endsWith(".myshopify.com")) {
      domain = url.hostname;
    }
    if (path === "/health") return json(200, { ok: true });
    // The App Bridge stand-in for the demo and the browser tests (app-bridge-stub.ts): its script,
    // and a fresh session token for an installed shop (what App Bridge's idToken() returns).
    if (path === "/app-bridge.js") {
      return new Response(APP_BRIDGE_STUB_JS, { status: 200, headers: { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-store" } });
    }
    if (path === "/app-bridge/session-token") {
      const cors = { "access-control-allow-origin": "*", "cache-control": "no-store" };
      const shopParam = url.searchParams.get("shop") ?? "";
      if (!this.shops.has(shopParam)) return new Response(JSON.stringify({ error: "unknown shop" }), { status: 404, headers: { ...cors, "content-type": "application/json" } });
      const nowSeconds = Math.floor(this.clock.now() / 1000);
      return new Response(JSON.stringify({ token: this.sessionToken(shopParam), exp: nowSeconds + 60 }), { status: 200, headers: { ...cors, "content-type": "application/json" } });
    }

    const graphqlMatch = /^\/admin\/api\/([^/]+)\/graphql\.json$/.exec(path);
    const isOauth = path === "/admin/oauth/access_token";
    const rawBody = request.method === "POST" ? await request.text() : "";
    const facts: RequestFacts = { target: graphqlMatch ? "graphql" : "oauth", shop: domain, operationName: null, rootFields: [] };
    let graphqlBody: GraphqlRequestBody = {};
    if (graphqlMatch) {
      graphqlBody = safeJson(rawBody) ?? {};
      Object.assign(facts, describeOperation(graphqlBody));
    }

    let dropAfter = false;
    let refusal: InjectedUserError[] | undefined;
    if (graphqlMatch || isOauth) {
      const faults = this.faults.take(facts);
      dropAfter = faults.some((f) => f.kind === "drop_after");
      for (const f of faults) if (f.kind === "user_errors") refusal = f.userErrors;
      const outcome = await this.applyFaults(faults.filter((f) => f.kind !== "drop_after" && f.kind !== "user_errors"), facts);
      if (outcome) return outcome;
    }
    if (!domain || !this.shops.has(domain)) return json(404, { errors: "Not Found" });
    const shop = this.shop(domain);

    if (graphqlMatch && shop.availability !== "active") {
      // https://shopify.dev/docs/api/usage/response-codes
      this.log.add({ at: this.clock.now(), shop: shop.domain, kind: "graphql", operationName: facts.operationName, operationType: null, rootFields: facts.rootFields, variables: {}, query: "", outcome: "unavailable", requestedCost: null });
      return shop.availability === "frozen"
        ? json(402, { errors: "Unavailable Shop: the requested shop is currently frozen. The shop owner needs to log in to the shop's admin and pay the outstanding balance to unfreeze the shop." })
        : json(423, { errors: "Locked: the requested shop is currently locked." });
    }
    if (graphqlMatch && request.method === "POST") {
      if (typeof graphqlBody.query !== "string" || graphqlBody.query.trim() === "") {
        return json(400, { errors: { query: "Required parameter missing or invalid" } });
      }
      const answer = await this.handleGraphql(shop, request, graphqlBody, refusal);
      return dropAfter ? DROP_CONNECTION : answer;
    }
    if (isOauth && request.method === "POST") {
      const answer = await this.handleOauth(shop, request.headers.get("content-type") ?? "", rawBody);
      return dropAfter ? DROP_CONNECTION : answer;
    }
    const confirm = /^\/admin\/charges\/(\d+)\/confirm$/.exec(path);
    if (confirm && request.method === "GET") {
      const id = Number(confirm[1]);
      const sub = shop.installation.subscriptions.find((s) => s.id === id);
      if (!sub) return json(404, { errors: "Not Found" });
      this.approveSubscription(domain, id);
      return new Response(null, { status: 302, headers: { location: `${sub.returnUrl}${sub.returnUrl.includes("?") ? "&" : "?"}charge_id=${id}` } });
    }
    return json(404, { errors: "Not Found" });
  }

  private async applyFaults(faults: Fault[], facts: RequestFacts): Promise<HandlerResult | null> {
    for (const fault of faults) {
      if (fault.kind === "latency") await this.sleep(fault.ms);
    }
    const failure = faults.find((f) => f.kind !== "latency");
    if (!failure) return null;
    this.log.add({
      at: this.clock.now(),
      shop: facts.shop ?? "",
      kind: facts.target === "graphql" ? "graphql" : "oauth",
      operationName: facts.operationName,
      operationType: null,
      rootFields: facts.rootFields,
      variables: {},
      query: "",
      outcome: "fault",
      requestedCost: null,
    });
    if (failure.kind === "drop") return DROP_CONNECTION;
    if (failure.kind === "status") {
      const headers: Record<string, string> = {};
      if (failure.retryAfterSeconds !== undefined) headers["retry-after"] = String(failure.retryAfterSeconds);
      const body = failure.body ?? (failure.status === 429 ? JSON.stringify({ errors: "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service." }) : JSON.stringify({ errors: "Internal Server Error" }));
      return new Response(body, { status: failure.status, headers: { "content-type": "application/json; charset=utf-8", ...headers } });
    }
    return null;
  }

  private async handleGraphql(shop: ShopState, request: Request, body: GraphqlRequestBody, refusal?: InjectedUserError[]): Promise<Response> {
    const token = this.tokens.validate(request.headers.get("x-shopify-access-token"));
    if (!token || token.shop !== shop.domain || !shop.installation.installed) {
      this.log.add({ at: this.clock.now(), shop: shop.domain, kind: "graphql", operationName: null, operationType: null, rootFields: [], variables: {}, query: typeof body.query === "string" ? body.query : "", outcome: "unauthorized", requestedCost: null });
      return json(401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
    }
    shop.tick(); // what the clock says has happened (routing, finished jobs) is there to read
    const result = await executeAdminGraphql({
      body,
      ctx: { shop, app: this.app, scopes: token.scopes, now: this.clock.now(), baseUrl: this.baseUrl },
      bucket: this.throttle.bucket(shop.domain),
      maxQueryCost: this.throttle.config.maxQueryCost,
      log: this.log,
      at: this.clock.now(),
      refusal,
      omitThrottleStatus: !this.answers.throttleStatus,
    });
    if (this.autoApproveSubscriptions) {
      for (const sub of shop.installation.subscriptions) if (sub.status === "PENDING") this.approveSubscription(shop.domain, sub.id);
    }
    return json(200, result, { "x-shopify-api-version": "2026-07" });
  }

  private handleOauth(shop: ShopState, contentType: string, rawBody: string): Response {
    const params: Record<string, string> = contentType.includes("application/json")
      ? Object.fromEntries(Object.entries(safeJson<Record<string, unknown>>(rawBody) ?? {}).map(([k, v]) => [k, String(v)]))
      : Object.fromEntries(new URLSearchParams(rawBody));
    const record = (outcome: "ok" | "error") =>
      this.log.add({ at: this.clock.now(), shop: shop.domain, kind: "oauth", operationName: params.grant_type ?? null, operationType: null, rootFields: [], variables: {}, query: "", outcome, requestedCost: null });
    if (params.client_id !== this.app.apiKey || params.client_secret !== this.apiSecret) {
      record("error");
      return json(401, { error: "invalid_client", error_description: "Client credentials are invalid" });
    }
    if (params.grant_type === "urn:ietf:params:oauth:grant-type:token-exchange") {
      const verified = verifySessionToken(params.subject_token ?? "", this.app.apiKey, this.apiSecret, Math.floor(this.clock.now() / 1000));
      if (!verified.ok || verified.claims.dest !== `https://${shop.domain}`) {
        record("error");
        return json(400, { error: "invalid_subject_token", error_description: verified.ok ? "Token is for another shop" : verified.reason });
      }
      const online = params.requested_token_type === "urn:shopify:params:oauth:token-type:online-access-token";
      shop.installation.installed = true;
      shop.installation.scopes = [...this.scopes];
      record("ok");
      return json(200, this.tokens.issue(shop.domain, this.scopes, { expiring: params.expiring === "1", online, userId: verified.claims.sub }));
    }
    if (params.grant_type === "refresh_token") {
      const grant = this.tokens.useRefreshToken(shop.domain, params.refresh_token ?? "");
      if (!grant) {
        record("error");
        return json(400, { error: "invalid_grant", error_description: "The refresh token is invalid, expired or revoked" });
      }
      record("ok");
      if (!this.answers.refreshExpiresIn) delete grant.expires_in;
      return json(200, grant);
    }
    record("error");
    return json(400, { error: "unsupported_grant_type", error_description: `Unsupported grant_type ${params.grant_type ?? "(none)"}` });
  }

  /** In-process fetch (no sockets): routes https://<shop>.myshopify.com/... straight to the handler. */
  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const result = await this.handle(new Request(input, init));
    if (result === DROP_CONNECTION) throw new TypeError("fetch failed", { cause: new Error("other side closed") });
    return result;
  };
}

function safeJson<T = GraphqlRequestBody>(text: string): T | null {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" ? (value as T) : null;
  } catch {
    return null;
  }
}

function describeOperation(body: GraphqlRequestBody): Pick<RequestFacts, "operationName" | "rootFields"> {
  const operationName = typeof body.operationName === "string" ? body.operationName : null;
  try {
    const doc = parse(typeof body.query === "string" ? body.query : "");
    const op = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName));
    if (!op || op.kind !== Kind.OPERATION_DEFINITION) return { operationName, rootFields: [] };
    return {
      operationName: operationName ?? op.name?.value ?? null,
      rootFields: op.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : [])),
    };
  } catch {
    return { operationName, rootFields: [] };
  }
}
