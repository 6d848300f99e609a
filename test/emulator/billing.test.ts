import { describe, expect, it } from "vitest";
import { ManualClock } from "../../emulator/clock.js";
import { ShopifyEmulator } from "../../emulator/emulator.js";
import { adminGraphql } from "../../emulator/helpers.js";

const SHOP = "billing.myshopify.com";
const CREATE = `mutation Sub($name: String!, $returnUrl: URL!, $lineItems: [AppSubscriptionLineItemInput!]!) {
  appSubscriptionCreate(name: $name, returnUrl: $returnUrl, lineItems: $lineItems, test: true) { appSubscription { id status } confirmationUrl userErrors { field message } }
}`;
const INSTALLATION = `{ currentAppInstallation { id app { title } activeSubscriptions { id name status lineItems { id plan { pricingDetails { __typename ... on AppUsagePricing { cappedAmount { amount currencyCode } balanceUsed { amount } terms } } } } } } }`;
const USAGE = `mutation Usage($lineItemId: ID!, $price: MoneyInput!, $desc: String!, $key: String) {
  appUsageRecordCreate(subscriptionLineItemId: $lineItemId, price: $price, description: $desc, idempotencyKey: $key) { appUsageRecord { id idempotencyKey } userErrors { field message } }
}`;

type Installation = { currentAppInstallation: { activeSubscriptions: { lineItems: { id: string; plan: { pricingDetails: { balanceUsed: { amount: string } } } }[] }[] } };
type Usage = { appUsageRecordCreate: { appUsageRecord: { id: string; idempotencyKey: string | null } | null; userErrors: { message: string }[] } };

async function setup(autoApproveSubscriptions = true) {
  const emulator = new ShopifyEmulator({ clock: new ManualClock(), autoApproveSubscriptions });
  emulator.createShop(SHOP);
  const { access_token: token } = emulator.install(SHOP);
  const call = (q: string, v: Record<string, unknown> = {}) => adminGraphql(emulator, SHOP, token, q, v);
  const created = await call(CREATE, {
    name: "Holdfast guarantee",
    returnUrl: "https://holdfast.example/app/billing",
    lineItems: [{ plan: { appUsagePricingDetails: { cappedAmount: { amount: "10.00", currencyCode: "USD" }, terms: "0.5% of guaranteed orders" } } }],
  });
  return { emulator, call, created };
}

