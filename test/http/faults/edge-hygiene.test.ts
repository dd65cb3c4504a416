// The edge under bad input and bad neighbours: standard 4xx bodies for malformed input, security headers on
// every surface, rate limits kept in PostgreSQL (429 + Retry-After), and TRUST_PROXY deciding whose
// X-Forwarded-* and X-Request-Id to believe.
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { createTestApp } from '../../helpers/app.js';
import { signDiscordBody } from '../../helpers/discord-signer.js';
import { testDb } from '../../helpers/db.js';
import { apiTenant, useApiShop, pendingOrder } from '../api/api-fixtures.js';

const { t, shop } = useApiShop();
// Counters are per client address, and every request here comes from loopback: start each test afresh.
beforeEach(async () => {
  await testDb().rateLimit.deleteMany();
});

const standardError = (body: { error?: { code?: string; message?: string; requestId?: string } }) => {
  expect(body.error?.code).toBeTruthy();
  expect(body.error?.message).toBeTruthy();
  expect(body.error?.requestId).toBeTruthy();
};

describe('malformed input answers 4xx with the standard error body', () => {
  it('a NUL byte in a text field', async () => {
    const order = await pendingOrder(shop);
    const res = await request(t.app).patch(`/api/orders/${order.id}`).set(shop.auth).send({ notes: 'a\u0000b' });
    expect(res.status).toBe(400);
    standardError(res.body);
    expect(res.body.error.message).toContain('body.notes');
  });

  it('a lone surrogate in a text field', async () => {
    const order = await pendingOrder(shop);
    const res = await request(t.app)
      .patch(`/api/orders/${order.id}`)
      .set(shop.auth)
      .set('Content-Type', 'application/json')
      .send('{"notes":"x\\ud800y"}');
    expect(res.status).toBe(400);
    standardError(res.body);
  });

  it('a body that says gzip but is not', async () => {
    const order = await pendingOrder(shop);
    const res = await request(t.app)
      .patch(`/api/orders/${order.id}`)
      .set(shop.auth)
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .serialize((b: unknown) => b as string)
      .send(Buffer.from('this is not gzip'));
    expect(res.status).toBe(400);
    standardError(res.body);
    // Real gzip still works.
    const ok = await request(t.app)
      .patch(`/api/orders/${order.id}`)
      .set(shop.auth)
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .serialize((b: unknown) => b as string)
      .send(gzipSync('{"notes":"zipped"}'));
    expect(ok.body).toMatchObject({ notes: 'zipped' });
    expect(ok.status).toBe(200);
  });

  it('%ZZ in a path', async () => {
    const res = await request(t.app).get('/api/orders/%ZZ').set(shop.auth);
    expect(res.status).toBe(400);
    standardError(res.body);
    // A customer's mangled invoice link gets the invoice pages' HTML (invoice-page.test.ts), the API its JSON.
    const invoice = await request(t.app).get('/invoice/%ZZ');
    expect(invoice.status).toBe(400);
    expect(invoice.headers['content-type']).toMatch(/text\/html/);
    expect(invoice.text).toContain('This link is not valid');
    // The message says what is malformed (it was "Malformed request" alone; found by the REST fuzz).
    const cut = await request(t.app).get('/api/orders/%E0%A4%A').set(shop.auth);
    expect(cut.status).toBe(400);
    expect(cut.body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { fields: [{ path: 'path', message: 'invalid percent-encoding' }] },
    });
    expect(cut.body.error.message).toMatch(/^Malformed request: the URL path holds a percent-encoding that does not decode/);
  });

  it('a NUL byte in a path id is refused at the edge, naming the path (found by the REST fuzz)', async () => {
    // It reached PostgreSQL, which refuses NUL in text: the caller got "Invalid parameters." naming nothing.
    const order = await pendingOrder(shop);
    for (const res of [
      await request(t.app).get('/api/v1/orders/%00').set(shop.auth),
      await request(t.app).post('/api/v1/orders/%00/payment/reject').set(shop.auth).send({ reason: 'x' }),
      await request(t.app).patch(`/api/v1/orders/${order.id}%00`).set(shop.auth).send({ trackingNumber: 'apply' }),
    ]) {
      expect(res.status).toBe(400);
      standardError(res.body);
      expect(res.body.error.message).toBe('Invalid text in path: NUL bytes and unpaired surrogates are not allowed.');
      expect(res.body.error.details).toEqual({ fields: [{ path: 'path', message: 'invalid characters' }] });
    }
    expect((await testDb().order.findUniqueOrThrow({ where: { id: order.id } })).trackingNumber).toBeNull();
  });
});

