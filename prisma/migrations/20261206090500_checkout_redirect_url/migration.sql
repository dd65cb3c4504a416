-- Where the provider sends the buyer to pay a checkout (PayPal's payer-action link, BTCPay's checkoutLink), as it
-- answered the create, so a second press of Pay (a double tap) is sent where the first was instead of being told the
-- payment is being opened (checkouts/double-tap.ts). Null for Square and for checkouts opened before.
-- A nullable column without a default: no rewrite of payment_checkouts.
SET LOCAL lock_timeout = '5s';
ALTER TABLE "payment_checkouts" ADD COLUMN "redirectUrl" TEXT;
