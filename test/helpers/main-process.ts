// Starts the service's start command (src/main.ts through tsx) as a child process, with the machine's PATH and
// HOME and JSON logs, plus `env`: for tests of start-up itself (bad configuration, process roles, priority). The
// development fake BTCPay takes a free port unless the test names one: its fixed default (DEV_BTCPAY_PORT) would
// be taken by a developer's own `npm start`, or by another test file's start running beside this one.
import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { waitFor } from './wait-for.js';

/** The start command's arguments to node. */
export const MAIN_ARGS = ['--import', 'tsx', 'src/main.ts'];

/** The environment spawnMain gives src/main.ts: `env` over the defaults above. */
export function mainEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_PRETTY: 'false', DEV_BTCPAY_PORT: '0', ...env };
}

/**
 * Node arguments that make the process append the URL of every module it loads to `file` (loaded-modules.hook.mjs).
 * Registered after tsx's hooks, so it sees every module, TypeScript sources included, before tsx compiles it.
 */
export function logLoadedModulesArgs(file: string): string[] {
  const hook = new URL('./loaded-modules.hook.mjs', import.meta.url).href;
  const register = `import { register } from 'node:module'; register(${JSON.stringify(hook)}, { data: { file: ${JSON.stringify(file)} } });`;
  return ['--import', `data:text/javascript,${encodeURIComponent(register)}`];
}

/** Starts src/main.ts with `env`; `nodeArgs` go after the TypeScript loader (e.g. logLoadedModulesArgs). */
export function spawnMain(env: Record<string, string>, nodeArgs: string[] = []): ChildProcessByStdio<null, Readable, Readable> {
  const args = [...MAIN_ARGS.slice(0, -1), ...nodeArgs, ...MAIN_ARGS.slice(-1)];
  return spawn(process.execPath, args, { env: mainEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A started src/main.ts serving HTTP: its process, its exit code once it exits, its output so far, and its port. */
export interface ServingMain {
  child: ChildProcessByStdio<null, Readable, Readable>;
  exited: Promise<number | null>;
  output(): string;
  port: number;
}

/**
 * Starts src/main.ts with `env` (over a web-only process on a free port of 127.0.0.1, JSON logs at info) and resolves
 * once its banner names the port it listens on; the child is added to `children` for the caller to kill.
 */
export async function startServingMain(env: Record<string, string>, children: ChildProcess[]): Promise<ServingMain> {
  const child = spawnMain({ LOG_LEVEL: 'info', PORT: '0', HOST: '127.0.0.1', PROCESS_ROLES: 'web', ...env });
  children.push(child);
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await waitFor(
    () => `the service's address:\n${output}`,
    () => {
      if (child.exitCode !== null) throw new Error(`the service exited (${child.exitCode}):\n${output}`);
      return /running at http:\/\/localhost:(\d+)/.exec(output)?.[1];
    },
    { timeoutMs: 120_000 },
  );
  return { child, exited, output: () => output, port: Number(port) };
}
