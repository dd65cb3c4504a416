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
import { startSupervisedMain, stopDevMains } from '../helpers/dev-start.js';
import { waitFor } from '../helpers/wait-for.js';

const children: ChildProcess[] = [];
const supervised: SupervisedWorker[] = [];

afterAll(async () => {
  for (const w of supervised) await w.stop(10_000);
  await stopDevMains(children);
});

describe('the supervised job worker child dies', () => {
  it("is started again and counted in the parent's /metrics", async () => {
    const main = await startSupervisedMain({ LOG_LEVEL: 'info' }, children);
    const output = main.output;
    const workerPids = () => [...output().matchAll(/"workerPid":(\d+)/g)].map((m) => Number(m[1]));
    const restarts = () => main.metric('ledgerline_job_worker_restarts_total');

    const [first] = await waitFor(
      () => `the job worker child to start:\n${output().slice(-3000)}`,
      () => workerPids().length === 1 && workerPids(),
    );
    // The child is running its job worker before it is killed (a kill while it loads is the same exit).
    await waitFor(
      () => `the job worker to run:\n${output().slice(-3000)}`,
      () => output().includes('job worker running'),
    );
    expect(await restarts()).toBe('ledgerline_job_worker_restarts_total 0');

    process.kill(first!, 'SIGKILL');
    await waitFor(
      () => `the job worker child to be started again:\n${output().slice(-3000)}`,
      () => workerPids().length === 2,
      { timeoutMs: 120_000 },
    );
    expect(await restarts()).toBe('ledgerline_job_worker_restarts_total 1');
    expect(output()).toContain('the job worker process exited; restarting it');
    expect((await (await fetch(`${main.base}/readyz`)).json()) as unknown).toEqual({ status: 'ready', database: 'ok' });
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
