-- A shop's lanes (src/platform/jobs/lanes.ts, docs/decisions/admin-channel-lanes.md): the jobs of one lane of
-- one shop run one at a time, in order (a failed one is retried later, the lane going on past it), drained by
-- one "lane:drain" job per shop and lane.

-- CreateTable
CREATE TABLE "lane_jobs" (
    "id" BIGSERIAL NOT NULL,
    "tenantId" TEXT NOT NULL,
    "lane" TEXT NOT NULL,
    "task" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "leasedUntil" TIMESTAMPTZ(3),
    "notBefore" TIMESTAMPTZ(3),
    "retryAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "lane_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "lane_jobs_tenantId_lane_id_idx" ON "lane_jobs"("tenantId", "lane", "id");

-- AddForeignKey
ALTER TABLE "lane_jobs" ADD CONSTRAINT "lane_jobs_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Puts a job in a shop's lane and returns when that lane's drain job is to run: now, or later while the lane
-- waits for a rate limit's reset (the "notBefore" of a row up to its next job, the first not waiting for a
-- retry). Called in the statement
-- that adds the drain job (laneJobSpec), so a job exists in the lane if and only if its transaction commits,
-- and a drain put off to a rate limit's reset is not brought forward by each new job.
CREATE FUNCTION "lane_push"(tenant_id TEXT, lane_name TEXT, task TEXT, payload JSONB) RETURNS TIMESTAMPTZ LANGUAGE plpgsql AS $$
DECLARE
  waits_until TIMESTAMPTZ;
BEGIN
  INSERT INTO "lane_jobs" ("tenantId", "lane", "task", "payload") VALUES (tenant_id, lane_name, task, payload);
  SELECT max(o."notBefore") INTO waits_until FROM "lane_jobs" o
    WHERE o."tenantId" = tenant_id AND o."lane" = lane_name AND o."id" <= (
      SELECT n."id" FROM "lane_jobs" n
      WHERE n."tenantId" = tenant_id AND n."lane" = lane_name AND (n."retryAt" IS NULL OR n."retryAt" <= now())
      ORDER BY n."id" LIMIT 1);
  RETURN greatest(now(), waits_until);
END $$;
