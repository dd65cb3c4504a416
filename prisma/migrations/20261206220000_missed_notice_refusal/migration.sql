-- What Discord answered when it refused a customer's DM for good (docs/decisions/dm-refused.md): its HTTP status and
-- JSON error code, so the order page, the REST order and the admins' note say why the DM did not arrive. Only 50007
-- means the customer's DMs are closed; any other refusal (10013 Unknown User, 50001 Missing Access...) is kept as a
-- missed notice too since this change. Null for older rows (all of them DMs closed, 50007) and for a DM skipped
-- because the customer's DMs were known closed.
-- Nullable columns without a default: no rewrite of missed_notices.
SET LOCAL lock_timeout = '5s';
ALTER TABLE "missed_notices" ADD COLUMN IF NOT EXISTS "refusedStatus" INTEGER;
ALTER TABLE "missed_notices" ADD COLUMN IF NOT EXISTS "refusedCode" INTEGER;
