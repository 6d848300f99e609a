-- AlterTable
ALTER TABLE "OrderScreening" ADD COLUMN "factsHash" TEXT;

-- AlterTable
ALTER TABLE "Dispute" ADD COLUMN "coverage" TEXT;
ALTER TABLE "Dispute" ADD COLUMN "coverageNote" TEXT;
ALTER TABLE "Dispute" ADD COLUMN "coverageReason" TEXT;
ALTER TABLE "Dispute" ADD COLUMN "evidenceAt" DATETIME;
ALTER TABLE "Dispute" ADD COLUMN "evidenceDueBy" DATETIME;
ALTER TABLE "Dispute" ADD COLUMN "evidenceError" TEXT;
ALTER TABLE "Dispute" ADD COLUMN "evidenceState" TEXT;
ALTER TABLE "Dispute" ADD COLUMN "rawReason" TEXT;
ALTER TABLE "Dispute" ADD COLUMN "rawStatus" TEXT;

-- CreateTable
CREATE TABLE "Guarantee" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "reason" TEXT,
    "note" TEXT,
    "amount" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "feeRate" TEXT NOT NULL,
    "fee" TEXT NOT NULL,
    "frozenFacts" TEXT,
    "approvedAt" DATETIME,
    "voidedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Claim" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "disputeId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "guaranteeId" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "amount" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "guaranteeAmount" TEXT NOT NULL,
    "guaranteeCurrency" TEXT NOT NULL,
    "payoutReference" TEXT,
    "paidAt" DATETIME,
    "openedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ClaimEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "claimId" TEXT NOT NULL,
    "fromState" TEXT,
    "toState" TEXT NOT NULL,
    "amount" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "detail" TEXT,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "LedgerEntry" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "orderId" TEXT,
    "claimId" TEXT,
    "amount" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "billedAmount" TEXT,
    "billedCurrency" TEXT,
    "rate" TEXT,
    "rateSource" TEXT,
    "usageRecordId" TEXT,
    "idempotencyKey" TEXT,
    "detail" TEXT,
    "month" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ExchangeRate" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "base" TEXT NOT NULL,
    "quote" TEXT NOT NULL,
    "rate" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "validFrom" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Shop" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "installedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" DATETIME,
    "scopes" TEXT,
    "holdThreshold" INTEGER,
    "autoCancel" BOOLEAN NOT NULL DEFAULT false,
    "autoCancelScore" INTEGER NOT NULL DEFAULT 970,
    "typicalValueLog" REAL,
    "ordersWatermark" DATETIME,
    "disputesWatermark" DATETIME,
    "reconciledAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "shopId" TEXT,
    "suspendedAt" DATETIME,
    "suspendedReason" TEXT,
    "feeRate" TEXT,
    "coverNotReceived" BOOLEAN NOT NULL DEFAULT false,
    "evidenceSubmitDays" INTEGER,
    "subscriptionId" TEXT,
    "subscriptionItemId" TEXT,
    "subscriptionStatus" TEXT,
    "confirmationUrl" TEXT,
    "billingCurrency" TEXT,
    "cappedAmount" TEXT,
    "chargingPausedAt" DATETIME,
    "chargingPausedReason" TEXT
);
INSERT INTO "new_Shop" ("autoCancel", "autoCancelScore", "createdAt", "disputesWatermark", "holdThreshold", "installedAt", "ordersWatermark", "reconciledAt", "scopes", "shop", "shopId", "suspendedAt", "suspendedReason", "typicalValueLog", "uninstalledAt", "updatedAt") SELECT "autoCancel", "autoCancelScore", "createdAt", "disputesWatermark", "holdThreshold", "installedAt", "ordersWatermark", "reconciledAt", "scopes", "shop", "shopId", "suspendedAt", "suspendedReason", "typicalValueLog", "uninstalledAt", "updatedAt" FROM "Shop";
DROP TABLE "Shop";
ALTER TABLE "new_Shop" RENAME TO "Shop";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "Guarantee_shop_state_createdAt_idx" ON "Guarantee"("shop", "state", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Guarantee_shop_orderId_key" ON "Guarantee"("shop", "orderId");

-- CreateIndex
CREATE INDEX "Claim_shop_state_openedAt_idx" ON "Claim"("shop", "state", "openedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Claim_shop_disputeId_key" ON "Claim"("shop", "disputeId");

-- CreateIndex
CREATE INDEX "ClaimEvent_shop_claimId_at_idx" ON "ClaimEvent"("shop", "claimId", "at");

-- CreateIndex
CREATE INDEX "LedgerEntry_shop_kind_state_idx" ON "LedgerEntry"("shop", "kind", "state");

-- CreateIndex
CREATE INDEX "LedgerEntry_shop_month_idx" ON "LedgerEntry"("shop", "month");

-- CreateIndex
CREATE UNIQUE INDEX "LedgerEntry_shop_key_key" ON "LedgerEntry"("shop", "key");

-- CreateIndex
CREATE UNIQUE INDEX "ExchangeRate_base_quote_validFrom_key" ON "ExchangeRate"("base", "quote", "validFrom");

