// Jobs held by an instance that died are picked up again within two minutes, not graphile-worker's four hours.
//
// graphile-worker locks a job with an id (locked_by: in 0.17 its worker pool's id, `pool-...`, shared by the
// pool's worker slots) and, on its own, frees locks only once they are four hours old: it cannot tell a dead
// worker from a slow job. So each lock holder's liveness is recorded: every instance upserts a heartbeat row
// per live pool (job_worker_heartbeats; worker.ts adds and removes them) every HEARTBEAT_MS, and a sweeper
// (every instance runs one; they are idempotent) frees the jobs and queues locked by ids with no heartbeat
// for STALE_MS through the queue's own admin function, graphile_worker.force_unlock_workers.
// A job freed that way runs again: handlers are idempotent (see queue.ts). A slow job on a live worker keeps
// its lock, because its worker keeps heartbeating. The tables read (_private_jobs, _private_job_queues) are
// graphile-worker 0.17's; force_unlock_workers is its documented way to release them.
import type pg from 'pg';
import type { Logger } from '../logger.js';

export const HEARTBEAT_MS = 15_000;
export const STALE_MS = 60_000;
export const SWEEP_MS = 30_000;

export interface WorkerLiveness {
  /** A lock holder (a worker pool) started on this instance: heartbeat for it. */
  add(workerId: string): void;
  /** A lock holder stopped on this instance: stop heartbeating for it. */
  remove(workerId: string): void;
  heartbeat(): Promise<void>;
  /** Frees the locks of workers silent for staleMs; the worker ids freed. */
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
  const timers: NodeJS.Timeout[] = [];

  const liveness: WorkerLiveness = {
    add(workerId) {
      live.add(workerId);
      void liveness.heartbeat().catch(() => undefined);
    },
    remove(workerId) {
      live.delete(workerId);
    },
    async heartbeat() {
      if (live.size === 0) return;
      await pool.query(
        `INSERT INTO job_worker_heartbeats ("workerId", "instanceId", "seenAt")
         SELECT unnest($1::text[]), $2, now()
         ON CONFLICT ("workerId") DO UPDATE SET "seenAt" = now(), "instanceId" = EXCLUDED."instanceId"`,
        [[...live], instanceId],
      );
    },
    async sweep() {
      const { rows } = await pool.query<{ worker: string }>(
        `WITH locks AS (
           SELECT locked_by, locked_at FROM graphile_worker._private_jobs WHERE locked_by IS NOT NULL
           UNION ALL
           SELECT locked_by, locked_at FROM graphile_worker._private_job_queues WHERE locked_by IS NOT NULL
         )
         SELECT DISTINCT locked_by AS worker FROM locks l
         WHERE l.locked_at < now() - make_interval(secs => $1)
           AND NOT EXISTS (SELECT 1 FROM job_worker_heartbeats h WHERE h."workerId" = l.locked_by AND h."seenAt" > now() - make_interval(secs => $1))`,
        [staleSeconds],
      );
      const dead = rows.map((r) => r.worker);
      if (dead.length) {
        await pool.query('SELECT graphile_worker.force_unlock_workers($1::text[])', [dead]);
        logger.warn({ workers: dead }, 'freed jobs locked by job workers that stopped heartbeating');
      }
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
      if (ids.length)
        await pool.query(`DELETE FROM job_worker_heartbeats WHERE "workerId" = ANY($1::text[])`, [ids]).catch(() => undefined);
    },
  };
  return liveness;
}
