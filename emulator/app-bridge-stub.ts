// A stand-in for App Bridge's script (https://cdn.shopify.com/shopifycloud/app-bridge.js), served by
// the emulator at /app-bridge.js for the demo and the browser tests: Holdfast's pages then work in
// a plain browser, offline, as they do inside the Shopify admin. Like the real script it:
//   - gives every same-origin fetch an `Authorization: Bearer <session token>` header, with a fresh
//     token minted by the emulator (`/app-bridge/session-token`, 60 s, renewed before it expires), and
//     retries once when the app answers 401 with X-Shopify-Retry-Invalid-Session-Request;
//   - on the library's bounce page (`shopify-reload`), reloads the page with a fresh `id_token`, and
//     keeps the embedded context (shop, host, locale) on the URLs the app pushes, so that a reload
//     of any page comes back to it, as a reload of the admin does;
//   - renders `<ui-nav-menu>` and `<ui-title-bar>` (in their own shadow roots, outside React's tree)
//     and turns a nav link click into the `shopify:navigate` event the Remix AppProvider listens to;
//   - offers `window.shopify` with `idToken()`, `toast.show()`, `loading()` and `config`.
// The app only loads it when HOLDFAST_APP_BRIDGE_URL is set, which app/env.server.ts refuses unless
// the app talks to the emulator (SHOPIFY_API_ORIGIN_OVERRIDE): never in production.

