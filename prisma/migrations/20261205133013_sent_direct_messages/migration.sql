-- CreateTable
CREATE TABLE "sent_direct_messages" (
    "id" TEXT NOT NULL DEFAULT ('sdm_' || replace((gen_random_uuid())::text, '-', '')),
    "tenantId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "orderId" TEXT,
    "kind" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "sentAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sent_direct_messages_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "sent_direct_messages_tenantId_customerId_idx" ON "sent_direct_messages"("tenantId", "customerId");

-- CreateIndex
CREATE INDEX "sent_direct_messages_orderId_idx" ON "sent_direct_messages"("orderId");

-- CreateIndex
CREATE UNIQUE INDEX "sent_direct_messages_channelId_messageId_key" ON "sent_direct_messages"("channelId", "messageId");

-- AddForeignKey
ALTER TABLE "sent_direct_messages" ADD CONSTRAINT "sent_direct_messages_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sent_direct_messages" ADD CONSTRAINT "sent_direct_messages_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sent_direct_messages" ADD CONSTRAINT "sent_direct_messages_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "orders"("id") ON DELETE SET NULL ON UPDATE CASCADE;

