-- The read checkouts due again (checkouts/refund-sweep.ts), on the column the previous migration added (a
-- `before deploy` build runs before its migration's transaction, so the column had to exist first). Built
-- CONCURRENTLY by the runner before this transaction; the plain statement then finds it and only waits for
-- the table's SHARE lock, hence the lock_timeout (docs/decisions/migrations.md, "Big tables").
SET LOCAL lock_timeout = '5s';

-- before deploy: CREATE INDEX CONCURRENTLY IF NOT EXISTS "payment_checkouts_state_refundCheckDueAt_idx" ON "payment_checkouts"("state", "refundCheckDueAt");
-- CreateIndex
CREATE INDEX IF NOT EXISTS "payment_checkouts_state_refundCheckDueAt_idx" ON "payment_checkouts"("state", "refundCheckDueAt");
