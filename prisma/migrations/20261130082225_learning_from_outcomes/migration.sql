-- AlterTable
ALTER TABLE "OrderScreening" ADD COLUMN "adjustmentVersion" INTEGER;

-- CreateTable
CREATE TABLE "RiskOutcome" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "actor" TEXT NOT NULL DEFAULT 'holdfast',
    "note" TEXT,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ShopModelAdjustment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "intercept" REAL NOT NULL,
    "offsets" TEXT NOT NULL,
    "labels" INTEGER NOT NULL,
    "fraudLabels" INTEGER NOT NULL,
    "goodLabels" INTEGER NOT NULL,
    "skipped" INTEGER NOT NULL DEFAULT 0,
    "modelVersion" TEXT NOT NULL,
    "fittedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "RiskOutcome_shop_at_idx" ON "RiskOutcome"("shop", "at");

-- CreateIndex
CREATE UNIQUE INDEX "RiskOutcome_shop_orderId_source_key" ON "RiskOutcome"("shop", "orderId", "source");

-- CreateIndex
CREATE UNIQUE INDEX "ShopModelAdjustment_shop_version_key" ON "ShopModelAdjustment"("shop", "version");