describe('security headers', () => {
  it('API answers: no-store, nosniff, a CSP that allows nothing, no framing', async () => {
    const res = await request(t.app).get('/api/orders').set(shop.auth).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['strict-transport-security']).toBeTruthy();
    const err = await request(t.app).get('/api/orders').expect(401);
    expect(err.headers['cache-control']).toBe('no-store');
  });

  it('the admin panel: a CSP that lets AdminJS run its inline scripts, never framed', async () => {
    const res = await request(t.app).get('/admin/login');
    expect(res.status).toBe(200);
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self' 'unsafe-inline'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('the Discord endpoint (mounted before the header middleware): the same headers as every JSON answer, on each outcome', async () => {
    const api = await request(t.app).get('/healthz').expect(200);
    const security = [
      'content-security-policy',
      'cross-origin-opener-policy',
      'cross-origin-resource-policy',
      'origin-agent-cluster',
      'referrer-policy',
      'strict-transport-security',
      'x-content-type-options',
      'x-dns-prefetch-control',
      'x-download-options',
      'x-frame-options',
      'x-permitted-cross-domain-policies',
      'x-xss-protection',
    ];
    const ping = JSON.stringify({ id: '1', type: 1, application_id: '123456789012345678', token: 't', version: 1 });
    const answers = [
      await request(t.app).post('/discord/interactions').set(signDiscordBody(t.keys, ping)).send(ping).expect(200),
      await request(t.app).post('/discord/interactions').set('content-type', 'application/json').send(ping).expect(401),
      await request(t.app).post('/discord/interactions').set(signDiscordBody(t.keys, '[]')).send('[]').expect(400),
      // Over the body limit: answered by the app's error handler, after the endpoint passed the error on.
      await request(t.app)
        .post('/discord/interactions')
        .set('content-type', 'application/json')
        .send(JSON.stringify({ pad: 'x'.repeat(200_000) }))
        .expect(413),
    ];
    for (const res of answers) {
      for (const h of security) expect([res.status, h, res.headers[h]]).toEqual([res.status, h, api.headers[h]]);
      expect(res.headers['x-request-id']).toMatch(/^[\w.-]{1,64}$/);
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
    // Express's routing rules still apply to its path: case and a trailing slash do not matter; GET is a 404.
    await request(t.app).post('/Discord/Interactions/').set(signDiscordBody(t.keys, ping)).send(ping).expect(200);
    await request(t.app).get('/discord/interactions').expect(404);
  });

  it('the invoice page: no-store and its own CSP', async () => {
    const res = await request(t.app).get('/invoice/not-a-token');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
  });
});

describe('rate limits kept in PostgreSQL', () => {
  it('limits /api per key, the invoice page per client address, the webhooks per source: 429 + Retry-After', async () => {
    const limited = await createTestApp({
      env: { RATE_LIMIT_API_PER_MINUTE: '3', RATE_LIMIT_INVOICE_PER_MINUTE: '2', RATE_LIMIT_WEBHOOKS_PER_MINUTE: '2' },
    });
    try {
      const s = await apiTenant(limited);
      const other = await apiTenant(limited);
      for (let i = 0; i < 3; i++) await request(limited.app).get('/api/orders').set(s.auth).expect(200);
      const over = await request(limited.app).get('/api/orders').set(s.auth);
      expect(over.status).toBe(429);
      expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
      expect(over.body.error.code).toBe('RATE_LIMITED');
      // Another key has its own budget.
      await request(limited.app).get('/api/orders').set(other.auth).expect(200);
      // A second instance on the same database shares the counters.
      const second = await createTestApp({ env: { RATE_LIMIT_API_PER_MINUTE: '3' } });
      try {
        expect((await request(second.app).get('/api/orders').set(s.auth)).status).toBe(429);
      } finally {
        await second.services.close();
      }

      for (let i = 0; i < 2; i++) await request(limited.app).get('/invoice/x.y');
      const page = await request(limited.app).get('/invoice/x.y');
      expect(page.status).toBe(429);
      expect(Number(page.headers['retry-after'])).toBeGreaterThan(0);
      // A page in the customer's browser, with the invoice page's headers (it was the API's JSON).
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.text).toMatch(
        /<h1>Too many requests<\/h1><p>This page was opened too many times from your network\. Try again in \d+ seconds?\.<\/p>/,
      );
      expect(page.headers['content-security-policy']).toContain("default-src 'none'");
      expect(page.headers['referrer-policy']).toBe('no-referrer');

      for (let i = 0; i < 2; i++) await request(limited.app).post('/webhooks/paypal/x').send({});
      const hook = await request(limited.app).post('/webhooks/paypal/x').send({});
      expect(hook.status).toBe(429);
      expect(hook.headers['retry-after']).toBeTruthy();
    } finally {
      await limited.services.close();
    }
  });
});

