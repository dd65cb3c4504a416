// Jobs held by an instance that died are picked up again within two minutes, not graphile-worker's four hours.
//
// graphile-worker locks a job (and its named queue) with its worker pool's id (locked_by, `pool-...` in 0.17)
// and a time (locked_at); on its own it frees a lock only once it is four hours old: it cannot tell a dead
// worker from a slow job. So every instance refreshes the locked_at of the jobs its pool is running (and of
// their queues) every HEARTBEAT_MS, and a sweeper (every instance runs one; they are idempotent) frees every
// lock older than STALE_MS: a lock nobody refreshes is held by nobody. That covers an instance that died
// (killed, its host gone) and a job whose outcome could not be recorded (graphile-worker 0.17 does not await
// that write: when the database connection breaks under it, the job stays locked by the pool, which lives
// on). A slow job on a live instance keeps its lock. A job freed this way runs again: handlers are
// idempotent (see queue.ts). The pool's row in job_worker_heartbeats says which instances run workers
// (diagnostics). The tables touched (_private_jobs, _private_job_queues) are graphile-worker 0.17's.
import type pg from 'pg';
import type { Logger } from '../logger.js';

export const HEARTBEAT_MS = 15_000;
export const STALE_MS = 60_000;
export const SWEEP_MS = 30_000;

export interface WorkerLiveness {
  /** A worker pool started on this instance: heartbeat for it. */
  add(workerId: string): void;
  /** A worker pool stopped on this instance: stop heartbeating for it. */
  remove(workerId: string): void;
  /** A slot of this instance's pool `lockedBy` started running a job: keep its locks fresh. */
  running(job: { id: string; queueId: number | null; lockedBy: string }): void;
  /** The job's handler finished (its outcome is being recorded): stop refreshing its locks. */
  finished(jobId: string): void;
  /** Refreshes the locks of the jobs running here and the pools' heartbeat rows. */
  heartbeat(): Promise<void>;
  /** Frees every job and queue lock older than staleMs; the lock holders whose locks were freed. */
  sweep(): Promise<string[]>;
  start(): void;
  /** Stops the timers and deletes this instance's heartbeat rows. */
  stop(): Promise<void>;
}

export function createWorkerLiveness(opts: {
  pool: pg.Pool;
  instanceId: string;
  logger: Logger;
  staleMs?: number;
  heartbeatMs?: number;
  sweepMs?: number;
}): WorkerLiveness {
  const { pool, instanceId, logger } = opts;
  const staleSeconds = (opts.staleMs ?? STALE_MS) / 1000;
  const live = new Set<string>();
  const jobs = new Map<string, { queueId: number | null; lockedBy: string }>();
  const timers: NodeJS.Timeout[] = [];

  const liveness: WorkerLiveness = {
    add(workerId) {
      live.add(workerId);
      void liveness.heartbeat().catch(() => undefined);
    },
    remove(workerId) {
      live.delete(workerId);
    },
    running(job) {
      jobs.set(job.id, { queueId: job.queueId, lockedBy: job.lockedBy });
    },
    finished(jobId) {
      jobs.delete(jobId);
    },
    async heartbeat() {
      if (jobs.size > 0) {
        const held = [...jobs];
        await pool.query(
          `WITH held AS (
             SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[]) AS h(job_id, queue_id, locked_by)
           ), job_locks AS (
             UPDATE graphile_worker._private_jobs j SET locked_at = now() FROM held h WHERE j.id = h.job_id AND j.locked_by = h.locked_by
           )
           UPDATE graphile_worker._private_job_queues q SET locked_at = now() FROM held h WHERE q.id = h.queue_id AND q.locked_by = h.locked_by`,
          [held.map(([id]) => id), held.map(([, j]) => j.queueId), held.map(([, j]) => j.lockedBy)],
        );
      }
      if (live.size === 0) return;
      await pool.query(
        `INSERT INTO job_worker_heartbeats ("workerId", "instanceId", "seenAt")
         SELECT unnest($1::text[]), $2, now()
         ON CONFLICT ("workerId") DO UPDATE SET "seenAt" = now(), "instanceId" = EXCLUDED."instanceId"`,
        [[...live], instanceId],
      );
    },
    async sweep() {
      // Row by row, skipping rows another sweeper (or graphile-worker) holds right now; the holder freed is
      // read before the update clears it.
      const { rows } = await pool.query<{ worker: string }>(
        `WITH stale_jobs AS (
           SELECT id, locked_by FROM graphile_worker._private_jobs
           WHERE locked_by IS NOT NULL AND locked_at < now() - make_interval(secs => $1) FOR UPDATE SKIP LOCKED
         ), freed_jobs AS (
           UPDATE graphile_worker._private_jobs j SET locked_at = NULL, locked_by = NULL FROM stale_jobs s WHERE j.id = s.id
           RETURNING s.locked_by
         ), stale_queues AS (
           SELECT id, locked_by FROM graphile_worker._private_job_queues
           WHERE locked_by IS NOT NULL AND locked_at < now() - make_interval(secs => $1) FOR UPDATE SKIP LOCKED
         ), freed_queues AS (
           UPDATE graphile_worker._private_job_queues q SET locked_at = NULL, locked_by = NULL FROM stale_queues s WHERE q.id = s.id
           RETURNING s.locked_by
         )
         SELECT DISTINCT locked_by AS worker FROM (SELECT locked_by FROM freed_jobs UNION ALL SELECT locked_by FROM freed_queues) f`,
        [staleSeconds],
      );
      const dead = rows.map((r) => r.worker);
      if (dead.length)
        logger.warn({ workers: dead }, 'freed job locks that nobody refreshed (a dead instance, or an outcome not recorded)');
      await pool.query(`DELETE FROM job_worker_heartbeats WHERE "seenAt" < now() - make_interval(secs => $1 * 10)`, [staleSeconds]);
      return dead;
    },
    start() {
      const every = (ms: number, fn: () => Promise<unknown>, what: string) => {
        const t = setInterval(() => void fn().catch((err: unknown) => logger.warn({ err }, `job worker ${what} failed; will retry`)), ms);
        t.unref();
        timers.push(t);
      };
      every(opts.heartbeatMs ?? HEARTBEAT_MS, () => liveness.heartbeat(), 'heartbeat');
      // Jittered so instances started together do not sweep in lockstep.
      every((opts.sweepMs ?? SWEEP_MS) + Math.floor(Math.random() * 5_000), () => liveness.sweep(), 'sweep');
    },
    async stop() {
      for (const t of timers) clearInterval(t);
      timers.length = 0;
      const ids = [...live];
      live.clear();
      jobs.clear();
      if (ids.length)
        await pool.query(`DELETE FROM job_worker_heartbeats WHERE "workerId" = ANY($1::text[])`, [ids]).catch(() => undefined);
    },
  };
  return liveness;
}
