// The start command's bad-input paths: each ends with one clear message and a non-zero exit.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../helpers/db.js';
import { logLoadedModulesArgs, spawnMain } from '../helpers/main-process.js';

// Each start compiles src/main.ts with tsx: seconds on a quiet machine, much longer on a busy one. The budget is
// for a start that hangs, not a speed check.
const START_BUDGET_MS = 100_000;

/** A module of the application proper or of its heavy dependencies (what start.ts loads, not main.ts). */
const APPLICATION_MODULE =
  /\/src\/(start|app|container)\.ts$|\/src\/(surfaces|modules|adapters|dev|seed)\/|\/node_modules\/(adminjs|@adminjs|@prisma|pg|graphile-worker)\//;

function start(env: Record<string, string>, nodeArgs: string[] = []): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawnMain({ LOG_LEVEL: 'warn', WORKERS_ENABLED: 'false', ...env }, nodeArgs);
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`start did not exit within ${START_BUDGET_MS} ms:\n${output}`));
    }, START_BUDGET_MS);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('start command failures', { timeout: START_BUDGET_MS + 10_000 }, () => {
  it('lists every invalid variable in one message', async () => {
    const { code, output } = await start({ PORT: 'abc', DATABASE_URL: 'mysql://nope', DISCORD_PUBLIC_KEY: 'xyz' });
    expect(code).toBe(1);
    expect(output).toContain('Invalid configuration');
    expect(output).toMatch(/PORT/);
    expect(output).toMatch(/DATABASE_URL/);
    expect(output).toMatch(/DISCORD_PUBLIC_KEY/);
    expect(output).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('says the configuration is bad before it loads the application (an operator fixing it line by line does not wait)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'll-start-modules-'));
    try {
      const file = join(dir, 'loaded.txt');
      const { code, output } = await start({ PORT: 'abc' }, logLoadedModulesArgs(file));
      expect(code).toBe(1);
      expect(output).toContain('PORT: Invalid input');
      const loaded = readFileSync(file, 'utf8').split('\n').filter(Boolean);
      expect(loaded.some((url) => url.endsWith('/src/config/env.ts'))).toBe(true); // the log holds what was loaded
      // The application and its heavy dependencies were never loaded: main.ts stopped on the configuration first.
      expect(loaded.filter((url) => APPLICATION_MODULE.test(url))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names TRUST_PROXY when Express would refuse its value, with the other problems and before the database', async () => {
    // "yes" reads as true to the boolean variables; Express reads it as an address and refused it only after the
    // migrations, with "invalid IP address: yes" and no variable named.
    const { code, output } = await start({ TRUST_PROXY: 'yes', PORT: 'abc', DATABASE_URL: testDatabaseUrl() });
    expect(code).toBe(1);
    expect(output).toContain('Invalid configuration');
    expect(output).toContain('TRUST_PROXY: invalid IP address: yes');
    expect(output).toMatch(/PORT/);
  });

  it('says when DATABASE_URL cannot be reached', async () => {
    // Start-up tries again for DATABASE_START_TIMEOUT_MS (10 s by default) before it gives up; nothing answers there.
    const { code, output } = await start({
      DATABASE_URL: 'postgresql://u:secret@127.0.0.1:1/x',
      PORT: '0',
      DATABASE_START_TIMEOUT_MS: '1000',
    });
    expect(code).toBe(1);
    expect(output).toContain('cannot reach the database at 127.0.0.1:1/x');
    expect(output).not.toContain('secret');
  });

  describe('with a port already taken', () => {
    let blocker: Server;
    let port: number;
    beforeAll(async () => {
      blocker = createServer();
      await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
      port = (blocker.address() as { port: number }).port;
    });
    afterAll(() => new Promise<void>((r) => blocker.close(() => r())));

    it('says the port is in use', async () => {
      const { code, output } = await start({ DATABASE_URL: testDatabaseUrl(), PORT: String(port), HOST: '127.0.0.1' });
      expect(code).toBe(1);
      expect(output).toContain(`PORT: ${port} is already in use`);
    });

    it("refuses a PORT that is the development fake BTCPay's port, naming both (it read as another program's)", async () => {
      const free = await new Promise<number>((r) => {
        const s = createServer().listen(0, '127.0.0.1', () => {
          const { port: p } = s.address() as { port: number };
          s.close(() => r(p));
        });
      });
      const { code, output } = await start({
        DATABASE_URL: testDatabaseUrl(),
        PORT: String(free),
        HOST: '127.0.0.1',
        DEV_BTCPAY_PORT: String(free),
      });
      expect(code).toBe(1);
      expect(output).toContain(`PORT: ${free} is also DEV_BTCPAY_PORT`);
      expect(output).toContain('set PORT or DEV_BTCPAY_PORT to another port');
    });

    it("says the development fake BTCPay's fixed port is in use, and how to choose another", async () => {
      const { code, output } = await start({
        DATABASE_URL: testDatabaseUrl(),
        PORT: '0',
        HOST: '127.0.0.1',
        DEV_BTCPAY_PORT: String(port),
      });
      expect(code).toBe(1);
      expect(output).toContain(`DEV_BTCPAY_PORT: ${port} is already in use on 127.0.0.1`);
      expect(output).toContain('set DEV_BTCPAY_PORT to a free port');
      expect(output).not.toMatch(/\n\s+at /); // no stack trace
    });
  });
});
