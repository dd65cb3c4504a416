// Lanes: a shop's jobs of one kind that run one at a time, in order, without a graphile-worker named queue
// (docs/decisions/admin-channel-lanes.md). For jobs that share an outside rate limit per shop (its admin
// channel: Discord lets a channel take 5 messages per 5 s).
//
// - A subscriber with a `lane` gets no job of its own: its event puts a row in `lane_jobs` (lane_push, in the
//   emitting statement, so the row exists if and only if the change committed) and adds the lane's drain job,
//   one per shop and lane (job key `lane:drain:<lane>:<tenant>`).
// - The drain takes the lane's next job (its first row not waiting for a retry) under a lease, runs the
//   subscriber's handler, deletes the row, and goes on, up to DRAIN_BATCH rows a run. Two drains of one lane
//   never run its jobs at once: the lease is taken by one conditional UPDATE of the row.
// - A handler that meets a rate limit (what `waitFor` reads off its error: Discord's, as @discordjs/rest
//   rejects inside a lane, see insideLane) ends the run: the whole lane waits until the limit's reset (the
//   row's notBefore) and its drain is added to run then. The worker slot is free meanwhile, and other shops'
//   lanes go on.
// - A job that fails is retried after graphile-worker's backoff (exp(attempts) s, its row's retryAt), and the
//   lane goes on past it meanwhile, so one job that keeps failing does not hold up the shop's others for hours;
//   after LANE_MAX_ATTEMPTS it is kept as failed (failedAt), out of the lane's way, for the panel's Jobs page to
//   retry or discard (retryFailedLaneJobSql, discardFailedLaneJobSql), as graphile-worker keeps its own.
// - A drain that dies, or whose release of the row is lost (its connection broke), leaves its lease; the next
//   drain of the lane (its job freed by the worker liveness sweep, or the next event's) waits for the lease to
//   run out and takes the row again. The lease is the job worker's staleness (JOB_WORKER_STALE_SECONDS, as a
//   graphile-worker job's lock), renewed while the handler runs, so a slow handler keeps its row and a dead
//   drain holds its shop's lane no longer than a dead worker holds its jobs.
// - A drain job is disposable; the lane's rows are the work. When a drain is added while one runs (a new job
//   in the lane, or the drain scheduling its successor), graphile-worker takes the key from the running one
//   and marks it as on its last attempt, so if that one then fails or its process dies, it shows as a job
//   that gave up. The sweep (LANE_SWEEP_TASK, every minute) deletes drains that gave up and gives every lane
//   that has jobs and no drain a new one, so no lane is left without (after an operator discarded its drain,
//   or a drain out of attempts while the database was down).
// - A job key (an emit's `jobKey`, as `jobKey>subscriber`: queue.ts) dedupes a lane job as graphile-worker's
//   'preserve_run_at' mode does a job: while a job of the key waits in the shop's lane, not yet started, another
//   emit of the key adds none; the waiting job takes the new task and payload and keeps its place (its id, the
//   lane's order), so repeated emits neither push it back behind later jobs nor run ahead of the jobs before it.
//   It runs after the emitting change committed (the emit's upsert holds the row until then), so its handler
//   reads what that change wrote. A job of the key that started (leased, waiting for its retry after a failed
//   run, failed for good) is left as it is, its key cleared, and the new one joins the lane behind it
//   (graphile-worker: a locked job). A run put off by the shop's rate limit is not an attempt, and Retry on the
//   Jobs page (retryFailedLaneJobSql) puts a failed job back with none: either waits again, keeps its key and is
//   joined.
// - Handlers run at least once, so they must be idempotent (the admin posts are, by their delivery keys).
//
// Unlike a named queue, a lane costs nothing once empty: graphile-worker's job fetch locks every idle queue
// row on each fetch, so a queue per shop made every fetch dearer with each shop; a lane is rows of one table.
import { AsyncLocalStorage } from 'node:async_hooks';
import { Prisma } from '../db/prisma.js';
import { executeSql, type SqlRunner, type SqlTarget } from '../db/sql.js';
import type { Logger } from '../logger.js';
import { z } from 'zod';
import { jobSpecSql, type EventBus, type JobHandler, type JobLane, type JobSpec } from './queue.js';
import { STALE_MS } from './worker-liveness.js';

