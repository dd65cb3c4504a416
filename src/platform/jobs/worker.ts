// Runs the job handlers registered on an EventBus with graphile-worker.
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { Logger as GraphileLogger, run, runMigrations, type Runner, type TaskList, type WorkerEvents } from 'graphile-worker';
import { capRunningPerFlag, type FlagCap } from './flag-cap.js';
import { createJobPool } from './job-pool.js';
import { createJobTableVacuum } from './job-table-vacuum.js';
import { createWorkerLiveness, STALE_MS } from './worker-liveness.js';
import type { Logger } from '../logger.js';
import type { EventBus } from './queue.js';

export async function migrateJobQueue(connectionString: string): Promise<void> {
  await runMigrations({ connectionString, logger: silentLogger() });
}

function silentLogger(): GraphileLogger {
  // graphile-worker logs through its own Logger; we log through pino in the task wrapper instead.
  return new GraphileLogger(() => () => {});
}

export interface WorkerHandle {
  stop(): Promise<void>;
  runner: Runner;
}

export interface WorkerOptions {
  connectionString: string;
  bus: EventBus;
  logger: Logger;
  concurrency: number;
  pollIntervalMs?: number;
  /** Names this instance in the heartbeat rows (diagnostics only). */
  instanceId?: string;
  /** A worker silent this long is taken for dead (default 60 s); heartbeats and sweeps scale with it. */
  staleMs?: number;
  /** Called on every failed attempt (metrics). */
  onJobFailure?: (task: string) => void;
  /** Vacuums graphile-worker's job table this often when jobs finished since (job-table-vacuum.ts); 0: never. */
  vacuumEveryMs?: number;
  /** Jobs that must finish between two vacuums (default job-table-vacuum.ts's MIN_JOBS). */
  vacuumMinJobs?: number;
}

/**
 * Tasks that run on a runner of their own, with `concurrency` slots of their own: their jobs never take the
 * slots of the other jobs, nor wait for them. For jobs that spend their time waiting on someone else's server,
 * each attempt holding its slot for as long as that server takes (a shop's webhook endpoint: up to its timeout).
 */
export interface RunApart {
  name: string;
  tasks: readonly string[];
  concurrency: number;
  /** At most `max` of its jobs that share a flag with this prefix run at once (flag-cap.ts). */
  capPerFlag?: FlagCap;
}

/**
 * A runner's own connections (job-pool.ts) when it runs apart: graphile-worker's LISTEN holds one, and its slots
 * take one only to fetch or finish a job (the handlers use the service pool), so slots that mostly wait on
 * someone else's server share a few.
 */
export const apartPoolMax = (concurrency: number) => Math.min(concurrency, 3) + 2;

/**
 * The instance's job worker: a runner for every task but those run apart, and one for each group in `apart`
 * (its own slots, pool and liveness; no schedule). One handle stops them all.
 */
