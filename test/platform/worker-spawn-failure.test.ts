// A job worker child that cannot be started at all (spawn fails: EMFILE or ENFILE when the process is out of file
// descriptors, EAGAIN, a missing program) emits 'error' and never 'exit'. The supervisor only restarted on 'exit':
// nothing started it again, /readyz did not say the worker was down, and stop() waited for an exit that never came.
// Here the program cannot start (a path that does not exist: the same 'error' without a pid).
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/platform/logger.js';
import { superviseWorkerProcess, watchWorkerChild } from '../../src/platform/jobs/worker-process.js';
import { healthRoutes } from '../../src/surfaces/http/health.routes.js';
import { waitFor } from '../helpers/wait-for.js';

describe('a job worker child that cannot be started', () => {
  it('is retried and shown down on /readyz, and stop() returns', async () => {
    const watch = watchWorkerChild();
    const worker = superviseWorkerProcess({
      logger: createLogger({ level: 'silent', pretty: false }),
      env: {},
      execPath: '/nonexistent/ledgerline-test/node',
      args: [],
      restartDelayMs: 50,
      watch,
    });
    // Started, failed, started again: each failed spawn counts as a restart.
    await waitFor('two failed starts', () => (worker.starts >= 2 && watch.restarts() >= 2 ? true : undefined));
    const app = express().use(healthRoutes({ checkDatabase: () => Promise.resolve(), jobWorkerDownSince: watch.downSince }));
    await waitFor('a moment it is down', () => watch.downSince() ?? undefined);
    expect((await request(app).get('/readyz')).body.jobWorker).toMatch(/; restarting it$/);
    await worker.stop(5_000);
  });
});
