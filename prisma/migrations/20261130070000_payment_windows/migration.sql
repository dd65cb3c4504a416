-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "paymentWindowMinutes" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "orders" ADD COLUMN     "paymentDueAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "orders_status_paymentDueAt_idx" ON "orders"("status", "paymentDueAt");

