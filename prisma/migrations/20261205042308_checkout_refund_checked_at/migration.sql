-- The refund sweep's "last read at the provider" (checkouts/refund-sweep.ts). A nullable column with no
-- default: no rewrite and no backfill (null is "never read"); the lock_timeout keeps the ALTER from queueing
-- every payment_checkouts query behind a long transaction (docs/decisions/migrations.md, "Big tables").
SET LOCAL lock_timeout = '5s';

-- AlterTable
ALTER TABLE "payment_checkouts" ADD COLUMN     "refundCheckedAt" TIMESTAMP(3);
