// Building blocks of the fault suite (npm run chaos) and of the restart test: a throw-away embedded
// PostgreSQL that can be stopped and started again on the same port, and the real service (src/main.ts)
// as a child process on a loopback port, with its exits recorded.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, chmod, rm } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../src/platform/db/embedded-postgres.js';

export interface ThrowAwayPostgres {
  url: string;
  adminUrl: string;
  port: number;
  /** Stops the server (fast shutdown: every connection is cut, as in a real restart). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  /** Terminates every backend on the application database; how many. */
  terminateBackends(): Promise<number>;
  destroy(): Promise<void>;
}

export async function throwAwayPostgres(): Promise<ThrowAwayPostgres> {
  const root = await mkdtemp('/var/tmp/ledgerline-chaos-');
  await chmod(root, 0o755);
  const dataDir = join(root, 'pg');
  let handle: EmbeddedPostgresHandle | undefined = await startEmbeddedPostgres({ dataDir, durable: false });
  const { url, adminUrl, port } = handle;
  return {
    url,
    adminUrl,
    port,
    async stop() {
      await handle?.stop();
      handle = undefined;
    },
    async start() {
      handle = await startEmbeddedPostgres({ dataDir, port, durable: false });
    },
    async terminateBackends() {
      const c = new pg.Client({ connectionString: adminUrl });
      c.on('error', () => undefined);
      await c.connect();
      try {
        const { rows } = await c.query<{ n: number }>(
          "SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = 'ledgerline' AND pid <> pg_backend_pid()",
        );
        return rows[0]!.n;
      } finally {
        await c.end();
      }
    },
    async destroy() {
      await handle?.stop().catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    },
  };
}

export interface ServiceProcess {
  name: string;
  baseUrl: string;
  child: ChildProcess;
  /** Exit codes/signals seen so far (an exit we did not cause is a violation). */
  exits: Array<{ code: number | null; signal: NodeJS.Signals | null; expected: boolean }>;
  output(): string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Starts src/main.ts on a free loopback port and waits for its banner. */
export async function startService(name: string, env: Record<string, string>, opts: { timeoutMs?: number } = {}): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      HOST: '127.0.0.1',
      PORT: '0',
      DEV_BTCPAY_PORT: '0',
      LOG_LEVEL: 'warn',
      LOG_PRETTY: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer) => {
    out += d.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let expectExit = false;
  const svc: ServiceProcess = {
    name,
    baseUrl: '',
    child,
    exits: [],
    output: () => out,
    async kill(signal) {
      expectExit = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill(signal);
      await gone;
    },
  };
  child.on('exit', (code, signal) => svc.exits.push({ code, signal, expected: expectExit }));
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    const m = /running at (http:\/\/localhost:(\d+))/.exec(out);
    if (m) {
      svc.baseUrl = `http://127.0.0.1:${m[2]}`;
      return svc;
    }
    if (child.exitCode !== null) throw new Error(`${name} exited during start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${name} did not start in time:\n${out}`);
}

/** GET/POST with a time bound; never throws (a refused connection is status 0). */
export async function call(
  url: string,
  init: RequestInit & { timeoutMs?: number } = {},
): Promise<{ status: number; headers: Headers; body: string; ms: number }> {
  const started = Date.now();
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(init.timeoutMs ?? 10_000) });
    return { status: res.status, headers: res.headers, body: await res.text(), ms: Date.now() - started };
  } catch {
    return { status: 0, headers: new Headers(), body: '', ms: Date.now() - started };
  }
}

/** Polls until `ok` or the time is up; the last result. */
export async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await fn();
  while (!ok(last) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, everyMs));
    last = await fn();
  }
  return last;
}
