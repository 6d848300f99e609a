-- AlterTable
ALTER TABLE "OrderScreening" ADD COLUMN     "probability" DOUBLE PRECISION;

