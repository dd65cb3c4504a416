-- A circuit breaker per webhook endpoint (src/modules/webhooks/webhook-breaker.ts, docs/decisions/outgoing-webhooks.md):
-- after failed attempts in a row the endpoint is paused, and attempts meanwhile are not sent.

-- AlterTable
ALTER TABLE "webhook_endpoints" ADD COLUMN     "consecutiveFailures" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "pausedUntil" TIMESTAMPTZ(3);
