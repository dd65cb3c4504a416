// The job worker's own connections: graphile-worker's queue statements (fetching, completing and failing
// jobs, cron), the liveness heartbeat and sweeper, the job-table vacuum. The handlers' own statements run on
// the service pool (database.ts), not here.
import pg from 'pg';
import type { Logger } from '../logger.js';

/**
 * Our own pool, not one graphile-worker makes from the connection string: its own pool is ended without being
 * awaited and its idle clients have no 'error' listener, so a database going away during shutdown (the
 * embedded one stops right after the worker) crashed the process with an unhandled 'error' event.
 *
 * `plan_cache_mode = force_generic_plan` on these connections: graphile-worker prepares its fetch-a-job
 * statement (`get_job`), but PostgreSQL kept choosing a custom plan for it, planning it again on every call
 * (0.3 ms of planning per 0.3 ms of execution, about 3,800 plans in one `npm run bench:interactions` run:
 * docs/perf/interactions.md). The generic plan is the same plan (an index scan of jobs_main_index on
 * run_at <= now(), EXPLAIN ANALYZE in that section), planned once per connection. A connection string that
 * sets `options` itself overrides this.
 */
export function createJobPool(opts: { connectionString: string; max: number; logger: Logger }): pg.Pool {
  const pool = new pg.Pool({ connectionString: opts.connectionString, max: opts.max, options: '-c plan_cache_mode=force_generic_plan' });
  pool.on('error', (err) => opts.logger.warn({ err }, 'job queue connection error'));
  pool.on('connect', (client) => client.on('error', (err) => opts.logger.warn({ err }, 'job queue connection error')));
  return pool;
}
