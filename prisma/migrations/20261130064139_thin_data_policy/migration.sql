-- AlterTable
ALTER TABLE "Shop" ADD COLUMN "thinDataPolicy" TEXT;

