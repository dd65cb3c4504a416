// The job queue's backlog as the benchmarks and the chaos driver count it: jobs still due to run. Jobs scheduled
// for later on purpose (each order's pay-window reminder and expiry, timed access: never tried, run_at ahead)
// are not a backlog; a job waiting on its retry backoff is.
//
// `queues` splits them by named graphile-worker queue: `{ prefix, inside: true }` counts only the jobs of the
// queues whose name starts with `prefix`, `inside: false` the others. A shop's admin-channel jobs (queue
// `discord-admin:<shard>`) go at Discord's per-channel pace, a few a second at most, so a benchmark counts them
// apart from the rest.
import type pg from 'pg';

export async function dueJobs(c: pg.Client, queues?: { prefix: string; inside: boolean }): Promise<number> {
  const inQueue = `EXISTS (SELECT 1 FROM graphile_worker._private_job_queues q WHERE q.id = j.job_queue_id AND starts_with(q.queue_name, $1))`;
  const where = queues ? ` AND ${queues.inside ? '' : 'NOT '}${inQueue}` : '';
  const { rows } = await c.query<{ n: string }>(
    `SELECT count(*) AS n FROM graphile_worker._private_jobs j WHERE attempts < max_attempts AND NOT (attempts = 0 AND run_at > now())${where}`,
    queues ? [queues.prefix] : [],
  );
  return Number(rows[0]!.n);
}
