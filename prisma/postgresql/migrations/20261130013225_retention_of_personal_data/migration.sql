-- AlterTable
ALTER TABLE "Job" ADD COLUMN     "minimisedAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "WebhookDelivery_status_receivedAt_idx" ON "WebhookDelivery"("status", "receivedAt");

