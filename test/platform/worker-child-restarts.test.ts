// A job worker child that dies shows on its supervisor's /metrics and /readyz, not only in the log. First the whole
// service as `npm start` runs it (src/main.ts, PROCESS_ROLES unset: the job worker in a supervised child) on the test
// file's own database: the child is killed, the parent starts it again and counts it in
// ledgerline_job_worker_restarts_total. Then a child that keeps exiting, with its restart far off: /readyz says it
// is down (still 200: requests are served, the jobs wait in the queue).
import type { ChildProcess } from 'node:child_process';
import express from 'express';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/platform/logger.js';
import { createMetrics } from '../../src/platform/metrics.js';
import { superviseWorkerProcess, watchWorkerChild, type SupervisedWorker } from '../../src/platform/jobs/worker-process.js';
import { healthRoutes } from '../../src/surfaces/http/health.routes.js';
import { TEST_SECRETS_KEYS } from '../helpers/app.js';
import { startMainUntil } from '../helpers/dev-start.js';
import { waitFor } from '../helpers/wait-for.js';

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';
const children: ChildProcess[] = [];
const supervised: SupervisedWorker[] = [];

afterAll(async () => {
  for (const w of supervised) await w.stop(10_000);
  // SIGTERM: the parent stops its child in order before it exits (no job worker left on the file's database).
  for (const child of children.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
});

describe('the supervised job worker child dies', () => {
  it("is started again and counted in the parent's /metrics", async () => {
    const started = await startMainUntil(
      {
        PROCESS_ROLES: '', // unset: the job worker runs in a supervised child
        NODE_ENV: 'test',
        DISCORD_PUBLIC_KEY: 'a'.repeat(64),
        DISCORD_APPLICATION_ID: '123456789012345678',
        DISCORD_GATEWAY_ENABLED: 'false',
        PAYPAL_API_BASE_URL: 'http://127.0.0.1:9',
        SQUARE_API_BASE_URL: 'http://127.0.0.1:9',
        SECRETS_ENCRYPTION_KEYS: TEST_SECRETS_KEYS,
        METRICS_TOKEN,
        LOG_LEVEL: 'info',
      },
      children,
      (out) => /Ledgerline is running at (http:\/\/\S+)/.exec(out)?.[1]?.replace('//localhost:', '//127.0.0.1:'),
    );
    const base = started.found;
    let out = started.output;
    started.child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    started.child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const workerPids = () => [...out.matchAll(/"workerPid":(\d+)/g)].map((m) => Number(m[1]));
    const restarts = async () => {
      const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      return (await res.text()).split('\n').find((l) => l.startsWith('ledgerline_job_worker_restarts_total '));
    };

    const [first] = await waitFor(
      () => `the job worker child to start:\n${out.slice(-3000)}`,
      () => workerPids().length === 1 && workerPids(),
    );
    // The child is running its job worker before it is killed (a kill while it loads is the same exit).
    await waitFor(
      () => `the job worker to run:\n${out.slice(-3000)}`,
      () => out.includes('job worker running'),
    );
    expect(await restarts()).toBe('ledgerline_job_worker_restarts_total 0');

    process.kill(first!, 'SIGKILL');
    await waitFor(
      () => `the job worker child to be started again:\n${out.slice(-3000)}`,
      () => workerPids().length === 2,
      { timeoutMs: 120_000 },
    );
    expect(await restarts()).toBe('ledgerline_job_worker_restarts_total 1');
    expect(out).toContain('the job worker process exited; restarting it');
    expect((await (await fetch(`${base}/readyz`)).json()) as unknown).toEqual({ status: 'ready', database: 'ok' });
  }, 180_000);

  it('while it waits for its restart, /readyz says so (still 200) and /metrics has counted it', async () => {
    const metrics = createMetrics();
    const watch = watchWorkerChild(() => metrics.workerRestarts.inc());
    const app = express().use(healthRoutes({ checkDatabase: () => Promise.resolve(), jobWorkerDownSince: watch.downSince }));
    expect((await request(app).get('/readyz')).body).toEqual({ status: 'ready', database: 'ok' });

    // A child that exits at once; its restart is 30 s off (a quick exit doubles the delay, up to 30 s): down for the test.
    supervised.push(
      superviseWorkerProcess({
        logger: createLogger({ level: 'silent', pretty: false }),
        env: {},
        args: ['-e', 'process.exit(3)'],
        restartDelayMs: 600_000,
        watch,
      }),
    );
    await waitFor('the child to exit', () => watch.downSince());

    const ready = await request(app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      status: 'ready',
      database: 'ok',
      jobWorker: expect.stringMatching(/^exited at \d{4}-\d\d-\d\dT.+Z; restarting it$/),
    });
    expect(await metrics.registry.getSingleMetricAsString('ledgerline_job_worker_restarts_total')).toContain(
      'ledgerline_job_worker_restarts_total 1',
    );
  });
});
