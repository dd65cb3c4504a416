-- A job key dedupes a lane job (src/platform/jobs/lanes.ts, docs/decisions/admin-channel-lanes.md), as
-- graphile-worker's 'preserve_run_at' mode does a job: while a job of the key waits in its shop's lane, not yet
-- started, another emit of the key adds none; the waiting job takes the new task and payload and keeps its place
-- in the lane. A job of the key that started (leased now, or run before: waiting for its retry, or failed for
-- good) has its key cleared, and the new one joins the lane behind it. A run put off by a rate limit is not a run,
-- and Retry on the Jobs page puts a failed job back with no attempts: both wait again and are joined. Rows without a
-- key (NULL) never conflict: PostgreSQL's unique indexes treat NULLs as distinct. The index is built CONCURRENTLY
-- by the runner before this transaction (docs/decisions/migrations.md, "Big tables"); the plain statement then
-- finds it and only waits for the table's SHARE lock, hence the lock_timeout.
SET LOCAL lock_timeout = '5s';

-- before deploy: CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "lane_jobs_tenantId_lane_key_key" ON "lane_jobs"("tenantId", "lane", "key");
-- CreateIndex
CREATE UNIQUE INDEX IF NOT EXISTS "lane_jobs_tenantId_lane_key_key" ON "lane_jobs"("tenantId", "lane", "key");

-- lane_push with the job's key (NULL: none). ON CONFLICT waits for a concurrent change of the row (a drain taking
-- it, another emit joining it) and reads the condition on the row as that change left it, so a job a drain took
-- in the meantime is not joined: its handler may have read what it shows already.
CREATE FUNCTION "lane_push"(tenant_id TEXT, lane_name TEXT, task TEXT, payload JSONB, job_key TEXT) RETURNS TIMESTAMPTZ LANGUAGE plpgsql AS $$
DECLARE
  waits_until TIMESTAMPTZ;
  joined BIGINT;
BEGIN
  LOOP
    INSERT INTO "lane_jobs" AS j ("tenantId", "lane", "task", "payload", "key")
      VALUES (tenant_id, lane_name, task, payload, job_key)
      ON CONFLICT ("tenantId", "lane", "key") DO UPDATE SET "task" = EXCLUDED."task", "payload" = EXCLUDED."payload"
        WHERE j."attempts" = 0 AND j."leasedUntil" IS NULL AND j."failedAt" IS NULL
      RETURNING j."id" INTO joined;
    EXIT WHEN joined IS NOT NULL;
    -- The job of this key started: it goes on as it is, without the key, and this one joins the lane behind it.
    UPDATE "lane_jobs" SET "key" = NULL WHERE "tenantId" = tenant_id AND "lane" = lane_name AND "key" = job_key;
  END LOOP;
  SELECT max(o."notBefore") INTO waits_until FROM "lane_jobs" o
    WHERE o."tenantId" = tenant_id AND o."lane" = lane_name AND o."failedAt" IS NULL AND o."id" <= (
      SELECT n."id" FROM "lane_jobs" n
      WHERE n."tenantId" = tenant_id AND n."lane" = lane_name AND n."failedAt" IS NULL
        AND (n."retryAt" IS NULL OR n."retryAt" <= now())
      ORDER BY n."id" LIMIT 1);
  RETURN greatest(now(), waits_until);
END $$;

-- The four-argument lane_push, which an instance of the previous version calls during a rolling upgrade: a job
-- with no key, by the one function above.
CREATE OR REPLACE FUNCTION "lane_push"(tenant_id TEXT, lane_name TEXT, task TEXT, payload JSONB) RETURNS TIMESTAMPTZ LANGUAGE plpgsql AS $$
BEGIN
  RETURN "lane_push"(tenant_id, lane_name, task, payload, NULL::text);
END $$;
