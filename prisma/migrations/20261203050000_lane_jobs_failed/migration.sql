-- A lane job that used up its attempts is kept, marked failed, for the panel's Jobs page (Retry, Discard), as
-- graphile-worker keeps its own failed jobs; the lane goes on past it (src/platform/jobs/lanes.ts).

-- AlterTable
ALTER TABLE "lane_jobs" ADD COLUMN "failedAt" TIMESTAMPTZ(3);

-- lane_push as before, with a failed job not the lane's next one.
CREATE OR REPLACE FUNCTION "lane_push"(tenant_id TEXT, lane_name TEXT, task TEXT, payload JSONB) RETURNS TIMESTAMPTZ LANGUAGE plpgsql AS $$
DECLARE
  waits_until TIMESTAMPTZ;
BEGIN
  INSERT INTO "lane_jobs" ("tenantId", "lane", "task", "payload") VALUES (tenant_id, lane_name, task, payload);
  SELECT max(o."notBefore") INTO waits_until FROM "lane_jobs" o
    WHERE o."tenantId" = tenant_id AND o."lane" = lane_name AND o."failedAt" IS NULL AND o."id" <= (
      SELECT n."id" FROM "lane_jobs" n
      WHERE n."tenantId" = tenant_id AND n."lane" = lane_name AND n."failedAt" IS NULL
        AND (n."retryAt" IS NULL OR n."retryAt" <= now())
      ORDER BY n."id" LIMIT 1);
  RETURN greatest(now(), waits_until);
END $$;
