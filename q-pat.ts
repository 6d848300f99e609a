import { OrderFactory, ShopifyEmulator, WebhookSender, FRAUD_PATTERNS } from "./test/emulator/index";
import { defaultRuleset, evaluate, factsFromWebhook } from "./app/risk";
const e = new ShopifyEmulator({ apiKey: "k", apiSecret: "s" }); e.createShop("a.myshopify.com");
const s = new WebhookSender(e, { targetBaseUrl: "http://x" });
const f = new OrderFactory({ seed: 3, startAt: Date.now() - 3600_000 });
for (const p of [...FRAUD_PATTERNS, "legit"]) {
  const scores: number[] = [];
  for (let i = 0; i < 20; i++) {
    const g = p === "legit" ? f.legit() : f.fraud(p as never);
    const body = JSON.parse(s.ordersCreate("a.myshopify.com", e.shop("a.myshopify.com").addOrder(g.draft).id).body);
    const d = evaluate(factsFromWebhook(body, {}, { shop: "a", now: Date.now() }), defaultRuleset());
    scores.push(d.score);
  }
  scores.sort((a, b) => a - b);
  console.log(p.padEnd(30), "median", scores[10], "max", scores[19], "threshold", defaultRuleset().model.threshold);
}
