// An operator command (scripts/<name>.ts) run as an operator runs it, in a child process with only `env` (no
// DATABASE_URL of this process unless given), `stdin` written and closed; its exit code and everything it printed.
import { spawn } from 'node:child_process';

export function runOperatorCommand(
  script: string,
  args: string[],
  opts: { env: Record<string, string>; stdin?: string; budgetMs: number },
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'silent', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.stdin.end(opts.stdin ?? '');
    // A budget for a command that hangs, not a speed check.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not exit:\n${out}`));
    }, opts.budgetMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}
