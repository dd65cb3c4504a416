import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { testDb } from '../../helpers/db.js';
import type { Clock } from '../../../src/platform/clock.js';
import { apiTenant, pendingOrder } from './api-fixtures.js';

// The app's clock stands still at a whole second (tests move it by hand): a link's expiresAt is then exactly
// its issue time plus its lifetime, however long the request took on a loaded machine.
let nowMs = Math.floor(Date.now() / 1000) * 1000;
const clock: Clock = { now: () => new Date(nowMs) };
let t: TestApp;
let shop: Awaited<ReturnType<typeof apiTenant>>;

beforeAll(async () => {
  t = await createTestApp({ clock });
  shop = await apiTenant(t);
});
afterAll(async () => {
  await t.services.close();
});

describe('POST /api/orders/:id/invoice-link', () => {
  it('returns a signed link that expires in 7 days by default, built from the request origin', async () => {
    const order = await pendingOrder(shop);
    const res = await request(t.app)
      .post(`/api/orders/${order.id}/invoice-link`)
      .set(shop.auth)
      .set('host', 'shop.example:8080')
      .expect(201);
    expect(res.body.url).toMatch(/^http:\/\/shop\.example:8080\/invoice\/[\w-]+\.[\w-]{43}$/);
    expect(Date.parse(res.body.expiresAt)).toBe(nowMs + 7 * 86400_000);
    expect(res.body.paymentMethods).toEqual([]); // no processor configured in this app
    const page = await request(t.app).get(new URL(res.body.url).pathname).expect(200);
    expect(page.text).toContain(`Order #${order.number}`);
    const audit = await testDb().auditLog.findMany({ where: { entityId: order.id, action: 'order.invoice_link_created' } });
    expect(audit).toEqual([expect.objectContaining({ actorType: 'API_KEY', actorId: shop.keyRecord.id })]);
  });

  it('honours expiresInSeconds, and the link stops working once that time has passed', async () => {
    const order = await pendingOrder(shop);
    const res = await request(t.app).post(`/api/orders/${order.id}/invoice-link`).set(shop.auth).send({ expiresInSeconds: 1 }).expect(201);
    expect(Date.parse(res.body.expiresAt)).toBe(nowMs + 1000);
    const path = new URL(res.body.url).pathname;
    await request(t.app).get(path).expect(200); // still valid at its issue time
    nowMs += 2000;
    const page = await request(t.app).get(path).expect(410);
    expect(page.text).toContain('expired');
  });

  it('refuses invalid lifetimes with 400 naming expiresInSeconds', async () => {
    const order = await pendingOrder(shop);
    for (const expiresInSeconds of [0, -5, 1.5, '3600', 90 * 86400 + 1, null]) {
      const res = await request(t.app).post(`/api/orders/${order.id}/invoice-link`).set(shop.auth).send({ expiresInSeconds });
      expect(res.status, String(expiresInSeconds)).toBe(400);
      expect(res.body.error.details.fields[0].path).toBe('expiresInSeconds');
    }
    await request(t.app)
      .post(`/api/orders/${order.id}/invoice-link`)
      .set(shop.auth)
      .send({ expiresInSeconds: 90 * 86400 })
      .expect(201);
    await request(t.app).post(`/api/orders/${order.id}/invoice-link`).set(shop.auth).send({ ttl: 5 }).expect(400);
  });

  it('refuses orders that are paid, cancelled or refunded with 409', async () => {
    for (const status of ['PAID', 'CANCELLED', 'REFUNDED'] as const) {
      const order = await pendingOrder(shop, { status });
      const res = await request(t.app).post(`/api/orders/${order.id}/invoice-link`).set(shop.auth).expect(409);
      expect(res.body.error).toMatchObject({ code: 'ILLEGAL_STATE' });
      expect(res.body.error.message).toContain(status);
    }
  });

  it('answers 503 INVOICE_LINK_DISABLED with a clear message when the signing secret is unset', async () => {
    const noSecret = await createTestApp({ env: { INVOICE_LINK_SIGNING_SECRET: '' } });
    try {
      const s = await apiTenant(noSecret);
      const order = await pendingOrder(s);
      const res = await request(noSecret.app).post(`/api/orders/${order.id}/invoice-link`).set(s.auth).expect(503);
      expect(res.body.error.code).toBe('INVOICE_LINK_DISABLED');
      expect(res.body.error.message).toContain('INVOICE_LINK_SIGNING_SECRET');
    } finally {
      await noSecret.services.close();
    }
  });

  it('uses PUBLIC_BASE_URL when set', async () => {
    const withBase = await createTestApp({ env: { PUBLIC_BASE_URL: 'https://pay.moonlight.example/' } });
    try {
      const s = await apiTenant(withBase);
      const order = await pendingOrder(s);
      const res = await request(withBase.app)
        .post(`/api/orders/${order.id}/invoice-link`)
        .set(s.auth)
        .set('host', 'evil.example')
        .expect(201);
      expect(res.body.url).toMatch(/^https:\/\/pay\.moonlight\.example\/invoice\//);
      expect(await testDb().order.count({ where: { id: order.id, status: 'PENDING_PAYMENT' } })).toBe(1);
    } finally {
      await withBase.services.close();
    }
  });
});
