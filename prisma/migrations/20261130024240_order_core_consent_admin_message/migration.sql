-- AlterTable
ALTER TABLE "order_sessions" ADD COLUMN     "reviewedQuote" JSONB;

-- AlterTable
ALTER TABLE "orders" ADD COLUMN     "adminMessageChannelId" TEXT,
ADD COLUMN     "adminMessageId" TEXT;

