-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "billingCurrency" TEXT,
ADD COLUMN     "cappedAmount" TEXT,
ADD COLUMN     "chargingPausedAt" TIMESTAMP(3),
ADD COLUMN     "chargingPausedReason" TEXT,
ADD COLUMN     "confirmationUrl" TEXT,
ADD COLUMN     "coverNotReceived" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "evidenceSubmitDays" INTEGER,
ADD COLUMN     "feeRate" TEXT,
ADD COLUMN     "subscriptionId" TEXT,
ADD COLUMN     "subscriptionItemId" TEXT,
ADD COLUMN     "subscriptionStatus" TEXT;

-- AlterTable
ALTER TABLE "OrderScreening" ADD COLUMN     "factsHash" TEXT;

-- AlterTable
ALTER TABLE "Dispute" ADD COLUMN     "coverage" TEXT,
ADD COLUMN     "coverageNote" TEXT,
ADD COLUMN     "coverageReason" TEXT,
ADD COLUMN     "evidenceAt" TIMESTAMP(3),
ADD COLUMN     "evidenceDueBy" TIMESTAMP(3),
ADD COLUMN     "evidenceError" TEXT,
ADD COLUMN     "evidenceState" TEXT,
ADD COLUMN     "rawReason" TEXT,
ADD COLUMN     "rawStatus" TEXT;

-- CreateTable
CREATE TABLE "Guarantee" (
    "id" TEXT NOT NULL,
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
    "approvedAt" TIMESTAMP(3),
    "voidedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Guarantee_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Claim" (
    "id" TEXT NOT NULL,
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
    "paidAt" TIMESTAMP(3),
    "openedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Claim_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ClaimEvent" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "claimId" TEXT NOT NULL,
    "fromState" TEXT,
    "toState" TEXT NOT NULL,
    "amount" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "detail" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ClaimEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LedgerEntry" (
    "id" TEXT NOT NULL,
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
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LedgerEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExchangeRate" (
    "id" TEXT NOT NULL,
    "base" TEXT NOT NULL,
    "quote" TEXT NOT NULL,
    "rate" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "validFrom" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ExchangeRate_pkey" PRIMARY KEY ("id")
);

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

