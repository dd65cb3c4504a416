import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakePaymentProcessor } from '../../../src/dev/fake-payment-processor.js';
import { systemActor } from '../../../src/modules/shared/actor.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { startProcessorApp } from './invoice-fixtures.js';

const f = factories();
const db = testDb();
let t: TestApp;
let processor: FakePaymentProcessor;
let server: Server;

beforeAll(async () => {
  ({ t, processor } = await startProcessorApp());
  server = t.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  processor.webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhooks/payments`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await processor.stop();
  await t.services.close();
});

/** A pending order with an open checkout on the fake processor. */
async function orderWithCheckout(method = 'PAYPAL') {
  const tenant = await f.tenant();
  const customer = await f.customer({ tenantId: tenant.id });
  const order = await f.order({ tenantId: tenant.id, customerId: customer.id, totalCents: 4321 });
  const link = await t.services.invoices.createLink({ tenantId: tenant.id, actor: systemActor }, order.id);
  const res = await request(t.app).post(`${new URL(link.url).pathname}/pay`).type('form').send({ method }).expect(303);
  const checkoutId = String(res.headers.location).split('/').at(-1)!;
  return { tenant, order, checkoutId };
}

const state = async (orderId: string) => {
  const order = await db.order.findUniqueOrThrow({ where: { id: orderId }, include: { payments: true } });
  return { status: order.status, updatedAt: order.updatedAt, payments: order.payments.map((p) => ({ status: p.status, method: p.method, ref: p.providerReference, updatedAt: p.updatedAt })) };
};

describe('payment webhook', () => {
  it('confirms the order on a verified checkout.completed and stores the processor reference and method', async () => {
    const { order, checkoutId } = await orderWithCheckout('BTC_INVOICE');
    const delivery = await processor.complete(checkoutId);
    expect(delivery.status).toBe(200);
    expect(JSON.parse(delivery.responseBody)).toMatchObject({ received: true, outcome: 'confirmed', orderId: order.id });
    const s = await state(order.id);
    expect(s.status).toBe('PAID');
    expect(s.payments).toEqual([expect.objectContaining({ status: 'paid', method: 'BTC_INVOICE', ref: checkoutId })]);
    const p = await db.payment.findFirstOrThrow({ where: { orderId: order.id } });
    expect(p.confirmedByType).toBe('SYSTEM');
  });

  it('changes nothing when the same webhook is replayed', async () => {
    const { order, checkoutId } = await orderWithCheckout();
    await processor.complete(checkoutId);
    const before = await state(order.id);
    const auditsBefore = await db.auditLog.count({ where: { entityId: order.id } });
    const body = processor.completedEventBody(checkoutId);
    for (let i = 0; i < 3; i++) {
      const replay = await processor.deliver(body);
      expect(replay.status).toBe(200);
      expect(JSON.parse(replay.responseBody).outcome).toBe('already_confirmed');
    }
    expect(await state(order.id)).toEqual(before);
    expect(await db.auditLog.count({ where: { entityId: order.id } })).toBe(auditsBefore);
  });

  it('confirms exactly once when the processor delivers the same event concurrently', async () => {
    const { order, checkoutId } = await orderWithCheckout();
    const body = processor.completedEventBody(checkoutId);
    const results = await Promise.all([1, 2, 3, 4].map(() => processor.deliver(body)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(results.map((r) => JSON.parse(r.responseBody).outcome).sort()).toEqual(['already_confirmed', 'already_confirmed', 'already_confirmed', 'confirmed']);
    const s = await state(order.id);
    expect(s.status).toBe('PAID');
    expect(s.payments).toEqual([expect.objectContaining({ status: 'paid', ref: checkoutId })]);
    expect(await db.auditLog.count({ where: { entityId: order.id, action: 'payment.confirmed' } })).toBe(1);
  });

  it('refuses a bad, missing or foreign signature, and a body changed after signing, with 401', async () => {
    const { order, checkoutId } = await orderWithCheckout();
    const body = processor.completedEventBody(checkoutId);
    const url = '/api/webhooks/payments';
    await request(t.app).post(url).set('content-type', 'application/json').send(body).expect(401);
    await request(t.app).post(url).set('content-type', 'application/json').set('x-processor-signature', 'sha256=' + '0'.repeat(64)).send(body).expect(401);
    await request(t.app).post(url).set('content-type', 'application/json').set('x-processor-signature', 'garbage').send(body).expect(401);
    const forged = await processor.deliver(body.replace('"amount_cents":4321', '"amount_cents":1'), processor.signature(body));
    expect(forged.status).toBe(401);
    expect(JSON.parse(forged.responseBody).error.code).toBe('BAD_SIGNATURE');
    expect((await state(order.id)).status).toBe('PENDING_PAYMENT');
  });

  it('refuses a signed event whose amount or currency does not match the order, leaving it unpaid', async () => {
    const { order, checkoutId } = await orderWithCheckout();
    const low = await processor.deliver(processor.completedEventBody(checkoutId, { amount_cents: 4320 }));
    expect(low.status).toBe(409);
    expect(JSON.parse(low.responseBody).error.message).toMatch(/does not match/);
    const eur = await processor.deliver(processor.completedEventBody(checkoutId, { currency: 'EUR' }));
    expect(eur.status).toBe(409);
    expect(JSON.parse(eur.responseBody).error.code).toBe('CURRENCY_MISMATCH');
    const s = await state(order.id);
    expect(s.status).toBe('PENDING_PAYMENT');
    expect(s.payments[0]!.ref).toBeNull();
  });

  it('acknowledges event types it does not act on, and rejects malformed signed bodies with 400', async () => {
    const other = JSON.stringify({ type: 'checkout.expired', data: { id: 'chk_1', reference: 'x', amount_cents: 1 } });
    const ignored = await processor.deliver(other);
    expect(ignored.status).toBe(200);
    expect(JSON.parse(ignored.responseBody).outcome).toBe('ignored');
    expect((await processor.deliver('{not json')).status).toBe(400);
    expect((await processor.deliver(JSON.stringify({ type: 'checkout.completed', data: { id: 'chk_1' } }))).status).toBe(400);
  });

  it('does not confirm a cancelled order (409) so the shop sees the failed delivery', async () => {
    const { order, checkoutId } = await orderWithCheckout();
    await db.order.update({ where: { id: order.id }, data: { status: 'CANCELLED' } });
    const res = await processor.deliver(processor.completedEventBody(checkoutId));
    expect(res.status).toBe(409);
    expect((await state(order.id)).status).toBe('CANCELLED');
  });
});

describe('payment webhook without a processor', () => {
  it('answers 404', async () => {
    const bare = await createTestApp();
    try {
      const res = await request(bare.app).post('/api/webhooks/payments').set('content-type', 'application/json').send('{}').expect(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    } finally {
      await bare.services.close();
    }
  });
});
