-- An API key's access level (docs/decisions/rest-api.md, "Read-only keys"): READ_WRITE, every route, as every
-- key had until now; READ_ONLY, GET routes only. Chosen when a key is created and never changed afterwards.
-- The constant default makes every existing key READ_WRITE, so each keeps working exactly as before, and an
-- instance still running the previous release (which does not name the column) keeps creating full keys.
-- api_keys is a settings table (scripts/lib/migration-lock-rules.ts SMALL_TABLES); a constant default adds
-- the column without rewriting it.
CREATE TYPE "ApiKeyAccess" AS ENUM ('READ_WRITE', 'READ_ONLY');

ALTER TABLE "api_keys" ADD COLUMN "access" "ApiKeyAccess" NOT NULL DEFAULT 'READ_WRITE';
