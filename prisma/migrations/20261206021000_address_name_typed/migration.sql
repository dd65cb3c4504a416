-- Whether a saved address's recipient name is one the customer typed. Addresses saved before the address modal
-- asked for it carry the customer's Discord name (or none): the constant default false marks every existing row so
-- (added without rewriting addresses), and picking one asks for the name first (customers/address.store.ts,
-- assertRecipientNamed). New rows default to true; the paths that still fill in the Discord name (a modal opened
-- before the name input, /order-shipping's options without `name`) write false.
SET LOCAL lock_timeout = '5s';
ALTER TABLE "addresses" ADD COLUMN "nameTyped" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "addresses" ALTER COLUMN "nameTyped" SET DEFAULT true;
