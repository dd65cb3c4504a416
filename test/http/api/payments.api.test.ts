import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../helpers/db.js';
import { useApiShop, pendingOrder } from './api-fixtures.js';

const db = testDb();

const { t, shop } = useApiShop();

describe('POST /api/orders/:id/payment/confirm', () => {
  it('marks the order paid once; a repeat answers changed=false', async () => {
    const order = await pendingOrder(shop);
    const first = await request(t.app).post(`/api/orders/${order.id}/payment/confirm`).set(shop.auth).expect(200);
    expect(first.body).toMatchObject({
      changed: true,
      order: { id: order.id, status: 'PAID' },
      payment: { status: 'paid', confirmedByType: 'API_KEY' },
    });
    const again = await request(t.app).post(`/api/orders/${order.id}/payment/confirm`).set(shop.auth).send({}).expect(200);
    expect(again.body.changed).toBe(false);
    expect(await db.payment.count({ where: { orderId: order.id, status: 'paid' } })).toBe(1);
  });

  it('refuses a cancelled order with 409 and an unexpected body with 400', async () => {
    const cancelled = await pendingOrder(shop, { status: 'CANCELLED', paymentStatus: 'cancelled' });
    const res = await request(t.app).post(`/api/orders/${cancelled.id}/payment/confirm`).set(shop.auth).expect(409);
    expect(res.body.error.code).toBe('ILLEGAL_STATE');
    const order = await pendingOrder(shop);
    await request(t.app).post(`/api/orders/${order.id}/payment/confirm`).set(shop.auth).send({ amountCents: 1 }).expect(400);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PENDING_PAYMENT');
  });
});

describe('POST /api/orders/:id/payment/reject', () => {
  it('rejects the payment with the reason and cancels the order', async () => {
    const order = await pendingOrder(shop);
    const res = await request(t.app)
      .post(`/api/orders/${order.id}/payment/reject`)
      .set(shop.auth)
      .send({ reason: 'Venmo payment never arrived' })
      .expect(200);
    expect(res.body).toMatchObject({
      changed: true,
      order: { status: 'CANCELLED' },
      payment: { status: 'rejected', rejectedReason: 'Venmo payment never arrived' },
    });
    const again = await request(t.app).post(`/api/orders/${order.id}/payment/reject`).set(shop.auth).send({ reason: 'again' }).expect(200);
    expect(again.body.changed).toBe(false);
  });

  it('requires a reason (400) and refuses a paid order (409)', async () => {
    const order = await pendingOrder(shop);
    for (const body of [{}, { reason: '   ' }, { reason: 5 }]) {
      const res = await request(t.app).post(`/api/orders/${order.id}/payment/reject`).set(shop.auth).send(body).expect(400);
      expect(res.body.error.details.fields[0].path).toBe('reason');
    }
    const paid = await pendingOrder(shop, { status: 'PAID', paymentStatus: 'paid' });
    const res = await request(t.app)
      .post(`/api/orders/${paid.id}/payment/reject`)
      .set(shop.auth)
      .send({ reason: 'changed my mind' })
      .expect(409);
    expect(res.body.error.message).toMatch(/refund/);
    expect((await db.order.findUniqueOrThrow({ where: { id: paid.id } })).status).toBe('PAID');
  });
});
