// /readyz answers within a second whatever the database does, saying what is wrong.
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { healthRoutes } from '../../../src/surfaces/http/health.routes.js';

const appWith = (checkDatabase: () => Promise<void>) => express().use(healthRoutes({ checkDatabase, timeoutMs: 300 }));

describe('/readyz', () => {
  it('a frozen database (no answer at all): 503 within the bound, saying so', async () => {
    const res = await request(appWith(() => new Promise<void>(() => undefined)))
      .get('/readyz')
      .timeout(30_000); // a budget for a hang: the bound checked is the route's own 300 ms timer, named in the answer
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBeTruthy();
    expect(res.body).toEqual({ status: 'unavailable', database: 'no answer within 300 ms' });
  });

  it('a refused connection: 503 "unreachable"', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const res = await request(appWith(() => Promise.reject(refused))).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body.database).toBe('unreachable');
  });

  it('ready: 200', async () => {
    const res = await request(appWith(() => Promise.resolve())).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', database: 'ok' });
  });
});
