-- A provider event id is unique per payment connection (each shop's own provider account), not across them:
-- one shop's signed event must not claim an id that another shop's account will later send.
-- The new index first, so no moment is without one. Built CONCURRENTLY by the runner before this transaction
-- (docs/decisions/migrations.md, "Big tables"); the plain statement then finds it and only waits for the table's
-- SHARE lock, hence the lock_timeout.
SET LOCAL lock_timeout = '5s';

-- before deploy: CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "provider_webhook_events_provider_connectionId_eventId_key" ON "provider_webhook_events"("provider", "connectionId", "eventId");
-- CreateIndex
CREATE UNIQUE INDEX IF NOT EXISTS "provider_webhook_events_provider_connectionId_eventId_key" ON "provider_webhook_events"("provider", "connectionId", "eventId");

-- DropIndex
DROP INDEX "provider_webhook_events_provider_eventId_key";