export const LANE_DRAIN_TASK = 'lane:drain';
/** Every minute: drains that gave up are deleted, and every lane with jobs and no drain gets one. */
export const LANE_SWEEP_TASK = 'lane:sweep';
/** A lane job's runs before it is dropped (as the other jobs: queue.ts DEFAULT_MAX_ATTEMPTS). */
export const LANE_MAX_ATTEMPTS = 12;
/** How long a drain's lease on the row it runs lasts unless renewed, by default (the job worker's STALE_MS). */
export const LANE_LEASE_MS = STALE_MS;
/** Rows one drain run takes before it hands over to a new run (so a stopping worker is not held up long). */
export const DRAIN_BATCH = 20;

const drainPayload = z.object({ tenantId: z.string().min(1), lane: z.string().min(1) });

/** The drain job's key for a shop's lane. */
export function laneDrainKey(lane: string, tenantId: string): string {
  return `${LANE_DRAIN_TASK}:${lane}:${tenantId}`;
}

/**
 * A job of `task` in the lane of the shop named by `payload` (a JSON SQL expression with a tenantId), as the
 * JobSpec of the lane's drain: evaluating it puts the job in the lane (lane_push), and the drain it adds runs
 * now, or when the lane's wait ends. One add_jobs call must not hold two of one shop's lane (one key twice).
 * `key` (a string or a text SQL expression): while a job of that key waits in the shop's lane, not yet started,
 * this one is not added; the waiting job takes its task and payload and keeps its place (see the file's head).
 */
export function laneJobSpec(lane: string, task: string, payload: Prisma.Sql, key?: string | Prisma.Sql): JobSpec {
  const tenant = Prisma.sql`((${payload})::json->>'tenantId')`;
  const jobKey = typeof key === 'object' ? Prisma.sql`(${key})` : Prisma.sql`${key ?? null}`;
  return jobSpecSql(LANE_DRAIN_TASK, Prisma.sql`json_build_object('tenantId', ${tenant}, 'lane', ${lane}::text)`, {
    jobKey: Prisma.sql`${`${LANE_DRAIN_TASK}:${lane}:`}::text || ${tenant}`,
    runAt: Prisma.sql`lane_push(${tenant}, ${lane}::text, ${task}::text, (${payload})::jsonb, ${jobKey}::text)`,
  });
}

/**
 * Puts a job of the plain task `task` (not an event's subscriber: those join by their `lane`) in the lane of the
 * shop `payload.tenantId`, in the caller's transaction: the job is in the lane if and only if the transaction
 * commits, and the lane's drain runs when the lane is free.
 */
export async function enqueueInLane(
  tx: SqlTarget,
  lane: JobLane,
  task: string,
  payload: { tenantId: string } & Record<string, unknown>,
): Promise<void> {
  const { spec } = lane.jobSpec(task, Prisma.sql`${JSON.stringify(payload)}::json`);
  await executeSql(tx, Prisma.sql`SELECT count(*) FROM graphile_worker.add_jobs(ARRAY[${spec}])`);
}

/**
 * The lane's next job (`alias.id`): its first row not waiting for a retry (nor failed for good). The lane runs it
 * unless a row up to it is leased (a drain runs it) or waits for a rate limit's reset.
 */
function nextJobSql(tenant: Prisma.Sql, lane: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`SELECT n.id FROM lane_jobs n WHERE n."tenantId" = ${tenant} AND n.lane = ${lane} AND n."failedAt" IS NULL
    AND (n."retryAt" IS NULL OR n."retryAt" <= now()) ORDER BY n.id LIMIT 1`;
}

