// `npm start | head`, or a log collector that dies: the service's stdout is a pipe whose reader exits. The
// service (src/main.ts with its supervised job worker child) must then stop, every process of it: the defect
// was a worker child left running as an orphan, with no database connection, that SIGTERM no longer stopped.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../helpers/db.js';
import { MAIN_ARGS, mainEnv } from '../helpers/main-process.js';
import { waitFor } from '../helpers/wait-for.js';

const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** The state letter of a process (proc(5)), or undefined when it is gone. */
function stateOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}
const running = (pid: number) => {
  const s = stateOf(pid);
  return s !== undefined && s !== 'Z' && s !== 'X';
};

/** The pids of the processes whose parent is `pid`. */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

describe.runIf(process.platform === 'linux')('the service whose stdout is closed', { timeout: 180_000 }, () => {
  it.each([
    ['JSON logs', 'false'],
    ['pretty logs', 'true'],
  ])('stops, its job worker child too (%s)', async (_name, pretty) => {
    // The reader: copies what it reads until the test kills it, as `head` exits after its lines.
    const reader = spawn(process.execPath, ['-e', 'process.stdin.pipe(process.stdout)'], { stdio: ['pipe', 'pipe', 'ignore'] });
    started.push(reader.pid!);
    let seen = '';
    reader.stdout.on('data', (d: Buffer) => (seen += d.toString()));
    const service: ChildProcess = spawn(process.execPath, MAIN_ARGS, {
      env: mainEnv({ LOG_LEVEL: 'info', LOG_PRETTY: pretty, DATABASE_URL: testDatabaseUrl(), PORT: '0', HOST: '127.0.0.1' }),
      stdio: ['ignore', reader.stdin, 'pipe'],
    });
    started.push(service.pid!);
    reader.stdin.destroy(); // the service's stdout is the pipe's only writer now
    let errors = '';
    service.stderr!.on('data', (d: Buffer) => (errors += d.toString()));
    const exited = new Promise<number | null>((resolve) => service.once('exit', (code) => resolve(code)));

    const port = await waitFor(
      () => `the service's address and its job worker:\n${seen}\n${errors}`,
      () => {
        if (service.exitCode !== null) throw new Error(`the service exited (${service.exitCode}) before it ran:\n${seen}\n${errors}`);
        return seen.includes('job worker running') && /running at http:\/\/localhost:(\d+)/.exec(seen)?.[1];
      },
      { timeoutMs: 60_000 },
    );
    const [workerPid] = childrenOf(service.pid!);
    expect(workerPid, 'the supervised job worker process').toBeTypeOf('number');
    started.push(workerPid!);

    // The reader exits: the pipe is closed. The next line the service logs (a request's) meets EPIPE.
    reader.kill('SIGKILL');
    await new Promise((r) => reader.once('exit', r));
    await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);

    await waitFor(
      () =>
        `every process of the service to end (service ${stateOf(service.pid!) ?? 'gone'}, worker ${stateOf(workerPid!) ?? 'gone'})\n${errors}`,
      () => !running(service.pid!) && !running(workerPid!),
    );
    expect(await exited).toBe(1);
  });
});
