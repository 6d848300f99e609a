-- AlterTable
ALTER TABLE "OrderScreening" ADD COLUMN "probability" REAL;

