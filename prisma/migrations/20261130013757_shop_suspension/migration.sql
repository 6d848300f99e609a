-- AlterTable
ALTER TABLE "Shop" ADD COLUMN "suspendedAt" DATETIME;
ALTER TABLE "Shop" ADD COLUMN "suspendedReason" TEXT;

