-- The refund sweep reads by index instead of visiting every PAID checkout of the last year each run
-- (checkouts/refund-sweep.ts; docs/perf/refund-sweep.md). "refundCheckDueAt": when a read checkout is due
-- again, written by the sweep with each read; nullable with no default (no rewrite, no backfill: the sweep
-- has not been released, so no checkout has been read yet, and a never-read one is found by the index below).
-- The lock_timeout keeps the ALTER and the index's SHARE lock from queueing every payment_checkouts query
-- behind a long transaction (docs/decisions/migrations.md, "Big tables").
SET LOCAL lock_timeout = '5s';

-- AlterTable
ALTER TABLE "payment_checkouts" ADD COLUMN     "refundCheckDueAt" TIMESTAMP(3);

-- The never-read checkouts of one provider, oldest first.
-- before deploy: CREATE INDEX CONCURRENTLY IF NOT EXISTS "payment_checkouts_state_provider_refundCheckedAt_createdAt_idx" ON "payment_checkouts"("state", "provider", "refundCheckedAt", "createdAt");
-- CreateIndex
CREATE INDEX IF NOT EXISTS "payment_checkouts_state_provider_refundCheckedAt_createdAt_idx" ON "payment_checkouts"("state", "provider", "refundCheckedAt", "createdAt");
