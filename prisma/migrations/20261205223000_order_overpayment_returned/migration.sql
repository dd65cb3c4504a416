-- What of an order's overpayment (received beyond its total) the shop marked as sent back to the customer: the
-- panel's "Mark overpayment returned" (modules/payments/return-overpayment.command.ts), so the order no longer
-- shows that money as still owed. A constant default adds the column without rewriting orders; an instance
-- still running the previous release does not name it and keeps writing 0 on new orders.
-- The CHECK is NOT VALID (migration-lock-rules: no scan of orders under the lock); the existing rows are all 0.
SET LOCAL lock_timeout = '5s';

ALTER TABLE "orders" ADD COLUMN "overpaymentReturnedCents" INTEGER NOT NULL DEFAULT 0,
  ADD CONSTRAINT "orders_overpayment_returned_cents_check" CHECK ("overpaymentReturnedCents" >= 0) NOT VALID;
