// Jobs and events on graphile-worker (PostgreSQL). A job is enqueued with graphile-worker's SQL functions
// (add_job, add_jobs) inside the caller's transaction, so it exists if and only if the state change
// committed. Handlers run at least once and must be idempotent; failures retry with exponential backoff.
import type { z } from 'zod';
import { Prisma } from '../db/prisma.js';
import { executeSql, type SqlTarget } from '../db/sql.js';

/** Attempts a job gets unless its caller says otherwise (graphile-worker's own default is 25). */
const DEFAULT_MAX_ATTEMPTS = 12;

export interface EnqueueOptions {
  /**
   * Deduplicates: a pending job with the same key is replaced instead of added twice. For a subscriber in a lane,
   * a job of the key waiting in the lane (not yet started) takes the new payload and keeps its place (lanes.ts).
   */
  jobKey?: string;
  maxAttempts?: number;
  runAt?: Date;
  /** Jobs with the same queue name run one at a time, in order. */
  queueName?: string;
  /** graphile-worker's flags: a runner may skip jobs by flag (a runner's capPerFlag, platform/jobs/flag-cap.ts). */
  flags?: string[];
}

/** Enqueues `task` in the caller's transaction: a Prisma one, or the plain-SQL client's (sql.ts). */
export async function enqueueJob(tx: SqlTarget, task: string, payload: unknown, opts: EnqueueOptions = {}): Promise<void> {
  await executeSql(tx, Prisma.sql`SELECT ${addJobSql(task, payload, opts)}`);
}

/**
 * enqueueJob's graphile_worker.add_job call as an SQL expression. A caller that enqueues in a statement it makes
 * anyway uses addJobsSql (below), one call for all its jobs.
 */
function addJobSql(task: string, payload: unknown, opts: EnqueueOptions = {}): Prisma.Sql {
  return Prisma.sql`graphile_worker.add_job(
    ${task}::text,
    ${JSON.stringify(payload ?? {})}::json,
    queue_name => ${opts.queueName ?? null}::text,
    run_at => ${opts.runAt ?? null}::timestamptz,
    max_attempts => ${opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS}::int,
    job_key => ${opts.jobKey ?? null}::text,
    flags => ${opts.flags ?? null}::text[]
  )`;
}

/**
 * One job for graphile_worker.add_jobs (addJobsSql): `spec`, a graphile_worker.job_spec value, and `when`, an SQL
 * condition the job is added under (none: always). The condition is evaluated in the statement that adds the
 * job, so it sees what that statement's transaction sees.
 */
export interface JobSpec {
  spec: Prisma.Sql;
  when?: Prisma.Sql;
}

/** EnqueueOptions for a job added by SQL: its key, queue and time may be SQL expressions over the statement's rows. */
export type SqlEnqueueOptions = Omit<EnqueueOptions, 'jobKey' | 'queueName' | 'runAt'> & {
  jobKey?: string | Prisma.Sql;
  queueName?: string | Prisma.Sql;
  runAt?: Date | Prisma.Sql;
};

/** A string, or a text SQL expression, as a text SQL value. */
function textSql(value: string | Prisma.Sql | undefined): Prisma.Sql {
  return typeof value === 'object' ? Prisma.sql`(${value})` : Prisma.sql`${value ?? null}`;
}

/** A Date, or a timestamptz SQL expression, as a timestamptz SQL value. */
function timeSql(value: Date | Prisma.Sql | undefined): Prisma.Sql {
  return value instanceof Date || value === undefined ? Prisma.sql`${value ?? null}` : Prisma.sql`(${value})`;
}

/**
 * One job as a graphile_worker.job_spec value, for graphile_worker.add_jobs (addJobsSql); `payload` is a JSON
 * SQL expression, `jobKey` and `queueName` strings or text SQL expressions, and `runAt` a Date or an SQL
 * expression, so all may read the rows the statement adds the job for.
 */
export function jobSpecSql(task: string, payload: Prisma.Sql, opts: SqlEnqueueOptions = {}): JobSpec {
  return {
    spec: Prisma.sql`ROW(${task}::text, (${payload})::json, ${textSql(opts.queueName)}::text, ${timeSql(opts.runAt)}::timestamptz, ${opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS}::smallint, ${textSql(opts.jobKey)}::text, NULL::smallint, ${opts.flags ?? null}::text[])::graphile_worker.job_spec`,
  };
}

