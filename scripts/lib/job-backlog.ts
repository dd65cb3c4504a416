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
