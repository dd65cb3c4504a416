// The job worker in its own process, supervised by the process that serves requests (the default of
// `npm start` / `npm run start:prod`: see config/process-roles.ts and docs/decisions/process-roles.md).
//
// Parent side (superviseWorkerProcess): starts this same program again with PROCESS_ROLES=worker, restarts
// it when it dies (1 s, doubling to 30 s while it keeps dying young), and on stop() sends SIGTERM and waits
// for it (SIGKILL after the timeout). Child side (watchSupervisor): an IPC channel links the two; when it
// closes (the parent exited, even by SIGKILL), the child shuts down on its own instead of living on as an
// orphan. The child ignores SIGINT: Ctrl-C reaches the whole process group, and the parent stops it in order
// (requests first, then the jobs). The child tells its supervisor what only it can see over the same channel
// (tellSupervisor: Discord refusing the bot's token, which the supervisor's /readyz and /metrics then say; each
// failed job attempt, which the supervisor's /metrics counts).
import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from '../logger.js';

/** Set in the child's environment: it was started by superviseWorkerProcess. */
export const SUPERVISED_ENV = 'LEDGERLINE_SUPERVISED_WORKER';

export interface SupervisedWorker {
  /** The child's pid while it runs. */
  readonly pid: number | undefined;
  /** How many times it was started (1 + restarts). */
  readonly starts: number;
  /** SIGTERM, then wait for it to finish its jobs and exit (SIGKILL after `timeoutMs`). No restart after. */
  stop(timeoutMs: number): Promise<void>;
}

export interface SuperviseOptions {
  /** Variables added to the parent's environment for the child (DATABASE_URL of the embedded database, ...). */
  env: Record<string, string | undefined>;
  logger: Logger;
  /** Node arguments and script; default: this process's own (process.execArgv, process.argv[1]). */
  args?: string[];
  /** The program started; default: this process's Node (process.execPath). A test names one that cannot start. */
  execPath?: string;
  /** First restart delay (doubles while the child dies within `healthyAfterMs`, up to 30 s). Default 1 s. */
  restartDelayMs?: number;
  healthyAfterMs?: number;
  /** A message the child sent with tellSupervisor. */
  onMessage?: (message: SupervisorMessage) => void;
  /** The child exited when it was not asked to stop (it is started again after `restartInMs`), and each start. */
  watch?: WorkerChildWatch;
}

/** The supervised child as its supervisor's /metrics and /readyz say it: restarts, and since when it is down. */
export interface WorkerChildWatch {
  /** When the child exited unasked, while it has not been started again; null while it runs. */
  downSince(): Date | null;
  /** Times it exited unasked (each followed by a restart). */
  restarts(): number;
  exited(at: Date): void;
  started(): void;
}

export function watchWorkerChild(onExited?: () => void): WorkerChildWatch {
  let down: Date | null = null;
  let restarts = 0;
  return {
    downSince: () => down,
    restarts: () => restarts,
    exited(at) {
      down = at;
      restarts += 1;
      onExited?.();
    },
    started() {
      down = null;
    },
  };
}

/**
 * What a supervised child tells its supervisor: Discord refused the bot's token; a job attempt failed (its task),
 * counted by the supervisor's /metrics since the child serves none.
 */
export type SupervisorMessage = { kind: 'discord-bot-token-refused'; at: string } | { kind: 'job-failed'; task: string };

function isSupervisorMessage(m: unknown): m is SupervisorMessage {
  if (typeof m !== 'object' || m === null) return false;
  const o = m as Record<string, unknown>;
  if (o.kind === 'discord-bot-token-refused') return typeof o.at === 'string';
  // A task name is a metric label: a bounded string.
  if (o.kind === 'job-failed') return typeof o.task === 'string' && o.task.length > 0 && o.task.length <= 200;
  return false;
}

