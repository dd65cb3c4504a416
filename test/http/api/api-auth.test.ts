// Security cases shared by every endpoint: no key, bad key, revoked key, another tenant's order, bodies.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppError } from '../../../src/platform/errors.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { testDb } from '../../helpers/db.js';
import { apiTenant, pendingOrder } from './api-fixtures.js';
import { adminCtx as asAdmin } from '../../helpers/actors.js';

let t: TestApp;
let shop: Awaited<ReturnType<typeof apiTenant>>;
let other: Awaited<ReturnType<typeof apiTenant>>;
let otherOrderId: string;

beforeAll(async () => {
  t = await createTestApp();
  shop = await apiTenant(t);
  other = await apiTenant(t);
  otherOrderId = (await pendingOrder(other)).id;
});
afterAll(async () => {
  await t.services.close();
});

const endpoints = (id: string): [string, string, object?][] => [
  ['get', '/api/orders'],
  ['get', `/api/orders/${id}`],
  ['patch', `/api/orders/${id}`, { notes: 'x' }],
  ['post', `/api/orders/${id}/invoice-link`, {}],
  ['post', `/api/orders/${id}/payment-window`, { extendByMinutes: 60 }],
  ['post', `/api/orders/${id}/payment/confirm`, {}],
  ['post', `/api/orders/${id}/payment/reject`, { reason: 'no funds' }],
  ['post', `/api/orders/${id}/refunds`, {}],
  ['post', `/api/orders/${id}/refunds/preview`, {}],
  ['get', '/api/products'],
];

function call(method: string, path: string, headers: Record<string, string>, body?: object) {
  const req = (request(t.app) as unknown as Record<string, (p: string) => request.Test>)[method]!(path).set(headers);
  return body ? req.send(body) : req;
}

describe('API authentication', () => {
  it('answers every endpoint without a key with 401 UNAUTHENTICATED in the error body', async () => {
    for (const [method, path, body] of endpoints(otherOrderId)) {
      const res = await call(method, path, {}, body);
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.body.error).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(res.body.error.requestId).toBe(res.headers['x-request-id']);
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
  });

  it('refuses malformed, unknown and non-Bearer credentials', async () => {
    const bad = [
      'Bearer',
      'Bearer ',
      `Basic ${Buffer.from('a:b').toString('base64')}`,
      'Bearer ll_live_short',
      `Bearer ll_live_${'A'.repeat(32)}`,
      `Bearer ${shop.key}x`,
      shop.key,
    ];
    for (const authorization of bad) {
      const res = await request(t.app).get('/api/orders').set({ authorization });
      expect(res.status, authorization).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHENTICATED');
    }
  });

  it('accepts a valid key, records when it was last used, and refuses it once revoked', async () => {
    const fresh = await t.services.apiKeys.create(asAdmin(shop.tenant.id), 'to revoke', 'READ_WRITE');
    await request(t.app)
      .get('/api/products')
      .set({ authorization: `Bearer ${fresh.key}` })
      .expect(200);
    expect((await testDb().apiKey.findUniqueOrThrow({ where: { id: fresh.record.id } })).lastUsedAt).toBeInstanceOf(Date);
    await t.services.apiKeys.revoke(asAdmin(shop.tenant.id), fresh.record.id);
    const res = await request(t.app)
      .get('/api/products')
      .set({ authorization: `Bearer ${fresh.key}` })
      .expect(401);
    expect(res.body.error.message).toMatch(/revoked/);
  });

  it("answers 404 for another tenant's order on every order endpoint and changes nothing", async () => {
    for (const [method, path, body] of endpoints(otherOrderId).filter(([, p]) => p.includes(otherOrderId))) {
      const res = await call(method, path, shop.auth, body);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    }
    const order = await testDb().order.findUniqueOrThrow({ where: { id: otherOrderId } });
    expect(order.status).toBe('PENDING_PAYMENT');
    expect(order.notes).toBeNull();
    const list = await request(t.app).get('/api/orders').set(shop.auth).expect(200);
    expect(list.body.data.map((o: { id: string }) => o.id)).not.toContain(otherOrderId);
  });
});