/** The script's source. The session-token URL is relative to the script's own origin (the emulator). */
export const APP_BRIDGE_STUB_JS = String.raw`(function () {
  "use strict";
  if (window.shopify && window.shopify.__holdfastStub) return;
  var script = document.currentScript;
  var apiKey = script ? script.getAttribute("data-api-key") : null;
  var origin = script ? new URL(script.src, location.href).origin : location.origin;
  var params = new URLSearchParams(location.search);
  var shop = params.get("shop") || sessionStorage.getItem("holdfast-stub-shop");
  if (params.get("shop")) sessionStorage.setItem("holdfast-stub-shop", params.get("shop"));
  // The admin reloads an embedded page with its context (shop, host, locale): keep those parameters
  // on every URL the app pushes, so that a reload lands on the same page (via the bounce page).
  var CONTEXT = ["embedded", "shop", "host", "locale"];
  var context = {};
  try { context = JSON.parse(sessionStorage.getItem("holdfast-stub-context") || "{}") || {}; } catch (e) { context = {}; }
  if (params.get("shop")) {
    context = {};
    CONTEXT.forEach(function (k) { if (params.get(k)) context[k] = params.get(k); });
    sessionStorage.setItem("holdfast-stub-context", JSON.stringify(context));
  }
  function withContext(url) {
    if (url === undefined || url === null) return url;
    var u = new URL(String(url), location.href);
    if (u.origin !== location.origin) return url;
    Object.keys(context).forEach(function (k) { if (!u.searchParams.has(k)) u.searchParams.set(k, context[k]); });
    return u.pathname + u.search + u.hash;
  }
  var nativePush = history.pushState.bind(history);
  var nativeReplace = history.replaceState.bind(history);
  function moved() { window.dispatchEvent(new Event("holdfast-stub:navigated")); }
  history.pushState = function (state, unused, url) { var r = nativePush(state, unused, withContext(url)); moved(); return r; };
  history.replaceState = function (state, unused, url) { var r = nativeReplace(state, unused, withContext(url)); moved(); return r; };
  var nativeFetch = window.fetch.bind(window);
  var cached = null;
  var inflight = null;

  function idToken() {
    if (cached && cached.exp - 10 > Date.now() / 1000) return Promise.resolve(cached.token);
    if (!shop) return Promise.reject(new Error("App Bridge stand-in: no shop in the URL"));
    // Requests made together share one token request.
    if (inflight) return inflight;
    inflight = nativeFetch(origin + "/app-bridge/session-token?shop=" + encodeURIComponent(shop))
      .then(function (r) { if (!r.ok) throw new Error("session token: HTTP " + r.status); return r.json(); })
      .then(function (body) { cached = body; return body.token; })
      .finally(function () { inflight = null; });
    return inflight;
  }

  window.fetch = function (input, init) {
    var request = new Request(input, init);
    var url = new URL(request.url, location.href);
    if (url.origin !== location.origin || request.headers.has("Authorization")) return nativeFetch(request);
    var retry = request.clone();
    function send(req, token) {
      var headers = new Headers(req.headers);
      headers.set("Authorization", "Bearer " + token);
      return nativeFetch(new Request(req, { headers: headers }));
    }
    return idToken().then(function (token) { return send(request, token); }).then(function (response) {
      if (response.status !== 401 || !response.headers.get("X-Shopify-Retry-Invalid-Session-Request")) return response;
      cached = null;
      return idToken().then(function (token) { return send(retry, token); });
    });
  };

  // The library's bounce page: reload the app URL with a fresh session token, as App Bridge does.
  var reload = params.get("shopify-reload");
  if (reload) {
    idToken().then(function (token) {
      // The library names the app's public URL (SHOPIFY_APP_URL); the page is served here: keep
      // its path and query on this origin (never another site).
      var named = new URL(reload, location.href);
      var target = new URL(named.pathname + named.search, location.origin);
      target.searchParams.set("id_token", token);
      location.replace(target.toString());
    });
  }

  var toastBox = null;
  function toast(message, opts) {
    if (!toastBox) {
      toastBox = document.createElement("div");
      toastBox.setAttribute("role", "status");
      toastBox.style.cssText = "position:fixed;bottom:24px;left:50%;transform:translateX(-50%);z-index:1000;display:flex;flex-direction:column;gap:8px;font:14px system-ui,sans-serif";
      document.documentElement.appendChild(toastBox);
    }
    var el = document.createElement("div");
    el.className = "holdfast-stub-toast";
    el.textContent = message;
    el.style.cssText = "background:" + (opts && opts.isError ? "#8e1f0b" : "#303030") + ";color:#fff;padding:10px 16px;border-radius:8px;box-shadow:0 4px 12px rgba(0,0,0,.2)";
    toastBox.appendChild(el);
    setTimeout(function () { el.remove(); }, (opts && opts.duration) || 5000);
    return String(Math.random());
  }

  window.shopify = {
    __holdfastStub: true,
    config: { apiKey: apiKey, shop: shop, locale: params.get("locale") || "en" },
    environment: { embedded: false, mobile: false, pos: false },
    idToken: idToken,
    toast: { show: toast, hide: function () {} },
    loading: function () {},
    ready: Promise.resolve(),
  };

  var BAR = "display:flex;align-items:center;gap:16px;padding:10px 20px;background:#1a1a1a;color:#e3e3e3;font:13px system-ui,sans-serif";
  function NavMenu() { return Reflect.construct(HTMLElement, [], NavMenu); }
  NavMenu.prototype = Object.create(HTMLElement.prototype);
  NavMenu.prototype.connectedCallback = function () {
    var self = this;
    var root = this.shadowRoot || this.attachShadow({ mode: "open" });
    function render() {
      root.innerHTML = "";
      var bar = document.createElement("nav");
      bar.setAttribute("aria-label", "Holdfast");
      bar.style.cssText = BAR;
      var brand = document.createElement("strong");
      brand.textContent = "Holdfast";
      brand.style.cssText = "color:#fff;margin-right:8px";
      bar.appendChild(brand);
      Array.prototype.forEach.call(self.querySelectorAll("a"), function (a) {
        var link = document.createElement("a");
        link.href = a.getAttribute("href");
        link.textContent = a.textContent;
        var here = location.pathname === new URL(link.href).pathname;
        if (here) link.setAttribute("aria-current", "page");
        link.style.cssText = "color:" + (here ? "#fff" : "#c7c7c7") + ";text-decoration:none;padding:4px 8px;border-radius:6px;" + (here ? "background:#404040" : "");
        link.addEventListener("click", function (event) {
          event.preventDefault();
          a.dispatchEvent(new CustomEvent("shopify:navigate", { bubbles: true }));
        });
        bar.appendChild(link);
      });
      root.appendChild(bar);
    }
    render();
    new MutationObserver(render).observe(this, { subtree: true, childList: true, characterData: true, attributes: true });
    // The current page is highlighted once the app's router has moved there.
    window.addEventListener("popstate", render);
    window.addEventListener("holdfast-stub:navigated", render);
  };
  function TitleBar() { return Reflect.construct(HTMLElement, [], TitleBar); }
  TitleBar.prototype = Object.create(HTMLElement.prototype);
  TitleBar.observedAttributes = ["title"];
  TitleBar.prototype.connectedCallback = function () { this.attributeChangedCallback(); };
  TitleBar.prototype.attributeChangedCallback = function () {
    var root = this.shadowRoot || this.attachShadow({ mode: "open" });
    root.innerHTML = "";
    var h = document.createElement("h1");
    h.textContent = this.getAttribute("title") || "";
    h.style.cssText = "margin:0 0 16px;font:600 20px system-ui,sans-serif;color:#303030";
    root.appendChild(h);
  };
  if (!customElements.get("ui-nav-menu")) customElements.define("ui-nav-menu", NavMenu);
  if (!customElements.get("ui-title-bar")) customElements.define("ui-title-bar", TitleBar);
})();
`;
