-- CreateTable
CREATE TABLE "Job" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 8,
    "runAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseOwner" TEXT,
    "leaseExpiresAt" DATETIME,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "finishedAt" DATETIME
);

-- CreateTable
CREATE TABLE "OrderScreening" (
    "id" TEXT NOT NULL PRIMARY KEY,
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
    "orderCreatedAt" DATETIME NOT NULL,
    "shippingHash" TEXT,
    "guarantee" TEXT NOT NULL DEFAULT 'none',
    "guaranteeNote" TEXT,
    "screenedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "StoreAction" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT NOT NULL DEFAULT '',
    "outcome" TEXT NOT NULL,
    "detail" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Identity" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "valueHash" TEXT NOT NULL,
    "nameHash" TEXT,
    "customerId" TEXT,
    "at" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ListEntry" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "list" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "note" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Dispute" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "disputeId" TEXT NOT NULL,
    "orderId" TEXT,
    "type" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "amount" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "initiatedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ApiBudget" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "available" REAL NOT NULL,
    "maximum" REAL NOT NULL,
    "restoreRate" REAL NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0
);

-- CreateTable
CREATE TABLE "Lock" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "owner" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "DataRequest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "webhookId" TEXT NOT NULL,
    "data" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'ready',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "orderId" TEXT,
    "kind" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "data" TEXT,
    "actor" TEXT NOT NULL DEFAULT 'holdfast',
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
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Shop" ("createdAt", "installedAt", "scopes", "shop", "uninstalledAt", "updatedAt") SELECT "createdAt", "installedAt", "scopes", "shop", "uninstalledAt", "updatedAt" FROM "Shop";
DROP TABLE "Shop";
ALTER TABLE "new_Shop" RENAME TO "Shop";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

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

