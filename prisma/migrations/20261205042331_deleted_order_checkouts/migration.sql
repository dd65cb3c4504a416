-- CreateTable
CREATE TABLE "deleted_order_checkouts" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "orderNumber" INTEGER NOT NULL,
    "connectionId" TEXT NOT NULL,
    "provider" "PaymentProvider" NOT NULL,
    "method" "PaymentMethod" NOT NULL,
    "providerCheckoutId" TEXT NOT NULL,
    "amountCents" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "state" "CheckoutState" NOT NULL,
    "providerStatus" TEXT,
    "paidAmountCents" INTEGER,
    "paymentReference" TEXT,
    "lateMoneyAction" TEXT,
    "lateCheckedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL,
    "deletedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "deleted_order_checkouts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "deleted_order_checkouts_tenantId_orderId_idx" ON "deleted_order_checkouts"("tenantId", "orderId");

-- CreateIndex
CREATE INDEX "deleted_order_checkouts_state_createdAt_idx" ON "deleted_order_checkouts"("state", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "deleted_order_checkouts_provider_providerCheckoutId_key" ON "deleted_order_checkouts"("provider", "providerCheckoutId");

-- AddForeignKey
ALTER TABLE "deleted_order_checkouts" ADD CONSTRAINT "deleted_order_checkouts_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "deleted_order_checkouts" ADD CONSTRAINT "deleted_order_checkouts_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "payment_connections"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

