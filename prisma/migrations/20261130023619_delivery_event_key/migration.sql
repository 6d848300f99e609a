-- AlterTable
ALTER TABLE "WebhookDelivery" ADD COLUMN "eventKey" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "WebhookDelivery_shop_eventKey_key" ON "WebhookDelivery"("shop", "eventKey");

