// The job queue as an operator sees it (the panel's Jobs page and the metrics): the backlog per task, the jobs
// that used up their attempts with their last error, and Retry / Discard for one of those. graphile-worker's own SQL
// functions do the writes (reschedule_jobs, complete_jobs): both skip a job a worker holds right now. The shops'
// lanes (lanes.ts) keep their failed jobs too, listed with ids `lane:<id>` and retried or discarded there.
import type { Prisma } from '../db/prisma.js';
import { discardFailedLaneJobSql, failedLaneJobsSql, laneJobId, laneRowId, retryFailedLaneJobSql } from './lanes.js';

export interface BacklogRow {
  task: string;
  waiting: number;
  failed: number;
  oldestWaitingSeconds: number;
}
export interface FailedJob {
  id: string;
  task: string;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Runs one parameterised statement and returns its rows (Prisma's $queryRawUnsafe, or a pg pool's query). */
export type RowQuery = <T>(text: string, params?: unknown[]) => Promise<T[]>;

export function createJobAdmin(query: RowQuery) {
  const run = <T>(statement: Prisma.Sql) => query<T>(statement.text, statement.values);
  const isFailed = async (jobId: string) => {
    if (!/^\d{1,18}$/.test(jobId)) return false;
    const rows = await query<{ failed: boolean }>(
      'SELECT attempts >= max_attempts AS failed FROM graphile_worker.jobs WHERE id = $1::bigint',
      [jobId],
    );
    return rows[0]?.failed === true;
  };
  return {
    /** graphile-worker's jobs, and the jobs in the shops' lanes (lanes.ts) under their own tasks. */
    async backlog(): Promise<BacklogRow[]> {
      const rows = await query<{ task: string; waiting: number; failed: number; oldest: number }>(`
        SELECT task_identifier AS task,
               count(*) FILTER (WHERE attempts < max_attempts)::int AS waiting,
               count(*) FILTER (WHERE attempts >= max_attempts)::int AS failed,
               coalesce(extract(epoch FROM now() - min(created_at) FILTER (WHERE attempts < max_attempts)), 0)::float8 AS oldest
          FROM graphile_worker.jobs GROUP BY task_identifier
        UNION ALL
        SELECT task, count(*) FILTER (WHERE "failedAt" IS NULL)::int, count(*) FILTER (WHERE "failedAt" IS NOT NULL)::int,
               coalesce(extract(epoch FROM now() - min("createdAt") FILTER (WHERE "failedAt" IS NULL)), 0)::float8
          FROM lane_jobs GROUP BY task
        ORDER BY task`);
      return rows.map((r) => ({
        task: r.task,
        waiting: Number(r.waiting),
        failed: Number(r.failed),
        oldestWaitingSeconds: Math.round(Number(r.oldest)),
      }));
    },

    async failed(limit = 50): Promise<FailedJob[]> {
      const rows = await query<{
        id: string;
        task: string;
        attempts: number;
        max_attempts: number;
        last_error: string | null;
        created_at: Date;
        updated_at: Date;
      }>(
        `
        SELECT id::text, task_identifier AS task, attempts, max_attempts, last_error, created_at, updated_at
          FROM graphile_worker.jobs WHERE attempts >= max_attempts ORDER BY updated_at DESC LIMIT $1::int`,
        [limit],
      );
      rows.push(...(await run<(typeof rows)[number]>(failedLaneJobsSql(limit))).map((r) => ({ ...r, id: laneJobId(r.id) })));
      rows.sort((a, b) => b.updated_at.getTime() - a.updated_at.getTime());
      rows.splice(limit);
      return rows.map((r) => ({
        id: r.id,
        task: r.task,
        attempts: Number(r.attempts),
        maxAttempts: Number(r.max_attempts),
        // Bounded: an error can carry a whole upstream body.
        lastError: r.last_error ? r.last_error.slice(0, 2000) : null,
        createdAt: r.created_at.toISOString(),
        updatedAt: r.updated_at.toISOString(),
      }));
    },

    /** Runs a failed job again now, with a fresh set of attempts. False when it is not a failed job (any more). */
    async retry(jobId: string): Promise<boolean> {
      const laneRow = laneRowId(jobId);
      if (laneRow) return (await run(retryFailedLaneJobSql(laneRow))).length > 0;
      if (!(await isFailed(jobId))) return false;
      return (
        (await query('SELECT id FROM graphile_worker.reschedule_jobs(ARRAY[$1::bigint], run_at => now(), attempts => 0)', [jobId])).length >
        0
      );
    },

    /** Deletes a failed job for good. False when it is not a failed job (any more). */
    async discard(jobId: string): Promise<boolean> {
      const laneRow = laneRowId(jobId);
      if (laneRow) return (await run(discardFailedLaneJobSql(laneRow))).length > 0;
      if (!(await isFailed(jobId))) return false;
      return (await query('SELECT id FROM graphile_worker.complete_jobs(ARRAY[$1::bigint])', [jobId])).length > 0;
    },
  };
}

export type JobAdmin = ReturnType<typeof createJobAdmin>;
