-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "autoCancel" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "autoCancelScore" INTEGER NOT NULL DEFAULT 970,
ADD COLUMN     "disputesWatermark" TIMESTAMP(3),
ADD COLUMN     "holdThreshold" INTEGER,
ADD COLUMN     "ordersWatermark" TIMESTAMP(3),
ADD COLUMN     "reconciledAt" TIMESTAMP(3),
ADD COLUMN     "typicalValueLog" DOUBLE PRECISION;

-- CreateTable
CREATE TABLE "Job" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 8,
    "runAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseOwner" TEXT,
    "leaseExpiresAt" TIMESTAMP(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrderScreening" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "orderName" TEXT,
    "revision" INTEGER NOT NULL DEFAULT 0,
    "status" TEXT NOT NULL,
    "verdict" TEXT NOT NULL,
    "score" INTEGER NOT NULL,
    "threshold" INTEGER NOT NULL,
    "riskLevel" TEXT NOT NULL,
    "decidedBy" TEXT NOT NULL,
    "rulesetVersion" TEXT NOT NULL,
    "modelVersion" TEXT NOT NULL,
    "reasons" TEXT NOT NULL,
    "outcomes" TEXT NOT NULL,
    "riskFacts" TEXT NOT NULL,
    "facts" TEXT NOT NULL,
    "customerId" TEXT,
    "totalPrice" TEXT,
    "currency" TEXT,
    "test" BOOLEAN NOT NULL DEFAULT false,
    "orderCreatedAt" TIMESTAMP(3) NOT NULL,
    "shippingHash" TEXT,
    "guarantee" TEXT NOT NULL DEFAULT 'none',
    "guaranteeNote" TEXT,
    "screenedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OrderScreening_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StoreAction" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT NOT NULL DEFAULT '',
    "outcome" TEXT NOT NULL,
    "detail" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StoreAction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Identity" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "valueHash" TEXT NOT NULL,
    "nameHash" TEXT,
    "customerId" TEXT,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Identity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ListEntry" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "list" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "note" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ListEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Dispute" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "disputeId" TEXT NOT NULL,
    "orderId" TEXT,
    "type" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "amount" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "initiatedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Dispute_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiBudget" (
    "shop" TEXT NOT NULL,
    "available" DOUBLE PRECISION NOT NULL,
    "maximum" DOUBLE PRECISION NOT NULL,
    "restoreRate" DOUBLE PRECISION NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ApiBudget_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "Lock" (
    "name" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Lock_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "DataRequest" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "webhookId" TEXT NOT NULL,
    "data" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'ready',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DataRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "orderId" TEXT,
    "kind" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "data" TEXT,
    "actor" TEXT NOT NULL DEFAULT 'holdfast',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Job_state_runAt_idx" ON "Job"("state", "runAt");

-- CreateIndex
CREATE INDEX "Job_shop_state_idx" ON "Job"("shop", "state");

-- CreateIndex
CREATE UNIQUE INDEX "Job_shop_dedupeKey_key" ON "Job"("shop", "dedupeKey");

-- CreateIndex
CREATE INDEX "OrderScreening_shop_screenedAt_idx" ON "OrderScreening"("shop", "screenedAt");

-- CreateIndex
CREATE INDEX "OrderScreening_shop_verdict_screenedAt_idx" ON "OrderScreening"("shop", "verdict", "screenedAt");

-- CreateIndex
CREATE INDEX "OrderScreening_shop_customerId_idx" ON "OrderScreening"("shop", "customerId");

-- CreateIndex
CREATE UNIQUE INDEX "OrderScreening_shop_orderId_key" ON "OrderScreening"("shop", "orderId");

-- CreateIndex
CREATE UNIQUE INDEX "StoreAction_shop_orderId_revision_action_target_key" ON "StoreAction"("shop", "orderId", "revision", "action", "target");

-- CreateIndex
CREATE INDEX "Identity_shop_kind_valueHash_at_idx" ON "Identity"("shop", "kind", "valueHash", "at");

-- CreateIndex
CREATE INDEX "Identity_shop_orderId_idx" ON "Identity"("shop", "orderId");

-- CreateIndex
CREATE INDEX "Identity_shop_customerId_idx" ON "Identity"("shop", "customerId");

-- CreateIndex
CREATE INDEX "Identity_at_idx" ON "Identity"("at");

-- CreateIndex
CREATE UNIQUE INDEX "ListEntry_shop_list_kind_value_key" ON "ListEntry"("shop", "list", "kind", "value");

-- CreateIndex
CREATE UNIQUE INDEX "Dispute_shop_disputeId_key" ON "Dispute"("shop", "disputeId");

-- CreateIndex
CREATE UNIQUE INDEX "DataRequest_shop_webhookId_key" ON "DataRequest"("shop", "webhookId");

-- CreateIndex
CREATE INDEX "AuditEvent_shop_orderId_idx" ON "AuditEvent"("shop", "orderId");

-- CreateIndex
CREATE INDEX "AuditEvent_shop_createdAt_idx" ON "AuditEvent"("shop", "createdAt");

