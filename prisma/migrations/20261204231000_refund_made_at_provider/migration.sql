-- AlterTable
ALTER TABLE "refunds" ADD COLUMN     "externalRefundId" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "refunds_tenantId_externalRefundId_key" ON "refunds"("tenantId", "externalRefundId");

-- A refund made at the provider returned its money there: it is never also a by-hand to-do.
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_external_not_manual" CHECK ("externalRefundId" IS NULL OR "manualReturnMethod" IS NULL);
