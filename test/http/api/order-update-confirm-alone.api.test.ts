// PATCH /api/v1/orders/{id}: confirmRefundCents confirms the refund a cancel makes, so it goes with status CANCELLED.
// Sent alone it passed "send at least one of status, shippingStatus, trackingNumber, shippingCarrier, notes" and
// answered 200 with nothing changed; with another status it was dropped unread. A caller who believed a cancel was
// confirmed (a status misspelt out of the body, a client that sends the confirmation first) was told nothing.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../helpers/db.js';
import { pendingOrder, useApiShop } from './api-fixtures.js';

const db = testDb();
const { t, shop } = useApiShop();

const paidOrder = () => pendingOrder(shop, { status: 'PAID', paidAt: new Date(), paymentStatus: 'paid' });
const patch = (id: string, body: object) => request(t.app).patch(`/api/v1/orders/${id}`).set(shop.auth).send(body);

describe('PATCH /orders/{id} with confirmRefundCents', () => {
  it('alone is a 400 naming it, and nothing changes', async () => {
    const order = await paidOrder();
    const res = await patch(order.id, { confirmRefundCents: 4500 }).expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details.fields).toEqual([{ path: 'confirmRefundCents', message: expect.stringMatching(/status CANCELLED/) }]);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PAID');
  });

  it('with a status other than CANCELLED is a 400 naming it, and nothing changes', async () => {
    const order = await paidOrder();
    const res = await patch(order.id, { status: 'FULFILLING', confirmRefundCents: 4500 }).expect(400);
    expect(res.body.error.details.fields).toEqual([{ path: 'confirmRefundCents', message: expect.stringMatching(/status CANCELLED/) }]);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PAID');
  });

  it('with status CANCELLED still cancels and refunds the paid order', async () => {
    const order = await paidOrder();
    const res = await patch(order.id, { status: 'CANCELLED', confirmRefundCents: 4500 }).expect(200);
    expect(res.body).toMatchObject({ status: 'CANCELLED', refundedTotalCents: 4500 });
  });
});
