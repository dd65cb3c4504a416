-- CreateEnum
CREATE TYPE "TaxTransactionKind" AS ENUM ('ORDER', 'REFUND');

-- AlterTable
ALTER TABLE "products" ADD COLUMN     "taxCode" TEXT;

-- AlterTable
ALTER TABLE "refunds" ADD COLUMN     "discountCents" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "shippingCents" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "taxCents" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "tax_transactions" (
    "id" TEXT NOT NULL DEFAULT ('taxtx_' || replace((gen_random_uuid())::text, '-', '')),
    "tenantId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "refundId" TEXT,
    "kind" "TaxTransactionKind" NOT NULL,
    "transactionId" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "filedAt" TIMESTAMP(3) NOT NULL,
    "removedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "tax_transactions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "tax_transactions_tenantId_orderId_idx" ON "tax_transactions"("tenantId", "orderId");

-- CreateIndex
CREATE UNIQUE INDEX "tax_transactions_tenantId_transactionId_key" ON "tax_transactions"("tenantId", "transactionId");

-- AddForeignKey
ALTER TABLE "tax_transactions" ADD CONSTRAINT "tax_transactions_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- TaxJar product tax codes are five digits.
ALTER TABLE "products" ADD CONSTRAINT "products_taxCode_format" CHECK ("taxCode" IS NULL OR "taxCode" ~ '^[0-9]{5}$');
-- A refund's parts are never negative.
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_parts_nonnegative" CHECK ("discountCents" >= 0 AND "shippingCents" >= 0 AND "taxCents" >= 0);