/**
 * When the lane can run a job next (a timestamptz; null when it has no job but failed ones): when the lease or
 * rate-limit wait of the rows up to its next job ends, or, when every job waits for a retry, when the first retry
 * is due.
 */
function laneFreeAtSql(tenant: Prisma.Sql, lane: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(SELECT CASE WHEN nx.id IS NOT NULL
      THEN (SELECT greatest(now(), max(greatest(o."leasedUntil", o."notBefore"))) FROM lane_jobs o
            WHERE o."tenantId" = ${tenant} AND o.lane = ${lane} AND o."failedAt" IS NULL AND o.id <= nx.id)
      ELSE (SELECT min(o."retryAt") FROM lane_jobs o WHERE o."tenantId" = ${tenant} AND o.lane = ${lane} AND o."failedAt" IS NULL) END
    FROM (SELECT (${nextJobSql(tenant, lane)}) AS id) nx)`;
}

/**
 * graphile_worker.add_job of the drain of the lane (`tenant` and `lane`: text SQL expressions), replacing a
 * pending one (one per lane, by its key), to run when the lane can run a job next (laneFreeAtSql), and no
 * sooner than `atLeastMs` from now. Read in the same statement, so of two drains scheduling at once, the
 * later statement sees what the other wrote.
 */
function addDrainSql(tenant: Prisma.Sql, lane: Prisma.Sql, atLeastMs: number): Prisma.Sql {
  return Prisma.sql`graphile_worker.add_job(
      ${LANE_DRAIN_TASK}::text,
      json_build_object('tenantId', ${tenant}, 'lane', ${lane}),
      run_at => greatest(now() + make_interval(secs => ${atLeastMs / 1000}), ${laneFreeAtSql(tenant, lane)}),
      max_attempts => ${LANE_MAX_ATTEMPTS}::int,
      job_key => ${`${LANE_DRAIN_TASK}:`}::text || ${lane} || ':' || ${tenant})`;
}

/**
 * Whether the shop `tenant` (a text SQL expression) has a lane job of a subscriber of `event` about `orderId` (a
 * text SQL expression; the payload's orderId) not yet done or dropped: an SQL boolean. A job's row is deleted only
 * after its handler's writes committed, so a statement sees either the row or what the handler wrote.
 */
export function orderLaneJobPendingSql(tenant: Prisma.Sql, event: string, orderId: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`EXISTS (SELECT 1 FROM lane_jobs l WHERE l."tenantId" = ${tenant} AND l.task LIKE ${`${event}>%`}
    AND l.payload->>'orderId' = ${orderId})`;
}

/** How a lane job's id reads where graphile-worker's jobs are listed too (the Jobs page, a handler's JobContext). */
export const laneJobId = (id: string | bigint) => `lane:${id}`;

/** The row id in a laneJobId; undefined for any other id. */
export function laneRowId(jobId: string): string | undefined {
  return /^lane:(\d{1,18})$/.exec(jobId)?.[1];
}

/**
 * The lane jobs failed for good, newest first, in the columns the Jobs page lists failed jobs in (id is the row's:
 * laneJobId makes it the page's; updatedAt is when it failed).
 */
export function failedLaneJobsSql(limit: number): Prisma.Sql {
  return Prisma.sql`SELECT id::text AS id, task, attempts, ${LANE_MAX_ATTEMPTS}::int AS max_attempts, "lastError" AS last_error,
      "createdAt" AS created_at, "failedAt" AS updated_at
    FROM lane_jobs WHERE "failedAt" IS NOT NULL ORDER BY "failedAt" DESC, id DESC LIMIT ${limit}::int`;
}

/**
 * Puts a lane job failed for good (row `id`) back in its lane with fresh attempts, and adds the lane's drain. It
 * keeps its place: ahead of the lane's later jobs. One row when it was a failed job; none otherwise (any more).
 */
export function retryFailedLaneJobSql(id: string): Prisma.Sql {
  return Prisma.sql`WITH back AS (
      UPDATE lane_jobs SET "failedAt" = NULL, attempts = 0, "retryAt" = NULL, "notBefore" = NULL
      WHERE id = ${id}::bigint AND "failedAt" IS NOT NULL RETURNING id, "tenantId", lane)
    SELECT back.id::text AS id, ${addDrainSql(Prisma.sql`back."tenantId"`, Prisma.sql`back.lane`, 0)} AS drain FROM back`;
}

/** Deletes a lane job failed for good (row `id`). One row when it was one; none otherwise (any more). */
export function discardFailedLaneJobSql(id: string): Prisma.Sql {
  return Prisma.sql`DELETE FROM lane_jobs WHERE id = ${id}::bigint AND "failedAt" IS NOT NULL RETURNING id::text AS id`;
}

/** A lane named `name` (a subscriber's `lane`). */
export function defineLane(name: string): JobLane {
  if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`A lane's name is lowercase letters, digits and dashes: ${name}`);
  return { name, jobSpec: (task, payload, key) => laneJobSpec(name, task, payload, key) };
}

