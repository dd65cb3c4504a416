// graphile-worker's jobs table churns: every job is inserted, locked (an update) and deleted within seconds,
// leaving two or three dead row versions behind. Autovacuum visits a table at most once a minute
// (autovacuum_naptime) and only past 20% of it changed, so in a burst the dead versions pile up in thousands
// and every fetch of the next job (graphile-worker's get_job) wades through them: measured in
// bench:interactions, 8,600 dead rows by the end of a run, get_job 1.36 ms and 99 buffers per call, the
// largest share of PostgreSQL's time; with the table vacuumed every 5 s, 0.13 ms and 17 buffers
// (docs/perf/interactions.md, "The job table's dead rows"). Queue tables elsewhere are kept the same way
// (que, river and windmill users vacuum theirs on a timer).
//
// So a worker process vacuums the table itself every JOB_TABLE_VACUUM_SECONDS, when at least MIN_JOBS jobs
// finished since the last time (an idle shop is left to autovacuum). VACUUM takes a lock that no insert,
// update or delete waits on; SKIP_LOCKED makes a second instance's vacuum, or one during graphile-worker's
// migrations, give up at once instead of queueing. A database user that does not own the table gets a warning
// from PostgreSQL and nothing is done: autovacuum still runs.
import type pg from 'pg';
import type { Logger } from '../logger.js';

/** Jobs that must have finished since the last vacuum before another one is worth it. */
export const MIN_JOBS = 100;
const TABLES = 'graphile_worker._private_jobs, graphile_worker._private_job_queues';

export interface JobTableVacuum {
  /** A job finished (its row is deleted, or updated for a retry). */
  finished(): void;
  /** Vacuums if enough jobs finished since the last time; whether it did. */
  tick(): Promise<boolean>;
  start(): void;
  /** Stops the timer and waits for a vacuum in progress. */
  stop(): Promise<void>;
}

export function createJobTableVacuum(opts: { pool: pg.Pool; logger: Logger; everyMs: number; minJobs?: number }): JobTableVacuum {
  const minJobs = opts.minJobs ?? MIN_JOBS;
  let finished = 0;
  let running: Promise<boolean> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let failing = false;

  const vacuum = async (): Promise<boolean> => {
    const jobs = finished;
    finished = 0;
    try {
      await opts.pool.query(`VACUUM (SKIP_LOCKED) ${TABLES}`);
      failing = false;
      return true;
    } catch (err) {
      finished += jobs; // tried again at the next tick
      // Once per run of failures (a database outage would otherwise log this every few seconds).
      if (!failing) opts.logger.warn({ err }, 'could not vacuum the job table; trying again at the next tick');
      failing = true;
      return false;
    }
  };

  const self: JobTableVacuum = {
    finished() {
      finished++;
    },
    async tick() {
      if (running || finished < minJobs) return false;
      running = vacuum();
      try {
        return await running;
      } finally {
        running = undefined;
      }
    },
    start() {
      if (opts.everyMs <= 0 || timer) return;
      timer = setInterval(() => void self.tick(), opts.everyMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
  return self;
}
