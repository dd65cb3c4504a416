// Starts the service's start command (src/main.ts through tsx) as a child process, with the machine's PATH and
// HOME and JSON logs, plus `env`: for tests of start-up itself (bad configuration, process roles, priority). The
// development fake BTCPay takes a free port unless the test names one: its fixed default (DEV_BTCPAY_PORT) would
// be taken by a developer's own `npm start`, or by another test file's start running beside this one.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';

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