/** A subscriber's job key: `key>subscriber`. */
function subscriberKey(key: string | Prisma.Sql | undefined, subscriber: string): string | Prisma.Sql | undefined {
  if (key === undefined || key === '') return undefined;
  return typeof key === 'object' ? Prisma.sql`(${key}) || ${`>${subscriber}`}` : `${key}>${subscriber}`;
}

/**
 * A SELECT calling graphile_worker.add_jobs once for each row of `from` with `specs` (jobSpecSql), one row per
 * job added (`job`, its id). One add_jobs call for several jobs, not one add_job each: each call inserts its
 * tasks and queues, writes the jobs and sends one NOTIFY. A job_key replaces a pending job of that key, as
 * add_job's default mode does. Use it as a CTE and reference it (a SELECT in WITH runs only when read).
 * Jobs with a `when` are left out of a row's call where it is not true; a row left with no job makes no call
 * (add_jobs would still notify the workers).
 */
export function addJobsSql(specs: JobSpec[], from: Prisma.Sql): Prisma.Sql {
  if (specs.length === 0) return Prisma.sql`SELECT NULL::bigint AS job WHERE false`;
  if (specs.every((s) => !s.when))
    return Prisma.sql`SELECT added.id AS job FROM ${from}, LATERAL graphile_worker.add_jobs(ARRAY[${Prisma.join(
      specs.map((s) => s.spec),
      ', ',
    )}]) AS added`;
  const arms = specs.map((s) => (s.when ? Prisma.sql`SELECT ${s.spec} WHERE ${s.when}` : Prisma.sql`SELECT ${s.spec}`));
  // A condition on the row alone (no column of add_jobs) is checked before the call, once per row. OFFSET 0
  // keeps `chosen` a subquery, so its conditions are evaluated once, not copied into both uses of `specs`.
  const someJob = specs.some((s) => !s.when) ? Prisma.empty : Prisma.sql`WHERE cardinality(chosen.specs) > 0`;
  return Prisma.sql`SELECT added.id AS job FROM ${from},
    LATERAL (SELECT ARRAY(${Prisma.join(arms, ' UNION ALL ')}) AS specs OFFSET 0) AS chosen,
    LATERAL (SELECT a.id FROM graphile_worker.add_jobs(chosen.specs) AS a ${someJob}) AS added`;
}

export interface JobContext {
  attempt: number;
  maxAttempts: number;
  jobId: string;
}

export interface JobHandler<S extends z.ZodType = z.ZodType> {
  /** Validates the payload before the handler sees it. A payload that fails is a bug: logged, not retried forever. */
  schema: S;
  run(payload: z.output<S>, ctx: JobContext): Promise<void>;
}

/** An event subscriber's handler. */
export interface SubscriberHandler<S extends z.ZodType = z.ZodType> extends JobHandler<S> {
  /**
   * Enqueue the job only where this SQL condition holds, given the event's payload as a JSON SQL expression.
   * For a subscriber that has nothing to do unless something exists (the shop's webhook endpoints), so an
   * event that concerns nobody adds no job; checked in the emitting statement, in the change's transaction.
   * Where it does not hold nothing is enqueued, so a pending job of the same `jobKey` is not replaced either.
   */
  onlyWhen?: (payload: Prisma.Sql) => Prisma.Sql;
  /**
   * The shop's lane its jobs run in instead (lanes.ts): one at a time and in order per shop, a rate limit
   * waited out of the worker slot. The event's payload must carry the tenantId. An emit's `jobKey` dedupes it
   * in the lane (while a job of the key waits there, not yet started, the emit adds none); its handler must be
   * idempotent, and it cannot be delayed.
   */
  lane?: JobLane;
}

/**
 * A lane (lanes.ts defineLane): how a job joins it, as the JobSpec that adds the lane's drain; `key` (a subscriber's
 * job key) joins a job of that key waiting in the lane instead of adding one.
 */
export interface JobLane {
  readonly name: string;
  jobSpec(task: string, payload: Prisma.Sql, key?: string | Prisma.Sql): JobSpec;
}

/**
 * Domain events. Each subscriber becomes its own job (`event>subscriber`), so one failing subscriber is
 * retried alone. Subscribers are registered by the composition root before anything is emitted.
 */
export class EventBus {
  private readonly subscribers = new Map<string, Map<string, SubscriberHandler>>();
  private readonly tasks = new Map<string, JobHandler>();
  private readonly schedules: string[] = [];

