-- AlterTable
ALTER TABLE "Identity" ADD COLUMN "cardHash" TEXT;

-- CreateTable
CREATE TABLE "ShopAmountBucket" (
    "shop" TEXT NOT NULL,
    "bucket" INTEGER NOT NULL,
    "count" INTEGER NOT NULL,

    PRIMARY KEY ("shop", "bucket")
);