export async function startJobWorkers(opts: WorkerOptions & { apart?: readonly RunApart[] }): Promise<WorkerHandle> {
  const apart = opts.apart ?? [];
  const apartTasks = new Set(apart.flatMap((a) => a.tasks));
  const instanceId = opts.instanceId ?? randomUUID();
  const main = await startWorker({ ...opts, instanceId, tasks: (task) => !apartTasks.has(task) });
  const others: WorkerHandle[] = [];
  try {
    for (const a of apart) {
      const only = new Set(a.tasks);
      others.push(
        await startWorker({
          ...opts,
          concurrency: a.concurrency,
          capPerFlag: a.capPerFlag,
          instanceId: `${instanceId}:${a.name}`,
          logger: opts.logger.child({ runner: a.name }),
          tasks: (task) => only.has(task),
          crontab: false,
          poolMax: apartPoolMax(a.concurrency),
          vacuumEveryMs: 0,
        }),
      );
    }
  } catch (err) {
    await Promise.allSettled([main, ...others].map((w) => w.stop()));
    throw err;
  }
  return {
    runner: main.runner,
    async stop() {
      const stopped = await Promise.allSettled([main, ...others].map((w) => w.stop()));
      const failed = stopped.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}

export async function startWorker(
  opts: WorkerOptions & {
    /** Which of the bus's tasks this runner runs (default: all). */
    tasks?: (task: string) => boolean;
    /** Whether it runs the bus's schedule (default true; one runner of an instance does). */
    crontab?: boolean;
    /** Its own connections (default concurrency + 2). */
    poolMax?: number;
    /** At most `max` jobs sharing a flag with this prefix run at once (flag-cap.ts). */
    capPerFlag?: FlagCap;
  },
): Promise<WorkerHandle> {
  const taskList: TaskList = {};
  for (const [name, handler] of opts.bus.handlers()) {
    if (opts.tasks && !opts.tasks(name)) continue;
    taskList[name] = async (payload, helpers) => {
      const parsed = handler.schema.safeParse(payload);
      const log = opts.logger.child({ job: name, jobId: helpers.job.id, attempt: helpers.job.attempts });
      if (!parsed.success) {
        log.error({ issues: parsed.error.issues }, 'job payload is invalid; dropping it');
        return;
      }
      try {
        await handler.run(parsed.data, {
          attempt: helpers.job.attempts,
          maxAttempts: helpers.job.max_attempts,
          jobId: String(helpers.job.id),
        });
        log.debug('job done');
      } catch (err) {
        log.warn({ err }, 'job failed; it will be retried with backoff');
        opts.onJobFailure?.(name);
        throw err;
      }
    };
  }
  const pool = createJobPool({ connectionString: opts.connectionString, max: opts.poolMax ?? opts.concurrency + 2, logger: opts.logger });
  // Liveness (worker-liveness.ts): jobs of a worker that died, here or on a killed instance, are freed.
  const staleMs = opts.staleMs ?? STALE_MS;
  const liveness = createWorkerLiveness({
    pool,
    instanceId: opts.instanceId ?? randomUUID(),
    logger: opts.logger,
    staleMs,
    heartbeatMs: staleMs / 4,
    sweepMs: staleMs / 2,
  });
  const events = new EventEmitter() as WorkerEvents;
  // graphile-worker 0.17 locks a job (and a named queue) with its worker pool's id, not the id of the worker
  // slot that runs it: the pool heartbeats, and the locks of the jobs its slots run are kept fresh.
  events.on('pool:create', ({ workerPool }) => liveness.add(workerPool.id));
  events.on('pool:release', ({ workerPool }) => liveness.remove(workerPool.id));
  events.on('job:start', ({ worker, job }) =>
    liveness.running({ id: String(job.id), queueId: job.job_queue_id ?? null, lockedBy: worker.workerPool.id }),
  );
  const vacuum = createJobTableVacuum({ pool, logger: opts.logger, everyMs: opts.vacuumEveryMs ?? 0, minJobs: opts.vacuumMinJobs });
  events.on('job:complete', ({ job }) => {
    liveness.finished(String(job.id));
    vacuum.finished();
  });
  const runner = await run({
    pgPool: pool,
    concurrency: opts.concurrency,
    noHandleSignals: true,
    pollInterval: opts.pollIntervalMs ?? 1000,
    taskList,
    // Always a string, so graphile-worker never reads a `crontab` file from the working directory.
    crontab: opts.crontab === false ? '' : opts.bus.crontab(),
    logger: silentLogger(),
    events,
    forbiddenFlags: opts.capPerFlag ? capRunningPerFlag(events, opts.capPerFlag) : null,
    preset: { plugins: [replaceDeadWorkers(opts.logger)] },
  });
  liveness.start();
  vacuum.start();
  // The pool should never stop on its own now; if it does, say so rather than leave an unhandled rejection.
  runner.promise.catch((err: unknown) => opts.logger.error({ err }, 'the job worker pool stopped'));
  return {
    runner,
    async stop() {
      try {
        await liveness.stop();
        await vacuum.stop();
        await runner.stop();
      } finally {
        await pool.end();
      }
    },
  };
}

/**
 * A worker whose database connection died while it recorded a job's outcome exits ("seppuku"); by default
 * graphile-worker then shuts the whole pool down, and this instance would run no job again until restarted.
 * Instead a new worker takes its place after a pause (the database may still be restarting); the job the
 * dead worker held is freed by the liveness sweeper.
 */
function replaceDeadWorkers(logger: Logger): GraphileConfig.Plugin {
  return {
    name: 'LedgerlineReplaceDeadWorkers',
    version: '1.0.0',
    worker: {
      middleware: {
        poolWorkerPrematureExit(_next, event) {
          logger.warn({ workerId: event.worker.workerId }, 'a job worker exited after a database fault; starting a new one in 2 s');
          setTimeout(() => {
            const pool = event.workerPool as unknown as { _active?: boolean; _shuttingDown?: boolean };
            if (pool._active !== false && !pool._shuttingDown) event.replaceWithNewWorker();
          }, 2_000).unref();
        },
      },
    },
  };
}
