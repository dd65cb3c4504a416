-- When the reconciliation last took an open checkout to ask its provider about it (checkouts/reconcile-reads.ts):
-- each run takes the least recently taken first, so checkouts whose reads keep failing, or that stay open for days,
-- no longer fill every run ahead of newer ones. A nullable column with no default: no rewrite and no backfill (null
-- is "never taken", first in line); the lock_timeout keeps the ALTER from queueing every payment_checkouts query
-- behind a long transaction (docs/decisions/migrations.md, "Big tables").
-- No index: the run reads the open checkouts only (CREATING/OPEN/APPROVED/PENDING, found by the existing
-- (state, createdAt) index), a small set since every open checkout closes within days (its window, PayPal's 404,
-- an eCheck clearing within a week), and sorts those few by this column. An index holding the column would turn
-- each of the run's writes of it (up to 200 a run) into an index update too (no HOT update), for no better plan.
SET LOCAL lock_timeout = '5s';

-- AlterTable
ALTER TABLE "payment_checkouts" ADD COLUMN IF NOT EXISTS "reconcileCheckedAt" TIMESTAMP(3);
