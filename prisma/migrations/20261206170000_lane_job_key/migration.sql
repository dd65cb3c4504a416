-- A lane job's key (src/platform/jobs/lanes.ts, docs/decisions/admin-channel-lanes.md): an emit's job key
-- (`jobKey>subscriber`), which dedupes a subscriber that runs in a lane as it does a graphile-worker job. Nullable
-- with no default: no rewrite, and an instance of the previous version inserts rows without it (no key). Its
-- index and the lane_push that uses it are the next migration's: an index built beforehand (CONCURRENTLY, before
-- the migration's transaction) needs the column to exist already. The lock_timeout keeps the ALTER from queueing
-- every lane_jobs query behind a long transaction (docs/decisions/migrations.md, "Big tables").
SET LOCAL lock_timeout = '5s';

-- AlterTable
ALTER TABLE "lane_jobs" ADD COLUMN "key" TEXT;
