-- When the provider closes a checkout by itself if nobody pays, as it said when the checkout opened (BTCPay: the
-- invoice's expirationTime), so the order's admin-channel post says when an abandoned checkout goes away
-- (checkouts/checkout-expiry.ts). Null for checkouts opened before, and where the provider says nothing (PayPal).
-- A nullable column without a default: no rewrite of payment_checkouts.
SET LOCAL lock_timeout = '5s';
ALTER TABLE "payment_checkouts" ADD COLUMN "expiresAt" TIMESTAMP(3);
