-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "extendedReview" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "holdTag" TEXT,
ADD COLUMN     "shipTag" TEXT;

