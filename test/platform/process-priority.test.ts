// WORKER_NICE / ADMIN_NICE: a process that only runs jobs, or only serves the admin panel, lowers its CPU
// priority at start-up, on every thread, so that on a machine it shares with the interaction process the
// interactions get the CPU first. A process that answers Discord keeps its priority.
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../helpers/db.js';
import { spawnMain } from '../helpers/main-process.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

/** Starts src/main.ts; resolves once its log has printed `line`. */
function start(env: Record<string, string>, line: string): Promise<ChildProcess> {
  const child = spawnMain({ LOG_LEVEL: 'info', DATABASE_URL: testDatabaseUrl(), PORT: '0', HOST: '127.0.0.1', ...env });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += d;
      if (output.includes(line)) resolve(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`exited ${code} before "${line}":\n${output}`)));
  });
}

/** The nice value of each of a process's threads (proc(5): field 19 of /proc/<pid>/task/<tid>/stat). */
function threadNiceValues(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

/** Starts src/main.ts with `env` until it logs `line`; its thread count and their distinct nice values. */
async function niceOf(env: Record<string, string>, line: string): Promise<{ threads: number; values: Set<number> }> {
  const child = await start(env, line);
  const nice = threadNiceValues(child.pid!);
  child.kill('SIGKILL');
  return { threads: nice.length, values: new Set(nice) };
}

describe.runIf(process.platform === 'linux')('CPU priority by process role', { timeout: 150_000 }, () => {
  it('a worker-only process runs every thread at nice 10 by default; WORKER_NICE=0 keeps it at 0', async () => {
    const worker = await niceOf({ PROCESS_ROLES: 'worker' }, 'job worker running');
    expect(worker.threads).toBeGreaterThan(1);
    expect(worker.values).toEqual(new Set([10]));
    expect((await niceOf({ PROCESS_ROLES: 'worker', WORKER_NICE: '0' }, 'job worker running')).values).toEqual(new Set([0]));
  });

  it('a process that serves HTTP and runs jobs too keeps its priority', async () => {
    expect((await niceOf({ PROCESS_ROLES: 'web,worker' }, 'job worker running')).values).toEqual(new Set([0]));
  });

  it('a panel-only process runs every thread at nice 5 by default (ADMIN_NICE=0 keeps 0); web with the panel keeps 0', async () => {
    const admin = await niceOf({ PROCESS_ROLES: 'admin' }, '"listening"');
    expect(admin.threads).toBeGreaterThan(1);
    expect(admin.values).toEqual(new Set([5]));
    expect((await niceOf({ PROCESS_ROLES: 'admin', ADMIN_NICE: '0' }, '"listening"')).values).toEqual(new Set([0]));
    expect((await niceOf({ PROCESS_ROLES: 'web,admin' }, '"listening"')).values).toEqual(new Set([0]));
  });
});
