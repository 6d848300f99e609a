-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "shopId" TEXT;