describe("billing", () => {
  it("creates a usage subscription whose line item appears under activeSubscriptions", async () => {
    const { call, created } = await setup();
    expect(created.body.data).toMatchObject({ appSubscriptionCreate: { appSubscription: { status: "PENDING" }, confirmationUrl: expect.stringContaining("/confirm"), userErrors: [] } });
    const inst = await call(INSTALLATION);
    expect(inst.body.data).toMatchObject({ currentAppInstallation: { app: { title: "Holdfast" }, activeSubscriptions: [{ name: "Holdfast guarantee", status: "ACTIVE", lineItems: [{ plan: { pricingDetails: { __typename: "AppUsagePricing", cappedAmount: { amount: "10.00" }, terms: "0.5% of guaranteed orders" } } }] }] } });
  });

  it("honours idempotencyKey and the capped amount", async () => {
    const { call, emulator } = await setup();
    const lineItemId = ((await call(INSTALLATION)).body.data as Installation).currentAppInstallation.activeSubscriptions[0]?.lineItems[0]?.id;
    const charge = (key: string | null, amount = "4.00") => call(USAGE, { lineItemId, price: { amount, currencyCode: "USD" }, desc: "Guarantee fee", key });
    const first = (await charge("holdfast:billing:1")).body.data as Usage;
    const again = (await charge("holdfast:billing:1")).body.data as Usage;
    expect(first.appUsageRecordCreate.userErrors).toEqual([]);
    expect(again.appUsageRecordCreate.appUsageRecord).toEqual(first.appUsageRecordCreate.appUsageRecord);
    expect(emulator.shop(SHOP).installation.usageRecords).toHaveLength(1);
    expect(((await charge("holdfast:billing:2")).body.data as Usage).appUsageRecordCreate.userErrors).toEqual([]);
    const capped = (await charge("holdfast:billing:3")).body.data as Usage;
    expect(capped.appUsageRecordCreate.userErrors[0]?.message).toBe("Total price exceeds balance remaining");
    const balance = ((await call(INSTALLATION)).body.data as Installation).currentAppInstallation.activeSubscriptions[0]?.lineItems[0]?.plan.pricingDetails.balanceUsed.amount;
    expect(balance).toBe("8.00");
    expect(emulator.log.count("appUsageRecordCreate")).toBe(4);
  });

  it("keeps a subscription pending until approved when auto-approval is off", async () => {
    const { call, emulator, created } = await setup(false);
    expect(((await call(INSTALLATION)).body.data as Installation).currentAppInstallation.activeSubscriptions).toEqual([]);
    const url = (created.body.data as { appSubscriptionCreate: { confirmationUrl: string } }).appSubscriptionCreate.confirmationUrl;
    const path = new URL(url).pathname; // /shops/<shop>/admin/charges/<id>/confirm
    const res = await emulator.fetch(`http://emulator.invalid${path}`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/^https:\/\/holdfast\.example\/app\/billing\?charge_id=\d+$/);
    expect(((await call(INSTALLATION)).body.data as Installation).currentAppInstallation.activeSubscriptions).toHaveLength(1);
  });

  it("raises a usage cap (the merchant approving appSubscriptionLineItemUpdate's confirmation), after which a charge that exceeded it fits", async () => {
    const { call, emulator } = await setup();
    const lineItemId = ((await call(INSTALLATION)).body.data as Installation).currentAppInstallation.activeSubscriptions[0]!.lineItems[0]!.id;
    const charge = (key: string, amount: string) => call(USAGE, { lineItemId, price: { amount, currencyCode: "USD" }, desc: "Guarantee fee", key });
    expect(((await charge("a", "8.00")).body.data as Usage).appUsageRecordCreate.userErrors).toEqual([]);
    expect(((await charge("b", "4.00")).body.data as Usage).appUsageRecordCreate.userErrors[0]?.message).toBe("Total price exceeds balance remaining");
    const numericId = Number(lineItemId.split("/").pop());
    expect(() => emulator.raiseCappedAmount(SHOP, numericId, "5.00")).toThrow(/not above/);
    emulator.raiseCappedAmount(SHOP, numericId, "20");
    const cap = ((await call(INSTALLATION)).body.data as { currentAppInstallation: { activeSubscriptions: { lineItems: { plan: { pricingDetails: { cappedAmount: { amount: string } } } }[] }[] } })
      .currentAppInstallation.activeSubscriptions[0]!.lineItems[0]!.plan.pricingDetails.cappedAmount.amount;
    expect(cap).toBe("20.00");
    expect(((await charge("b", "4.00")).body.data as Usage).appUsageRecordCreate.userErrors).toEqual([]);
    expect(emulator.shop(SHOP).installation.usageRecords).toHaveLength(2);
  });

  it("a declined subscription never becomes active, and node(id) reads a subscription in any status", async () => {
    const { call, emulator, created } = await setup(false);
    const id = (created.body.data as { appSubscriptionCreate: { appSubscription: { id: string } } }).appSubscriptionCreate.appSubscription.id;
    const NODE = `query S($id: ID!) { node(id: $id) { __typename ... on AppSubscription { id status } } }`;
    expect((await call(NODE, { id })).body.data).toEqual({ node: { __typename: "AppSubscription", id, status: "PENDING" } });
    emulator.declineSubscription(SHOP, Number(id.split("/").pop()));
    expect((await call(NODE, { id })).body.data).toEqual({ node: { __typename: "AppSubscription", id, status: "DECLINED" } });
    expect(((await call(INSTALLATION)).body.data as Installation).currentAppInstallation.activeSubscriptions).toEqual([]);
    expect(() => emulator.declineSubscription(SHOP, Number(id.split("/").pop()))).toThrow(/not PENDING/);
  });
});
