-- A provider event id is unique per payment connection (each shop's own provider account), not across them:
-- one shop's signed event must not claim an id that another shop's account will later send.
-- The new index first, so no moment is without one.

-- CreateIndex
CREATE UNIQUE INDEX "provider_webhook_events_provider_connectionId_eventId_key" ON "provider_webhook_events"("provider", "connectionId", "eventId");

-- DropIndex
DROP INDEX "provider_webhook_events_provider_eventId_key";