  subscribe<S extends z.ZodType>(event: string, subscriber: string, handler: SubscriberHandler<S>): void {
    const byName = this.subscribers.get(event) ?? new Map<string, SubscriberHandler>();
    const { lane } = handler;
    // One add_jobs call gets every subscriber's job, and two of one lane would add its drain's key twice.
    if (lane && [...byName].some(([name, h]) => name !== subscriber && h.lane?.name === lane.name))
      throw new Error(`${event} has a subscriber in lane ${lane.name} already: ${event}>${subscriber} cannot join it too`);
    byName.set(subscriber, handler as unknown as SubscriberHandler);
    this.subscribers.set(event, byName);
  }

  /** A plain task (not an event), e.g. "discord.role.add". */
  registerTask<S extends z.ZodType>(task: string, handler: JobHandler<S>): void {
    this.tasks.set(task, handler as unknown as JobHandler);
  }

  /**
   * Runs `task` on a schedule: `pattern` is a crontab time spec in UTC ("0 4 * * *" daily at 04:00). The
   * task must be registered; graphile-worker enqueues it once per tick across all workers.
   */
  schedule(task: string, pattern: string): void {
    // graphile-worker's crontab syntax for a task name (no dots).
    if (!/^[_a-zA-Z][_a-zA-Z0-9:/_-]*$/.test(task))
      throw new Error(`A scheduled task name may not contain "${task.replace(/[_a-zA-Z0-9:/_-]/g, '')}": ${task}`);
    this.schedules.push(`${pattern} ${task}`);
  }

  /** The schedules as a graphile-worker crontab. */
  crontab(): string {
    return this.schedules.join('\n');
  }

  /**
   * Enqueues one job per subscriber of `event`, inside `tx`: one statement whatever the number of
   * subscribers (graphile_worker.add_jobs, which treats a job_key as add_job's default "replace" mode does;
   * a subscriber in a lane: as 'preserve_run_at' does, its waiting job keeping its place, lanes.ts).
   * A subscriber with an `onlyWhen` gets its job only where that holds.
   */
  async emit(tx: SqlTarget, event: string, payload: Record<string, unknown>, opts: EnqueueOptions = {}): Promise<void> {
    const jobs = this.jobSpecsSql(event, Prisma.sql`${JSON.stringify(payload ?? {})}::json`, opts);
    if (jobs.length === 0) return;
    await executeSql(tx, Prisma.sql`WITH jobs AS (${addJobsSql(jobs, Prisma.sql`(SELECT 1) AS one`)}) SELECT count(*) FROM jobs`);
  }

  /**
   * The jobs emit would add for `event`, as JobSpecs (jobSpecSql, with each subscriber's `onlyWhen`, or its lane's), for a
   * caller that enqueues in a statement it makes anyway (one round trip less), maybe with other jobs in the
   * same add_jobs call: `addJobsSql(bus.jobSpecsSql(event, payload), from)`. `payload` is a JSON expression,
   * possibly over the rows of `from`. One add_jobs per row, not one add_job per job: each call inserts its
   * tasks and queues, writes the jobs and sends one NOTIFY, about a millisecond of the database's CPU, and the
   * order's submit runs it while it holds the shop's hot rows (docs/perf/interaction-profile.md). None when the
   * event has no subscriber. A `jobKey` (a string or a text SQL expression) becomes `jobKey>subscriber`, for a
   * subscriber in a lane too (the lane's key: lanes.ts).
   */
  jobSpecsSql(event: string, payload: Prisma.Sql, opts: SqlEnqueueOptions = {}): JobSpec[] {
    const json = Prisma.sql`(${payload})::json`;
    return [...(this.subscribers.get(event) ?? [])].map(([s, handler]) => {
      if (handler.lane && opts.runAt) throw new Error(`${event}>${s} runs in lane ${handler.lane.name}: it cannot be delayed`);
      const jobKey = subscriberKey(opts.jobKey, s);
      const spec = handler.lane
        ? handler.lane.jobSpec(`${event}>${s}`, json, jobKey)
        : jobSpecSql(`${event}>${s}`, payload, { ...opts, jobKey });
      return { ...spec, when: handler.onlyWhen?.(json) };
    });
  }

  /** Every task name with its handler: event subscribers and plain tasks. */
  handlers(): Map<string, JobHandler> {
    const all = new Map<string, JobHandler>(this.tasks);
    for (const [event, byName] of this.subscribers) {
      for (const [subscriber, handler] of byName) all.set(`${event}>${subscriber}`, handler);
    }
    return all;
  }
}
