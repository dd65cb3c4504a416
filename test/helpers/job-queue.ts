// Waiting for the job queue to finish its work, before checking that a job did NOT do something (sent no DM,
// changed nothing). A sleep before such a check proves nothing on a busy machine: the job may not have run yet,
// and the check passes whatever the job would have done. Jobs are added in the transaction of the change that
// causes them (platform/jobs/queue.ts), so once that change has committed, an empty queue means they ran.
import type { Db } from '../../src/platform/db/prisma.js';
import { testDb } from './db.js';
import { waitFor, type WaitOptions } from './wait-for.js';

export interface PendingJob {
  task: string;
  runAt: Date;
  attempts: number;
  locked: boolean;
  lastError: string | null;
}

/**
 * The work the queue still has to do now: graphile-worker's jobs that run, are due, or wait for a retry, and
 * the lanes' rows (lanes.ts) not given up on. Not counted: jobs that gave up (out of attempts, kept for the
 * panel's Jobs page) and jobs scheduled for later that never ran (an order's payment expiry, say).
 */
export async function pendingJobs(db: Db = testDb(), tasks?: readonly string[]): Promise<PendingJob[]> {
  const rows = await db.$queryRaw<{ task: string; run_at: Date; attempts: number; locked: boolean; last_error: string | null }[]>`
    SELECT t.identifier AS task, j.run_at, j.attempts::int AS attempts, j.locked_at IS NOT NULL AS locked, j.last_error
    FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
    WHERE j.attempts < j.max_attempts AND (j.locked_at IS NOT NULL OR j.run_at <= now() OR j.attempts > 0)
    UNION ALL
    SELECT l.task, coalesce(l."retryAt", l."notBefore", l."createdAt"), l.attempts, l."leasedUntil" IS NOT NULL, l."lastError"
    FROM lane_jobs l WHERE l."failedAt" IS NULL`;
  return rows
    .filter((r) => !tasks || tasks.includes(r.task))
    .map((r) => ({ task: r.task, runAt: r.run_at, attempts: r.attempts, locked: r.locked, lastError: r.last_error }));
}

/**
 * Waits until `pendingJobs` is empty (of `tasks`, or of every task): every job the test's changes added has run
 * to its end, so a check that one of them did nothing can fail. Needs a running worker; a job that keeps
 * failing keeps the queue busy, and the wait's error shows it (task, attempts, last error).
 */
export async function waitForJobsDone(opts: WaitOptions & { db?: Db; tasks?: readonly string[] } = {}): Promise<void> {
  let last: PendingJob[] = [];
  await waitFor(
    () => `the job queue to finish (still pending: ${JSON.stringify(last)})`,
    async () => {
      last = await pendingJobs(opts.db, opts.tasks);
      return last.length === 0;
    },
    opts,
  );
}

/**
 * Waits until each pending job of `tasks` has run at least once and is not running, and returns those still
 * queued (waiting for a retry): for a test that a job ended on its first run (a job that failed is among them,
 * with its error) without waiting through its backoff.
 */
export async function afterFirstRun(db: Db, tasks: readonly string[], opts: WaitOptions = {}): Promise<PendingJob[]> {
  let left: PendingJob[] = [];
  await waitFor(
    () => `each job to run once (still queued: ${JSON.stringify(left)})`,
    async () => {
      left = await pendingJobs(db, tasks);
      return left.every((j) => j.attempts > 0 && !j.locked);
    },
    opts,
  );
  return left;
}