describe('API bodies', () => {
  it('refuses an oversize body with 413 PAYLOAD_TOO_LARGE', async () => {
    const order = await pendingOrder(shop);
    const res = await request(t.app)
      .patch(`/api/orders/${order.id}`)
      .set(shop.auth)
      .send({ notes: 'x'.repeat(200_000) })
      .expect(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses malformed JSON and non-JSON bodies with 400 instead of ignoring them', async () => {
    const order = await pendingOrder(shop, { status: 'PAID', paymentStatus: 'paid' });
    const bad = await request(t.app)
      .post(`/api/orders/${order.id}/refunds`)
      .set(shop.auth)
      .set('content-type', 'application/json')
      .send('{"amountCents": 5')
      .expect(400);
    expect(bad.body.error.message).toMatch(/not valid JSON/);
    const text = await request(t.app)
      .post(`/api/orders/${order.id}/refunds`)
      .set(shop.auth)
      .set('content-type', 'text/plain')
      .send('{"amountCents":500}')
      .expect(400);
    expect(text.body.error.message).toMatch(/Content-Type: application\/json/);
    expect(await testDb().refund.count({ where: { orderId: order.id } })).toBe(0);
  });
});

describe('api key service', () => {
  it('creates ll_live_ secrets stored only as a hash, lists without hashes, revokes per tenant', async () => {
    const { key, record } = await t.services.apiKeys.create(asAdmin(shop.tenant.id), '  CI export  ', 'READ_WRITE');
    expect(key).toMatch(/^ll_live_[A-Za-z0-9_-]{32}$/);
    expect(record).toMatchObject({ name: 'CI export', prefix: key.slice(0, 14), tenantId: shop.tenant.id });
    expect(record).not.toHaveProperty('hash');
    const row = await testDb().apiKey.findUniqueOrThrow({ where: { id: record.id } });
    expect(row.hash).not.toContain(key.slice(8));
    expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
    expect((await t.services.apiKeys.list(shop.tenant.id)).every((k) => !('hash' in k))).toBe(true);
    expect(await t.services.apiKeys.authenticate(key)).toEqual({
      tenantId: shop.tenant.id,
      apiKeyId: record.id,
      name: 'CI export',
      access: 'READ_WRITE',
    });

    const err = await t.services.apiKeys.revoke(asAdmin(other.tenant.id), record.id).catch((e: unknown) => e);
    expect((err as AppError).code).toBe('NOT_FOUND');
    expect((await t.services.apiKeys.authenticate(key)).apiKeyId).toBe(record.id);
    const revoked = await t.services.apiKeys.revoke(asAdmin(shop.tenant.id), record.id);
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    expect((await t.services.apiKeys.revoke(asAdmin(shop.tenant.id), record.id)).revokedAt).toEqual(revoked.revokedAt);
    // Who created and who revoked it is on the audit trail, once each (the repeated revoke changed nothing).
    const trail = await t.services.audit.listFor(shop.tenant.id, 'ApiKey', record.id);
    expect(trail.map((e) => [e.action, e.actorType, e.actorId])).toEqual([
      ['api_key.created', 'PANEL_ADMIN', 'adm_test'],
      ['api_key.revoked', 'PANEL_ADMIN', 'adm_test'],
    ]);
    expect(JSON.stringify(trail)).not.toContain(key);
    expect(((await t.services.apiKeys.authenticate(key).catch((e: unknown) => e)) as AppError).code).toBe('UNAUTHENTICATED');
  });

  it('refuses an empty name and an unknown tenant', async () => {
    expect(((await t.services.apiKeys.create(asAdmin(shop.tenant.id), '  ', 'READ_WRITE').catch((e: unknown) => e)) as AppError).code).toBe(
      'VALIDATION_FAILED',
    );
    expect(((await t.services.apiKeys.create(asAdmin('ten_nope'), 'x', 'READ_WRITE').catch((e: unknown) => e)) as AppError).code).toBe(
      'NOT_FOUND',
    );
  });
});