export function superviseWorkerProcess(opts: SuperviseOptions): SupervisedWorker {
  const log = opts.logger.child({ component: 'worker-supervisor' });
  const args = opts.args ?? [...process.execArgv, process.argv[1]!];
  const firstDelay = opts.restartDelayMs ?? 1_000;
  const healthyAfter = opts.healthyAfterMs ?? 60_000;
  const env: NodeJS.ProcessEnv = { ...process.env, PROCESS_ROLES: 'worker', [SUPERVISED_ENV]: '1' };
  for (const [k, v] of Object.entries(opts.env)) if (v !== undefined) env[k] = v;

  let child: ChildProcess | undefined;
  let stopping = false;
  let starts = 0;
  let delay = firstDelay;
  let restartTimer: NodeJS.Timeout | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = () => {
    restartTimer = undefined;
    if (stopping) return;
    starts += 1;
    const startedAt = Date.now();
    const c = spawn(opts.execPath ?? process.execPath, args, { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child = c;
    opts.watch?.started();
    // The channel must not keep this process alive on its own.
    c.channel?.unref();
    c.on('message', (m) => {
      if (isSupervisorMessage(m)) opts.onMessage?.(m);
    });
    exited = new Promise<void>((resolve) => {
      let gone = false;
      const restart = (why: Record<string, unknown>) => {
        if (gone) return;
        gone = true;
        child = undefined;
        resolve();
        if (stopping) return;
        delay = Date.now() - startedAt >= healthyAfter ? firstDelay : Math.min(delay * 2, 30_000);
        log.error({ ...why, restartInMs: delay }, 'the job worker process exited; restarting it');
        opts.watch?.exited(new Date());
        restartTimer = setTimeout(start, delay);
        restartTimer.unref();
      };
      c.once('exit', (code, signal) => restart({ code, signal }));
      // A spawn that failed (EMFILE, ENFILE, EAGAIN: no pid) emits 'error' and never 'exit': without this nothing
      // restarted it, /readyz said nothing and stop() waited for an exit that never came.
      c.on('error', (err) => {
        log.error({ err }, 'could not start the job worker process');
        if (c.pid === undefined) restart({ spawnError: err.message });
      });
    });
    log.info({ workerPid: c.pid }, 'job worker process started');
  };
  start();

  return {
    get pid() {
      return child?.pid;
    },
    get starts() {
      return starts;
    },
    async stop(timeoutMs) {
      stopping = true;
      if (restartTimer) clearTimeout(restartTimer);
      const c = child;
      if (!c) return;
      c.kill('SIGTERM');
      const kill = setTimeout(() => {
        log.error('the job worker process did not stop in time; killing it');
        c.kill('SIGKILL');
      }, timeoutMs);
      kill.unref();
      await exited;
      clearTimeout(kill);
    },
  };
}

/** In a supervised child: sends `message` to the supervisor (nothing elsewhere, or once the supervisor is gone). */
export function tellSupervisor(message: SupervisorMessage): void {
  if (isSupervisedWorker() && process.connected) process.send!(message);
}

/** This process is a supervised worker child. */
export function isSupervisedWorker(): boolean {
  return process.env[SUPERVISED_ENV] === '1' && typeof process.send === 'function';
}

/**
 * In a supervised child: calls `onParentGone` once the supervisor is gone (its IPC channel closed: it exited
 * or was killed), and ignores SIGINT (the supervisor stops this process itself, after its own requests).
 */
export function watchSupervisor(onParentGone: () => void): void {
  if (!isSupervisedWorker()) return;
  process.on('SIGINT', () => undefined);
  let gone = false;
  const parentGone = () => {
    if (gone) return;
    gone = true;
    clearInterval(poll);
    onParentGone();
  };
  process.once('disconnect', parentGone);
  // The channel alone must not keep this process running.
  process.channel?.unref();
  // Killed while this process was still loading its modules, the parent's channel may have closed before
  // the listener above existed; and an orphan is re-parented. Either way: the parent is gone.
  const parent = process.ppid;
  const poll = setInterval(() => {
    if (!process.connected || process.ppid !== parent) parentGone();
  }, 1_000);
  poll.unref();
  if (!process.connected) parentGone();
}
