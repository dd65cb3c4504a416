// The first start on the embedded database creates the demo shop and prints its admin login, once. A first start
// that fails (PORT in use: the usual first-run snag, another program on 3000) must not use that "once" up: it used
// to create the shop before listening, exit on the busy port, and the next start showed no password at all (the
// shop existed), leaving the newcomer locked out of the panel without a word about how to get in.
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnMain } from '../helpers/main-process.js';
import { runOperatorCommand } from '../helpers/operator-command.js';
import { login } from '../admin/admin-helpers.js';

// Each start compiles src/main.ts with tsx and starts PostgreSQL (the first one runs initdb): seconds on a quiet
// machine, much longer on a busy one. The budget is for a start that hangs, not a speed check.
const START_BUDGET_MS = 150_000;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * Runs the start command until it exits, or until `until` shows in its output: then `meanwhile` runs (the service
 * still up), and the service is stopped with SIGTERM.
 */
function start(
  env: Record<string, string>,
  until?: string,
  meanwhile: (output: string) => Promise<void> = async () => undefined,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawnMain({ LOG_LEVEL: 'warn', NODE_ENV: 'development', WORKERS_ENABLED: 'false', ...env });
    let output = '';
    let reached = false;
    const seen = (d: Buffer) => {
      output += d;
      if (!until || reached || !output.includes(until)) return;
      reached = true;
      meanwhile(output).then(
        () => child.kill('SIGTERM'),
        (err: unknown) => {
          child.kill('SIGKILL');
          reject(err as Error);
        },
      );
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`start did not end within ${START_BUDGET_MS} ms:\n${output}`));
    }, START_BUDGET_MS);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('the demo login on the first start of the embedded database', { timeout: 3 * START_BUDGET_MS }, () => {
  let dir: string;
  let blocker: Server;
  let busyPort: number;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'll-demo-login-'));
    await chmod(dir, 0o755); // run as root, the embedded PostgreSQL runs as the postgres user, who must enter it
    blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '0.0.0.0', r));
    busyPort = (blocker.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise<void>((r) => blocker.close(() => r()));
    // A start killed on a timeout leaves its PostgreSQL running: stopped here, not left holding the folder.
    const postmaster = Number((await readFile(join(dir, 'pg', 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]);
    if (postmaster > 0) {
      try {
        process.kill(postmaster, 'SIGINT');
      } catch {
        // already gone
      }
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('is still shown by the start after one that failed on a busy port; later starts say how to reset it, and the reset works beside the service', async () => {
    // No EMBEDDED_PG_PORT: each start picks a free port, and the command must find the running one's.
    const env = { EMBEDDED_PG_DIR: join(dir, 'pg') };

    const failed = await start({ ...env, PORT: String(busyPort) });
    expect(failed.code).toBe(1);
    expect(failed.output).toContain(`PORT: ${busyPort} is already in use`);

    // Before: no password here (the failed start had made the shop), and nothing said how to get in.
    const first = await start({ ...env, PORT: String(await freePort()) }, 'Ledgerline is running');
    expect(first.output).toContain('Demo shop created. Admin panel login (shown once, keep it):');
    expect(first.output).toMatch(/password: \S{8,}/);

    // A later start names the command; run beside the service, it works on the service's database (it was refused:
    // "another Ledgerline process is already using the embedded database"), and the new password signs in.
    const port = await freePort();
    const later = await start({ ...env, PORT: String(port) }, 'Ledgerline is running', async () => {
      const reset = await runOperatorCommand('admin-password-reset', ['--email', 'admin@demo.ledgerline.local'], {
        env,
        budgetMs: START_BUDGET_MS,
      });
      expect(reset.out).toContain('Using the embedded database of the running Ledgerline');
      expect(reset.code).toBe(0);
      const password = /New password \(generated, shown once\):\s+(\S+)/.exec(reset.out)?.[1];
      expect(password).toBeDefined();
      const { res } = await login(`http://127.0.0.1:${port}`, 'admin@demo.ledgerline.local', password!);
      expect(res.status).toBe(303);
    });
    expect(later.output).not.toContain('password:');
    expect(later.output).toContain('npm run admin:password-reset -- --email admin@demo.ledgerline.local');
  });
});