describe('the per-key API limit, however the key is sent', () => {
  // The limit counted the Authorization header as written, the key check reads "Bearer" in any case with any number of
  // spaces: one key had a budget per spelling. And a caller trying made-up keys got a budget per key, never a 429.
  it('counts one key once whatever the header spelling; made-up keys are limited per client address', async () => {
    const limited = await createTestApp({ env: { RATE_LIMIT_API_PER_MINUTE: '3' } });
    try {
      const s = await apiTenant(limited);
      const key = s.auth.authorization.replace(/^Bearer /, '');
      const get = (authorization: string) => request(limited.app).get('/api/orders').set('Authorization', authorization);
      await get(`Bearer ${key}`).expect(200);
      await get(`bearer ${key}`).expect(200);
      await get(`BEARER   ${key}`).expect(200);
      const over = await get(`Bearer  ${key}`);
      expect(over.status).toBe(429);
      expect(over.body.error.code).toBe('RATE_LIMITED');

      // Made-up keys from one address: each is refused as no key, and after as many as a key may send, all are refused
      // before being looked up, with Retry-After.
      for (let i = 0; i < 3; i++) expect((await get(`Bearer made-up-${i}`)).status).toBe(401);
      const guessing = await get('Bearer made-up-3');
      expect(guessing.status).toBe(429);
      expect(Number(guessing.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await limited.services.close();
    }
  });
});

describe('TRUST_PROXY', () => {
  it("behind a trusted hop: the client address from X-Forwarded-For, the caller's request id and HTTPS are believed", async () => {
    const app = await createTestApp({ env: { TRUST_PROXY: 'loopback', RATE_LIMIT_INVOICE_PER_MINUTE: '1', COOKIE_SECURE: 'true' } });
    try {
      // Two clients behind the proxy each get their own budget.
      expect((await request(app.app).get('/invoice/a.b').set('X-Forwarded-For', '203.0.113.1')).status).not.toBe(429);
      expect((await request(app.app).get('/invoice/a.b').set('X-Forwarded-For', '203.0.113.2')).status).not.toBe(429);
      expect((await request(app.app).get('/invoice/a.b').set('X-Forwarded-For', '203.0.113.1')).status).toBe(429);
      const res = await request(app.app).get('/healthz').set('X-Request-Id', 'from-the-proxy-1');
      expect(res.headers['x-request-id']).toBe('from-the-proxy-1');
      const login = await request(app.app).get('/admin/login').set('X-Forwarded-Proto', 'https');
      expect(([] as string[]).concat(login.headers['set-cookie'] ?? []).find((c) => c.startsWith('ledgerline_admin='))).toMatch(/Secure/);
      expect(login.text).not.toContain('only works over HTTPS');
    } finally {
      await app.services.close();
    }
  });

  it('from an untrusted hop: X-Forwarded-* and X-Request-Id are ignored', async () => {
    const app = await createTestApp({ env: { TRUST_PROXY: '10.0.0.0/8', RATE_LIMIT_INVOICE_PER_MINUTE: '1', COOKIE_SECURE: 'true' } });
    try {
      expect((await request(app.app).get('/invoice/a.b').set('X-Forwarded-For', '203.0.113.1')).status).not.toBe(429);
      // A spoofed address does not buy a fresh budget.
      expect((await request(app.app).get('/invoice/a.b').set('X-Forwarded-For', '203.0.113.2')).status).toBe(429);
      const res = await request(app.app).get('/healthz').set('X-Request-Id', 'planted-id');
      expect(res.headers['x-request-id']).not.toBe('planted-id');
      const login = await request(app.app).get('/admin/login').set('X-Forwarded-Proto', 'https');
      expect(login.text).toContain('only works over HTTPS');
    } finally {
      await app.services.close();
    }
  });

  it('accepts hop counts and CIDR lists with Express semantics', async () => {
    const { parseTrustProxy } = await import('../../../src/config/env.js');
    expect(parseTrustProxy('2')).toBe(2);
    expect(parseTrustProxy('true')).toBe(true);
    expect(parseTrustProxy('false')).toBe(false);
    expect(parseTrustProxy('loopback, 10.0.0.0/8')).toEqual(['loopback', '10.0.0.0/8']);
  });
});
