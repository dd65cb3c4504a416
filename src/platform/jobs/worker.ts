// Runs the job handlers registered on an EventBus with graphile-worker.
import { run, runMigrations, type Runner, type TaskList } from 'graphile-worker';
import pg from 'pg';
import type { Logger } from '../logger.js';
import type { EventBus } from './queue.js';

export async function migrateJobQueue(connectionString: string): Promise<void> {
  await runMigrations({ connectionString, logger: silentLogger() });
}

function silentLogger() {
  // graphile-worker's Logger wants a factory; we log through pino in the task wrapper instead.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return new (class { scope() { return this; } info() {} debug() {} warn() {} error() {} })() as any;
}

export interface WorkerHandle { stop(): Promise<void>; runner: Runner }

export async function startWorker(opts: {
  connectionString: string;
  bus: EventBus;
  logger: Logger;
  concurrency: number;
  pollIntervalMs?: number;
}): Promise<WorkerHandle> {
  const taskList: TaskList = {};
  for (const [name, handler] of opts.bus.handlers()) {
    taskList[name] = async (payload, helpers) => {
      const parsed = handler.schema.safeParse(payload);
      const log = opts.logger.child({ job: name, jobId: helpers.job.id, attempt: helpers.job.attempts });
      if (!parsed.success) {
        log.error({ issues: parsed.error.issues }, 'job payload is invalid; dropping it');
        return;
      }
      try {
        await handler.run(parsed.data, { attempt: helpers.job.attempts, maxAttempts: helpers.job.max_attempts, jobId: String(helpers.job.id) });
        log.debug('job done');
      } catch (err) {
        log.warn({ err }, 'job failed; it will be retried with backoff');
        throw err;
      }
    };
  }
  // Our own pool, not one graphile-worker makes from the connection string: its own pool is ended without
  // being awaited and its idle clients have no 'error' listener, so a database going away during shutdown
  // (the embedded one stops right after the worker) crashed the process with an unhandled 'error' event.
  const pool = new pg.Pool({ connectionString: opts.connectionString, max: opts.concurrency + 2 });
  pool.on('error', (err) => opts.logger.warn({ err }, 'job queue connection error'));
  pool.on('connect', (client) => client.on('error', (err) => opts.logger.warn({ err }, 'job queue connection error')));
  const runner = await run({
    pgPool: pool,
    concurrency: opts.concurrency,
    noHandleSignals: true,
    pollInterval: opts.pollIntervalMs ?? 1000,
    taskList,
    crontab: opts.bus.crontab(),
    logger: silentLogger(),
  });
  return {
    runner,
    async stop() {
      try {
        await runner.stop();
      } finally {
        await pool.end();
      }
    },
  };
}
