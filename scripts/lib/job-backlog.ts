// The job queue's backlog as the benchmarks and the chaos driver count it: jobs still due to run. Jobs scheduled
// for later on purpose (each order's pay-window reminder and expiry, timed access: never tried, run_at ahead)
// are not a backlog; a job waiting on its retry backoff is.
import type pg from 'pg';

export async function dueJobs(c: pg.Client): Promise<number> {
  const { rows } = await c.query<{ n: string }>(
    'SELECT count(*) AS n FROM graphile_worker._private_jobs WHERE attempts < max_attempts AND NOT (attempts = 0 AND run_at > now())',
  );
  return Number(rows[0]!.n);
}
