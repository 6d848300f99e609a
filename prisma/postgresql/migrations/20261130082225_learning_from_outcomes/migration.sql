-- AlterTable
ALTER TABLE "OrderScreening" ADD COLUMN     "adjustmentVersion" INTEGER;

-- CreateTable
CREATE TABLE "RiskOutcome" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "actor" TEXT NOT NULL DEFAULT 'holdfast',
    "note" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RiskOutcome_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ShopModelAdjustment" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "intercept" DOUBLE PRECISION NOT NULL,
    "offsets" TEXT NOT NULL,
    "labels" INTEGER NOT NULL,
    "fraudLabels" INTEGER NOT NULL,
    "goodLabels" INTEGER NOT NULL,
    "skipped" INTEGER NOT NULL DEFAULT 0,
    "modelVersion" TEXT NOT NULL,
    "fittedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ShopModelAdjustment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RiskOutcome_shop_at_idx" ON "RiskOutcome"("shop", "at");

-- CreateIndex
CREATE UNIQUE INDEX "RiskOutcome_shop_orderId_source_key" ON "RiskOutcome"("shop", "orderId", "source");

-- CreateIndex
CREATE UNIQUE INDEX "ShopModelAdjustment_shop_version_key" ON "ShopModelAdjustment"("shop", "version");

