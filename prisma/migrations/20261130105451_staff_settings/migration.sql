-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Shop" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "installedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" DATETIME,
    "scopes" TEXT,
    "holdThreshold" INTEGER,
    "autoCancel" BOOLEAN NOT NULL DEFAULT false,
    "autoCancelScore" INTEGER NOT NULL DEFAULT 970,
    "typicalValueLog" REAL,
    "ordersWatermark" DATETIME,
    "disputesWatermark" DATETIME,
    "reconciledAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "shopId" TEXT,
    "suspendedAt" DATETIME,
    "suspendedReason" TEXT,
    "feeRate" TEXT,
    "coverNotReceived" BOOLEAN NOT NULL DEFAULT false,
    "evidenceSubmitDays" INTEGER,
    "subscriptionId" TEXT,
    "subscriptionItemId" TEXT,
    "subscriptionStatus" TEXT,
    "confirmationUrl" TEXT,
    "billingCurrency" TEXT,
    "cappedAmount" TEXT,
    "chargingPausedAt" DATETIME,
    "chargingPausedReason" TEXT,
    "thinDataPolicy" TEXT,
    "ianaTimezone" TEXT,
    "shipTag" TEXT,
    "holdTag" TEXT,
    "extendedReview" BOOLEAN NOT NULL DEFAULT false
);
INSERT INTO "new_Shop" ("autoCancel", "autoCancelScore", "billingCurrency", "cappedAmount", "chargingPausedAt", "chargingPausedReason", "confirmationUrl", "coverNotReceived", "createdAt", "disputesWatermark", "evidenceSubmitDays", "feeRate", "holdThreshold", "ianaTimezone", "installedAt", "ordersWatermark", "reconciledAt", "scopes", "shop", "shopId", "subscriptionId", "subscriptionItemId", "subscriptionStatus", "suspendedAt", "suspendedReason", "thinDataPolicy", "typicalValueLog", "uninstalledAt", "updatedAt") SELECT "autoCancel", "autoCancelScore", "billingCurrency", "cappedAmount", "chargingPausedAt", "chargingPausedReason", "confirmationUrl", "coverNotReceived", "createdAt", "disputesWatermark", "evidenceSubmitDays", "feeRate", "holdThreshold", "ianaTimezone", "installedAt", "ordersWatermark", "reconciledAt", "scopes", "shop", "shopId", "subscriptionId", "subscriptionItemId", "subscriptionStatus", "suspendedAt", "suspendedReason", "thinDataPolicy", "typicalValueLog", "uninstalledAt", "updatedAt" FROM "Shop";
DROP TABLE "Shop";
ALTER TABLE "new_Shop" RENAME TO "Shop";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

