// The real service process (src/main.ts, job workers on) against a throw-away PostgreSQL: backends
// terminated under load, then PostgreSQL restarted twice. The process must stay up, answer 503 with
// Retry-After (and /readyz within a second) while the database is gone, and serve again once it is back,
// without being restarted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startService, throwAwayPostgres, until, type ServiceProcess, type ThrowAwayPostgres } from '../../scripts/chaos-lib.js';
import { waitFor } from '../helpers/wait-for.js';

let db: ThrowAwayPostgres;
let svc: ServiceProcess;

beforeAll(async () => {
  db = await throwAwayPostgres();
  svc = await startService(
    'service',
    {
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      DISCORD_PUBLIC_KEY: 'a'.repeat(64),
      DISCORD_APPLICATION_ID: '123456789012345678',
      DISCORD_BOT_TOKEN: 'test-bot-token-xxxxxxxxxxxxxxxxxxxx',
      DISCORD_API_BASE_URL: 'http://127.0.0.1:9/api',
      SESSION_SECRET: 'test-session-secret-test-session-secret',
      INVOICE_LINK_SIGNING_SECRET: 'test-invoice-secret-test-invoice-secret',
      PAYPAL_API_BASE_URL: 'http://127.0.0.1:9',
      DATABASE_ACQUIRE_TIMEOUT_MS: '1000',
      WORKER_CONCURRENCY: '2',
      READY_TIMEOUT_MS: '900',
    },
    { timeoutMs: 150_000 },
  );
}, 240_000);
afterAll(async () => {
  await svc?.kill('SIGKILL');
  await db?.destroy();
});

const api = () => call(`${svc.baseUrl}/api/orders`, { headers: { authorization: 'Bearer ll_live_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' } });
const alive = () => svc.child.exitCode === null && svc.child.signalCode === null;

describe('the service survives database faults', () => {
  it('keeps running while its backends are terminated under load', async () => {
    expect((await api()).status).toBe(401); // the database answered: the key is unknown
    let stop = false;
    const statuses: number[] = [];
    const load = Promise.all(
      Array.from({ length: 8 }, async () => {
        while (!stop) statuses.push((await api()).status);
      }),
    );
    for (let i = 0; i < 6; i++) {
      // Terminate under load: once the load has had answers since the last round.
      const before = statuses.length;
      await waitFor('answers since the last termination', () => statuses.length >= before + 4);
      await db.terminateBackends();
    }
    stop = true;
    await load;
    expect(alive(), svc.output()).toBe(true);
    // Every answer was either the normal one or a "try again" (never a 500 or a refused connection).
    expect(
      statuses.filter((s) => s !== 401 && s !== 503),
      svc.output().slice(-3000),
    ).toEqual([]);
    expect((await until(api, (r) => r.status === 401, 45_000)).status).toBe(401);
  }, 240_000);

  it('answers 503 + Retry-After while PostgreSQL is down, and serves again after each restart', async () => {
    for (let round = 0; round < 2; round++) {
      await db.stop();
      const down = await api();
      expect(down.status).toBe(503);
      expect(down.headers.get('retry-after')).toBeTruthy();
      expect(JSON.parse(down.body).error.code).toBe('DATABASE_UNAVAILABLE');
      // The bound is the service's own timer (READY_TIMEOUT_MS); the client's is a budget for a hang.
      const ready = await call(`${svc.baseUrl}/readyz`, { timeoutMs: 30_000 });
      expect(ready.status).toBe(503);
      expect(JSON.parse(ready.body).database).toBeTruthy();
      // Let the job workers hit the dead database for a while too. A fixed time on purpose: their polls (every
      // second) fail meanwhile and nothing marks that (graphile-worker's own log is silenced); the check is only
      // that the process is still up after such a spell.
      await new Promise((r) => setTimeout(r, 2_500));
      expect(alive(), svc.output()).toBe(true);

      await db.start();
      const back = await until(
        () => call(`${svc.baseUrl}/readyz`),
        (r) => r.status === 200,
        90_000,
      );
      expect(back.status, svc.output().slice(-3000)).toBe(200);
      expect((await api()).status).toBe(401);
      expect(alive(), svc.output()).toBe(true);
    }
    expect(svc.exits).toEqual([]);
  }, 300_000);
});
