// The job queue's backlog as the benchmarks and the chaos driver count it: jobs still due to run. Jobs scheduled
// for later on purpose (each order's pay-window reminder and expiry, timed access: never tried, run_at ahead)
// are not a backlog; a job waiting on its retry backoff is.
//
// A shop's admin-channel jobs are in its lane (src/platform/jobs/lanes.ts: rows of lane_jobs, drained by
// "lane:drain" jobs) and go at Discord's per-channel pace, a few a second at most, so a benchmark counts them
// apart from the rest: `exceptTask` leaves the drains out of dueJobs, and laneBacklog counts a lane's jobs.
import type pg from 'pg';

export async function dueJobs(c: pg.Client, opts: { exceptTask?: string } = {}): Promise<number> {
  const except = opts.exceptTask
    ? ` AND NOT EXISTS (SELECT 1 FROM graphile_worker._private_tasks t WHERE t.id = j.task_id AND t.identifier = $1)`
    : '';
  const { rows } = await c.query<{ n: string }>(
    `SELECT count(*) AS n FROM graphile_worker._private_jobs j WHERE attempts < max_attempts AND NOT (attempts = 0 AND run_at > now())${except}`,
    opts.exceptTask ? [opts.exceptTask] : [],
  );
  return Number(rows[0]!.n);
}

/** The jobs waiting in the lanes named `lane` (every lane when none is named), of every shop; not those failed for good. */
export async function laneBacklog(c: pg.Client, lane?: string): Promise<number> {
  const { rows } = await c.query<{ n: string }>(
    'SELECT count(*) AS n FROM lane_jobs WHERE "failedAt" IS NULL AND ($1::text IS NULL OR lane = $1)',
    [lane ?? null],
  );
  return Number(rows[0]!.n);
}

/**
 * What dueJobs and laneBacklog count, one line per job (at most `limit`): its task, attempts, when it is due,
 * whether and since when a worker holds it, and its last error. For a driver that found a backlog that did not
 * drain, to say which jobs and why.
 */
export async function describeBacklog(c: pg.Client, limit = 20): Promise<string[]> {
  const { rows } = await c.query<{ line: string }>(
    `(SELECT format('%s (job %s): attempt %s of %s, due in %s s, %s; last error: %s', t.identifier, j.id, j.attempts, j.max_attempts,
        round(extract(epoch FROM j.run_at - now())),
        CASE WHEN j.locked_at IS NULL THEN 'not held' ELSE format('held by %s for %s s', j.locked_by, round(extract(epoch FROM now() - j.locked_at))) END,
        coalesce(left(j.last_error, 160), 'none')) AS line
      FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
      WHERE j.attempts < j.max_attempts AND NOT (j.attempts = 0 AND j.run_at > now())
      ORDER BY j.id LIMIT $1)
     UNION ALL
     (SELECT format('lane %s job %s (%s): attempt %s, lease %s, retry %s, lane waits %s; last error: %s', lane, id, task, attempts,
        coalesce(round(extract(epoch FROM "leasedUntil" - now()))::text || ' s', 'none'),
        coalesce('in ' || round(extract(epoch FROM "retryAt" - now()))::text || ' s', 'none'),
        coalesce(round(extract(epoch FROM "notBefore" - now()))::text || ' s', 'no'),
        coalesce(left("lastError", 160), 'none'))
      FROM lane_jobs WHERE "failedAt" IS NULL ORDER BY id LIMIT $1)`,
    [limit],
  );
  return rows.map((r) => r.line);
}
