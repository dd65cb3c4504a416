-- AlterTable
ALTER TABLE "payment_checkouts" ADD COLUMN     "lateCheckedAt" TIMESTAMP(3);
