-- When a checkout's money was first seen on its way (APPROVED or PENDING: a PayPal eCheck clearing, a BTCPay
-- invoice confirming), so the order's admin-channel post says since when ("money on its way since ..."). Set by
-- the checkout ledger only (checkout-ledger.ts); null for checkouts whose money never moved. A nullable column
-- without a default: no rewrite of payment_checkouts.
SET LOCAL lock_timeout = '5s';
ALTER TABLE "payment_checkouts" ADD COLUMN "inFlightAt" TIMESTAMP(3);
