import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { signDiscordBody, generateDiscordTestKeys } from '../helpers/discord-signer.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.services.close();
});

describe('health', () => {
  it('answers /healthz and /readyz', async () => {
    await request(t.app).get('/healthz').expect(200, { status: 'ok' });
    const res = await request(t.app).get('/readyz').expect(200);
    expect(res.body).toEqual({ status: 'ready', database: 'ok' });
  });
});

describe('the tab icon', () => {
  it('is an SVG at /favicon.svg and at /favicon.ico, where every browser asks for it', async () => {
    for (const path of ['/favicon.svg', '/favicon.ico']) {
      const res = await request(t.app).get(path).buffer(true).expect(200);
      expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/);
      expect(res.headers['cache-control']).toBe('public, max-age=86400');
      expect(String(res.body)).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    }
  });
});

describe('errors', () => {
  it('answers unknown routes with the JSON error body and a request id', async () => {
    const res = await request(t.app).get('/nope').expect(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    expect(res.body.error.requestId).toBe(res.headers['x-request-id']);
  });
});

describe('discord endpoint signature', () => {
  const ping = JSON.stringify({ id: '1', type: 1, application_id: '123456789012345678', token: 't', version: 1 });

  it('answers a signed PING with PONG', async () => {
    const res = await request(t.app).post('/discord/interactions').set(signDiscordBody(t.keys, ping)).send(ping).expect(200);
    expect(res.body).toEqual({ type: 1 });
  });

  it('refuses a missing signature with 401', async () => {
    await request(t.app).post('/discord/interactions').set('content-type', 'application/json').send(ping).expect(401);
  });

  it('refuses a malformed signature with 401', async () => {
    const headers = { ...signDiscordBody(t.keys, ping), 'x-signature-ed25519': 'zz' };
    await request(t.app).post('/discord/interactions').set(headers).send(ping).expect(401);
  });

  it('refuses a signature by another key with 401', async () => {
    const other = generateDiscordTestKeys();
    await request(t.app).post('/discord/interactions').set(signDiscordBody(other, ping)).send(ping).expect(401);
  });

  it('refuses a body altered after signing with 401', async () => {
    const headers = signDiscordBody(t.keys, ping);
    await request(t.app).post('/discord/interactions').set(headers).send(ping.replace('"t"', '"u"')).expect(401);
  });

  it('refuses a stale timestamp (replay) with 401', async () => {
    const old = String(Math.floor(Date.now() / 1000) - 3600);
    const res = await request(t.app)
      .post('/discord/interactions')
      .set(signDiscordBody(t.keys, ping, old))
      .send(ping)
      .expect(401);
    expect(res.body.error.message).toMatch(/stale/);
  });

  it('refuses an oversized body with 413 JSON', async () => {
    const big = JSON.stringify({ type: 1, pad: 'x'.repeat(200_000) });
    const res = await request(t.app).post('/discord/interactions').set(signDiscordBody(t.keys, big)).send(big).expect(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});
