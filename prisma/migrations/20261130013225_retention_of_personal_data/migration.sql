-- AlterTable
ALTER TABLE "Job" ADD COLUMN "minimisedAt" DATETIME;

-- CreateIndex
CREATE INDEX "WebhookDelivery_status_receivedAt_idx" ON "WebhookDelivery"("status", "receivedAt");

