// `npm start` in development, started by a test on the test file's own database (never the shared one): the start
// command (src/main.ts through spawnMain) with its local fakes, for the tests of what a restart keeps
// (test/platform/dev-*-restart.test.ts). The web role alone: no job worker child (no reconciliation job can pay
// an order behind the webhook's back) and no admin panel bundle. startSupervisedMain starts it as `npm start` does,
// the job worker in a supervised child, for the tests of what the parent shows of that child
// (test/platform/*worker-child*.test.ts).
import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach } from 'vitest';
import { TEST_SECRETS_KEYS, type TestApp } from './app.js';
import { testDatabaseUrl } from './db.js';
import { spawnMain } from './main-process.js';

/**
 * The file's starts and test apps, cleaned up by hooks this registers (call it at the file's top level): each test's
 * starts killed after it (a failed test leaves none running), the apps closed after the file.
 */
export function devStarts(): { children: ChildProcess[]; apps: TestApp[] } {
  const children: ChildProcess[] = [];
  const apps: TestApp[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
  });
  afterAll(async () => {
    for (const t of apps.splice(0)) await t.services.close();
  });
  return { children, apps };
}

export interface DevStart {
  child: ChildProcess;
  /** Where the service answers (its banner's "Ledgerline is running at", on 127.0.0.1). */
  base: string;
  /** The fake's address, as `fake` found it in the banner. */
  fake: string;
  banner: string;
}

/**
 * Starts src/main.ts in development with `env` (the web role on the file's database) and resolves with what `ready`
 * finds in its output (stdout and stderr), once it finds something; rejects if the process exits first. The child is
 * pushed onto `children` for the file's afterEach to kill.
 */
export function startMainUntil<T>(
  env: Record<string, string>,
  children: ChildProcess[],
  ready: (output: string) => T | undefined,
): Promise<{ child: ChildProcess; found: T; output: string }> {
  const child = spawnMain({
    DATABASE_URL: testDatabaseUrl(),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    PROCESS_ROLES: 'web',
    SECRETS_ENCRYPTION_KEYS: TEST_SECRETS_KEYS,
    ...env,
  });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += d;
      const found = ready(output);
      if (found !== undefined) resolve({ child, found, output });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`exited ${code} before its banner:\n${output}`)));
  });
}

/**
 * Starts src/main.ts in development with `env`, and resolves once its banner names the service's address and
 * the fake `fake` matches (its first group: the fake's address). The child is pushed onto `children` for the
 * file's afterEach to kill.
 */
export async function startDevMain(opts: { env: Record<string, string>; fake: RegExp; children: ChildProcess[] }): Promise<DevStart> {
  const { child, found, output } = await startMainUntil(opts.env, opts.children, (out) => {
    const base = /Ledgerline is running at (http:\/\/\S+)/.exec(out)?.[1];
    const fake = opts.fake.exec(out)?.[1];
    return base && fake ? { base: base.replace('//localhost:', '//127.0.0.1:'), fake } : undefined;
  });
  return { child, ...found, banner: output };
}

/** Stops a start as a developer's Ctrl-C or a supervisor does (SIGTERM), and waits for it to exit. */
export async function stopDevMain(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/**
 * Stops each start still running as stopDevMain does (SIGTERM: a supervised main stops its job worker child in order
 * before it exits, so no job worker is left on the file's database). For the file's afterAll.
 */
export async function stopDevMains(children: ChildProcess[]): Promise<void> {
  for (const child of children.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    await stopDevMain(child);
  }
}

/** The bearer token startSupervisedMain's /metrics asks for. */
const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';

export interface SupervisedMain {
  child: ChildProcess;
  /** Where the service answers (its banner's "Ledgerline is running at", on 127.0.0.1). */
  base: string;
  /** All the parent and its child have written so far (the child's stdout and stderr are the parent's). */
  output(): string;
  /** The line of the parent's /metrics for `series` (a name, with its labels if any), or undefined. */
  metric(series: string): Promise<string | undefined>;
}

/**
 * Starts src/main.ts as `npm start` runs it: PROCESS_ROLES unset (web and admin here, the job worker in a supervised
 * child), on the file's database, with Discord's gateway off, PayPal and Square unreachable and /metrics behind
 * METRICS_TOKEN; `env` over that (a fake Discord's DISCORD_API_BASE_URL and a DISCORD_BOT_TOKEN, LOG_LEVEL).
 * Resolves once its banner names its address. The child is pushed onto `children`: stop it with stopDevMains.
 */
export async function startSupervisedMain(env: Record<string, string>, children: ChildProcess[]): Promise<SupervisedMain> {
  const started = await startMainUntil(
    {
      PROCESS_ROLES: '', // unset: the job worker runs in a supervised child
      NODE_ENV: 'test',
      DISCORD_PUBLIC_KEY: 'a'.repeat(64),
      DISCORD_APPLICATION_ID: '123456789012345678',
      DISCORD_GATEWAY_ENABLED: 'false',
      PAYPAL_API_BASE_URL: 'http://127.0.0.1:9',
      SQUARE_API_BASE_URL: 'http://127.0.0.1:9',
      METRICS_TOKEN,
      ...env,
    },
    children,
    (out) => /Ledgerline is running at (http:\/\/\S+)/.exec(out)?.[1]?.replace('//localhost:', '//127.0.0.1:'),
  );
  const base = started.found;
  let out = started.output;
  started.child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  started.child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return {
    child: started.child,
    base,
    output: () => out,
    async metric(series) {
      const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      return (await res.text()).split('\n').find((l) => l.startsWith(`${series} `));
    },
  };
}