const lane = new AsyncLocalStorage<true>();

/** True inside a lane job's handler: a rate limit there must be thrown (and the lane wait), not waited out. */
export function insideLane(): boolean {
  return lane.getStore() === true;
}

/** Runs `fn` as a lane job's handler runs (insideLane() is true in it). */
export function inLane<T>(fn: () => Promise<T>): Promise<T> {
  return lane.run(true, fn);
}

export interface LaneDrainDeps {
  sql: SqlRunner;
  logger: Logger;
  /** The milliseconds to wait when `err` is a rate limit (the lane waits, the attempt is not counted); else undefined. */
  waitFor: (err: unknown) => number | undefined;
  /** Called on every failed attempt (metrics), with the job's task. */
  onFailure?: (task: string) => void;
  /**
   * A drain's lease on the row it runs (default LANE_LEASE_MS), renewed every quarter of it while the handler
   * runs: a drain that died holds its lane this long. The job worker's staleness (JOB_WORKER_STALE_SECONDS).
   */
  leaseMs?: number;
}

interface Head {
  id: string;
  task: string;
  payload: unknown;
  attempts: number;
}

/** Registers the drain task on `bus`; it runs the lane jobs with the handlers of `bus`'s subscribers. */
export function registerLaneDrain(bus: EventBus, deps: LaneDrainDeps): void {
  let handlers: Map<string, JobHandler> | undefined;
  const handlerOf = (task: string) => (handlers ??= bus.handlers()).get(task);
  const { sql } = deps;
  const leaseSeconds = (deps.leaseMs ?? LANE_LEASE_MS) / 1000;

  /** The lane's next job (nextJobSql), leased to this drain; none when the lane is empty, leased or waiting. */
  async function takeNext(tenantId: string, laneName: string): Promise<Head | undefined> {
    const [t, l] = [Prisma.sql`${tenantId}::text`, Prisma.sql`${laneName}::text`];
    // The row's own lease is checked on the row: of two drains updating it at once, the second sees the
    // first's lease when PostgreSQL re-checks the row after the first commits.
    const [head] = await sql.query<Head>(Prisma.sql`
      UPDATE lane_jobs j SET "leasedUntil" = now() + make_interval(secs => ${leaseSeconds}), attempts = j.attempts + 1
      WHERE j.id = (${nextJobSql(t, l)})
        AND (j."leasedUntil" IS NULL OR j."leasedUntil" <= now())
        AND NOT EXISTS (
          SELECT 1 FROM lane_jobs o WHERE o."tenantId" = ${tenantId} AND o.lane = ${laneName} AND o.id <= j.id
            AND o."failedAt" IS NULL AND greatest(o."leasedUntil", o."notBefore") > now())
      RETURNING j.id::text AS id, j.task, j.payload, j.attempts`);
    return head;
  }

  /** Whether the lane has jobs, and whether one can run now (none leased or waiting up to its next one). */
  async function laneState(tenantId: string, laneName: string): Promise<'empty' | 'busy' | 'free'> {
    const [t, l] = [Prisma.sql`${tenantId}::text`, Prisma.sql`${laneName}::text`];
    const [state] = await sql.query<{ freeAt: Date | null; now: Date }>(
      Prisma.sql`SELECT ${laneFreeAtSql(t, l)} AS "freeAt", now() AS now`,
    );
    if (!state?.freeAt) return 'empty';
    return state.freeAt > state.now ? 'busy' : 'free';
  }

  /** Adds the lane's drain (replacing a pending one: one per lane, by its key); see addDrainSql. */
  const drainWhenFree = (tenantId: string, laneName: string, atLeastMs = 0) =>
    sql.execute(Prisma.sql`SELECT ${addDrainSql(Prisma.sql`${tenantId}::text`, Prisma.sql`${laneName}::text`, atLeastMs)}`);

  /**
   * Renews the lease on `head` every quarter of it until the returned function is called. Only a row still
   * leased is renewed: a renewal that lands after the row was given back (or deleted) changes nothing.
   */
  function keepLeased(head: Head, log: Logger): () => void {
    const renew = () =>
      sql
        .execute(
          Prisma.sql`UPDATE lane_jobs SET "leasedUntil" = now() + make_interval(secs => ${leaseSeconds})
            WHERE id = ${head.id}::bigint AND "leasedUntil" IS NOT NULL`,
        )
        .catch((err: unknown) => log.warn({ err }, "could not renew the lane job's lease; it is taken over if it runs out"));
    const timer = setInterval(() => void renew(), (leaseSeconds * 1000) / 4);
    timer.unref();
    return () => clearInterval(timer);
  }

  const remove = (id: string) => sql.execute(Prisma.sql`DELETE FROM lane_jobs WHERE id = ${id}::bigint`);

  /** Gives the row back, the whole lane waiting `ms` (a rate limit's reset); the run is not counted. */
  async function waitForReset(head: Head, ms: number): Promise<'wait'> {
    await sql.execute(Prisma.sql`
      UPDATE lane_jobs SET "leasedUntil" = NULL, "notBefore" = now() + make_interval(secs => ${ms / 1000}), attempts = attempts - 1
      WHERE id = ${head.id}::bigint`);
    return 'wait';
  }

  /** Keeps the row as failed for good (the Jobs page lists it); the lane goes on without it. */
  async function failForGood(head: Head, error: string): Promise<'next'> {
    await sql.execute(Prisma.sql`
      UPDATE lane_jobs SET "leasedUntil" = NULL, "retryAt" = NULL, "failedAt" = now(), "lastError" = ${error}
      WHERE id = ${head.id}::bigint`);
    return 'next';
  }

  /** Gives the row back to be retried in `ms`; the lane goes on with its other jobs meanwhile. */
  async function retryLater(head: Head, ms: number, error: string): Promise<'next'> {
    await sql.execute(Prisma.sql`
      UPDATE lane_jobs SET "leasedUntil" = NULL, "retryAt" = now() + make_interval(secs => ${ms / 1000}), "lastError" = ${error}
      WHERE id = ${head.id}::bigint`);
    return 'next';
  }

  /** Runs one leased row: 'next' when the lane goes on (it ran, was dropped, or waits for a retry), 'wait' when the lane waits. */
  async function runOne(head: Head, log: Logger): Promise<'next' | 'wait'> {
    const jobLog = log.child({ laneJob: head.id, job: head.task, attempt: head.attempts });
    const handler = handlerOf(head.task);
    const parsed = handler?.schema.safeParse(head.payload);
    if (parsed && !parsed.success) {
      // A bug, as for every job (queue.ts JobHandler.schema): logged, not retried.
      jobLog.error({ issues: parsed.error.issues }, 'lane job payload is invalid; dropping it');
      await remove(head.id);
      return 'next';
    }
    try {
      // No handler here (a worker of an older version, in a rolling upgrade): a failure, so a worker that has one
      // takes it on a retry, and if none ever comes it is left failed on the Jobs page, not lost.
      if (!handler || !parsed) throw new Error(`No handler for the lane job's task ${head.task} on this worker`);
      const { data } = parsed;
      const stopRenewing = keepLeased(head, jobLog);
      try {
        await inLane(() => handler.run(data, { attempt: head.attempts, maxAttempts: LANE_MAX_ATTEMPTS, jobId: laneJobId(head.id) }));
      } finally {
        stopRenewing();
      }
    } catch (err) {
      const waitMs = deps.waitFor(err);
      if (waitMs !== undefined) {
        jobLog.debug({ waitMs }, 'rate limited; the lane waits for the reset');
        return waitForReset(head, Math.max(waitMs, 50));
      }
      deps.onFailure?.(head.task);
      if (head.attempts >= LANE_MAX_ATTEMPTS) {
        jobLog.error({ err }, 'lane job failed its last attempt; kept as failed for the Jobs page (Retry, Discard)');
        return failForGood(head, String(err));
      }
      jobLog.warn({ err }, 'lane job failed; it is retried with backoff, and the lane goes on');
      // graphile-worker's backoff, so a lane job retries as the other jobs do.
      return retryLater(head, Math.exp(Math.min(head.attempts, 10)) * 1000, String(err));
    }
    await remove(head.id);
    return 'next';
  }

  bus.registerTask(LANE_DRAIN_TASK, {
    schema: drainPayload,
    async run({ tenantId, lane: laneName }) {
      const log = deps.logger.child({ tenantId, lane: laneName });
      let taken = 0;
      let races = 0;
      while (taken < DRAIN_BATCH) {
        const head = await takeNext(tenantId, laneName);
        if (!head) {
          const state = await laneState(tenantId, laneName);
          if (state === 'empty') return;
          // Free but not taken: another drain took and finished it in between; look again, a few times.
          if (state === 'free' && ++races <= 3) continue;
          await drainWhenFree(tenantId, laneName, state === 'free' ? 1000 : 0);
          return;
        }
        taken += 1;
        if ((await runOne(head, log)) === 'wait') break;
      }
      // The lane waits (a rate limit), or a full batch is done: a new run goes on when the lane is free.
      await drainWhenFree(tenantId, laneName);
    },
  });

  bus.registerTask(LANE_SWEEP_TASK, {
    schema: z.unknown(),
    async run() {
      const [swept] = await sql.query<{ deleted: number; added: number }>(Prisma.sql`
        WITH gave_up AS (
          SELECT count(*)::int AS n FROM graphile_worker.complete_jobs(ARRAY(
            SELECT id FROM graphile_worker.jobs
            WHERE task_identifier = ${LANE_DRAIN_TASK} AND attempts >= max_attempts AND locked_at IS NULL))
        ), lanes AS (SELECT DISTINCT "tenantId", lane FROM lane_jobs WHERE "failedAt" IS NULL)
        SELECT (SELECT n FROM gave_up) AS deleted, (
          SELECT count(${addDrainSql(Prisma.sql`l."tenantId"`, Prisma.sql`l.lane`, 0)})::int FROM lanes l
          WHERE NOT EXISTS (
            SELECT 1 FROM graphile_worker.jobs j
            WHERE j.key = ${`${LANE_DRAIN_TASK}:`}::text || l.lane || ':' || l."tenantId" AND j.attempts < j.max_attempts)
        ) AS added`);
      if (swept && (swept.deleted > 0 || swept.added > 0))
        deps.logger.info(swept, 'lane sweep: drains that gave up deleted, lanes without a drain given one');
    },
  });
  bus.schedule(LANE_SWEEP_TASK, '* * * * *');
}
