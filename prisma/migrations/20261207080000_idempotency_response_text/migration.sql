-- An Idempotency-Key's replay answers the bytes the first request was answered (docs/decisions/rest-api.md): the
-- body's text is kept beside the jsonb, which reorders keys. The jsonb stays, written too, for an instance of the
-- previous release during a rolling deploy (it replays responseBody); rows it keeps have no text and are replayed
-- from their jsonb. A nullable column without a default: no rewrite of idempotency_keys.
SET LOCAL lock_timeout = '5s';
ALTER TABLE "idempotency_keys" ADD COLUMN IF NOT EXISTS "responseText" TEXT;
