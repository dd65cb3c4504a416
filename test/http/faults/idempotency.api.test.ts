// Idempotency-Key by Stripe's rules on every state-changing REST call (src/surfaces/http/api/idempotency.ts).
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../helpers/db.js';
import { apiTenant, useApiShop, pendingOrder } from '../api/api-fixtures.js';

const db = testDb();

const { t, shop } = useApiShop();

const paidOrder = () => pendingOrder(shop, { status: 'PAID', paymentStatus: 'paid', paidAt: new Date() });

describe('Idempotency-Key', () => {
  it('refuses a key reused with different parameters (422, naming the conflict) and refunds nothing more', async () => {
    const order = await paidOrder();
    const first = await request(t.app)
      .post(`/api/orders/${order.id}/refunds`)
      .set(shop.auth)
      .set('Idempotency-Key', 'k-partial')
      .send({ amountCents: 300 });
    expect(first.status).toBe(201);
    // The caller now asks for a FULL refund with the same key: it must not be told "201, done".
    const full = await request(t.app).post(`/api/orders/${order.id}/refunds`).set(shop.auth).set('Idempotency-Key', 'k-partial').send({});
    expect(full.status).toBe(422);
    expect(full.body.error).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', details: { idempotencyKey: 'k-partial', conflict: 'body' } });
    expect(full.body.error.message).toContain(`POST /api/orders/${order.id}/refunds`);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).refundedTotalCents).toBe(300);
  });

  it('answers a replay with the first answer, marked Idempotent-Replayed, without a second refund', async () => {
    const order = await paidOrder();
    const first = await request(t.app)
      .post(`/api/orders/${order.id}/refunds`)
      .set(shop.auth)
      .set('Idempotency-Key', 'k-replay')
      .send({ amountCents: 250 });
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await request(t.app)
      .post(`/api/orders/${order.id}/refunds`)
      .set(shop.auth)
      .set('Idempotency-Key', 'k-replay')
      .send({ amountCents: 250 });
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await db.refund.count({ where: { orderId: order.id } })).toBe(1);
  });

  it('refuses the same key on another endpoint', async () => {
    const order = await paidOrder();
    await request(t.app)
      .post(`/api/orders/${order.id}/refunds`)
      .set(shop.auth)
      .set('Idempotency-Key', 'k-endpoint')
      .send({ amountCents: 100 })
      .expect(201);
    const patch = await request(t.app)
      .patch(`/api/orders/${order.id}`)
      .set(shop.auth)
      .set('Idempotency-Key', 'k-endpoint')
      .send({ notes: 'x' });
    expect(patch.status).toBe(422);
    expect(patch.body.error.details.conflict).toBe('endpoint');
  });

  it('accepts a key on every state-changing call (PATCH replays too)', async () => {
    const order = await paidOrder();
    const first = await request(t.app)
      .patch(`/api/orders/${order.id}`)
      .set(shop.auth)
      .set('Idempotency-Key', 'k-patch')
      .send({ notes: 'first' })
      .expect(200);
    await db.order.update({ where: { id: order.id }, data: { notes: 'changed meanwhile' } });
    const again = await request(t.app)
      .patch(`/api/orders/${order.id}`)
      .set(shop.auth)
      .set('Idempotency-Key', 'k-patch')
      .send({ notes: 'first' })
      .expect(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).notes).toBe('changed meanwhile');
  });

  // The API takes keys of 1 to 200 characters; the receipts route passes "api:" and the key to its module, which capped
  // keys at 200: a 200-character key was refused with 400 naming a body field (idempotencyKey) the caller never sent.
  it('takes a key of the longest length it documents on every route, the receipts and refunds included', async () => {
    const key = (c: string) => c.repeat(200);
    const unpaid = await pendingOrder(shop);
    const receipt = () =>
      request(t.app)
        .post(`/api/orders/${unpaid.id}/payment/receipts`)
        .set(shop.auth)
        .set('Idempotency-Key', key('r'))
        .send({ amountCents: 500 });
    expect((await receipt()).status).toBe(201);
    const again = await receipt();
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await db.paymentReceipt.count({ where: { orderId: unpaid.id } })).toBe(1);

    const paid = await paidOrder();
    const refund = await request(t.app)
      .post(`/api/orders/${paid.id}/refunds`)
      .set(shop.auth)
      .set('Idempotency-Key', key('f'))
      .send({ amountCents: 100 });
    expect(refund.status).toBe(201);
    // One more character is the API's own refusal, naming the header.
    const tooLong = await request(t.app)
      .post(`/api/orders/${unpaid.id}/payment/receipts`)
      .set(shop.auth)
      .set('Idempotency-Key', key('r') + 'x')
      .send({ amountCents: 500 });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.details.fields).toEqual([{ path: 'Idempotency-Key', message: 'invalid' }]);
  });

  it('keys belong to a tenant: another tenant may use the same key', async () => {
    const other = await apiTenant(t);
    const a = await paidOrder();
    const b = await pendingOrder(other, { status: 'PAID', paymentStatus: 'paid', paidAt: new Date() });
    await request(t.app)
      .post(`/api/orders/${a.id}/refunds`)
      .set(shop.auth)
      .set('Idempotency-Key', 'shared')
      .send({ amountCents: 100 })
      .expect(201);
    const res = await request(t.app)
      .post(`/api/orders/${b.id}/refunds`)
      .set(other.auth)
      .set('Idempotency-Key', 'shared')
      .send({ amountCents: 200 });
    expect(res.status).toBe(201);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
  });

  it('the refund service itself refuses a key reused for a different refund (when the API record is gone)', async () => {
    const order = await paidOrder();
    await request(t.app)
      .post(`/api/orders/${order.id}/refunds`)
      .set(shop.auth)
      .set('Idempotency-Key', 'k-module')
      .send({ amountCents: 100 })
      .expect(201);
    await db.idempotencyKey.deleteMany({ where: { key: 'k-module' } });
    const res = await request(t.app)
      .post(`/api/orders/${order.id}/refunds`)
      .set(shop.auth)
      .set('Idempotency-Key', 'k-module')
      .send({ amountCents: 900 });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toContain('amountCents (900 now, 100 then)');
    await db.idempotencyKey.deleteMany({ where: { key: 'k-module' } });
    const same = await request(t.app)
      .post(`/api/orders/${order.id}/refunds`)
      .set(shop.auth)
      .set('Idempotency-Key', 'k-module')
      .send({ amountCents: 100 });
    expect(same.status).toBe(201);
    expect(same.headers['idempotent-replayed']).toBe('true');
    expect(await db.refund.count({ where: { orderId: order.id } })).toBe(1);
  });
});
