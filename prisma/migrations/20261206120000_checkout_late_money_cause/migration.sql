-- Why money that could not pay its order could not, in the customer's terms, as the order stood when the money
-- arrived (late-money-notice.ts lateMoneyCause): the DM sent if the provider does not return it (FLAGGED), maybe
-- days later, says the same as the first one even if the order was paid or changed since. Null for older rows
-- (their DM reads the order as it is then) and for money that paid the order.
-- A nullable column without a default: no rewrite of payment_checkouts.
SET LOCAL lock_timeout = '5s';
ALTER TABLE "payment_checkouts" ADD COLUMN "lateMoneyCause" TEXT;
