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

  it('with expectedAmountReceivedCents: refused (409, nothing cancelled) when money was recorded since it was read', async () => {
    const order = await pendingOrder(shop);
    const reject = (body: Record<string, unknown>) =>
      request(t.app).post(`/api/orders/${order.id}/payment/reject`).set(shop.auth).send(body);
    const seen = (await request(t.app).get(`/api/orders/${order.id}`).set(shop.auth).expect(200)).body.amountReceivedCents as number;
    expect(seen).toBe(0);
    await request(t.app).post(`/api/orders/${order.id}/payment/receipts`).set(shop.auth).send({ amountCents: 2000 }).expect(201);

    const refused = await reject({ reason: 'No payment received', expectedAmountReceivedCents: seen }).expect(409);
    expect(refused.body.error).toMatchObject({
      code: 'CONFLICT',
      message: `Order #${order.number} now has $25.00 still owed ($20.00 received): API key "test key" recorded $20.00 meanwhile. Nothing was rejected and the order was not cancelled: read GET /orders/{id} again and, if it should still be rejected, send it with expectedAmountReceivedCents set to the order's amountReceivedCents now.`,
      details: {
        amountReceivedCentsSent: 0,
        amountReceivedCentsNow: 2000,
        recordedMeanwhile: [expect.objectContaining({ amountCents: 2000 })],
      },
    });
    expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({
      status: 'PENDING_PAYMENT',
      amountReceivedCents: 2000,
    });

    await reject({ reason: 'Paid the wrong shop', expectedAmountReceivedCents: 2000 }).expect(200);
    expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({ status: 'CANCELLED' });
  });
});

describe('POST /api/orders/:id/payment/receipts with expectedAmountReceivedCents (two callers at once)', () => {
  const record = (orderId: string, body: Record<string, unknown>) =>
    request(t.app).post(`/api/orders/${orderId}/payment/receipts`).set(shop.auth).send(body);
  const readReceived = async (orderId: string) =>
    (await request(t.app).get(`/api/orders/${orderId}`).set(shop.auth).expect(200)).body.amountReceivedCents as number;

  it('the same transfer sent by two callers who read the order at once is recorded once; the other gets 409 and what was recorded', async () => {
    const order = await pendingOrder(shop);
    const [seenA, seenB] = [await readReceived(order.id), await readReceived(order.id)];
    const answers = await Promise.all([
      record(order.id, { amountCents: 2000, note: 'Zelle 77', expectedAmountReceivedCents: seenA }),
      record(order.id, { amountCents: 2000, note: 'Zelle 77', expectedAmountReceivedCents: seenB }),
    ]);
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
    const refused = answers.find((r) => r.status === 409)!;
    expect(refused.body.error.code).toBe('CONFLICT');
    expect(refused.body.error.message).toBe(
      `Order #${order.number} now has $25.00 still owed ($20.00 received): API key "test key" recorded $20.00 meanwhile. Nothing was recorded: read GET /orders/{id} again and, if this is another payment, send it with expectedAmountReceivedCents set to the order's amountReceivedCents now.`,
    );
    expect(refused.body.error.details).toMatchObject({
      amountReceivedCentsSent: 0,
      amountReceivedCentsNow: 2000,
      recordedMeanwhile: [{ amountCents: 2000, actorType: 'API_KEY' }],
    });
    expect(await db.paymentReceipt.count({ where: { orderId: order.id } })).toBe(1);
    expect(await readReceived(order.id)).toBe(2000);
  });

  it('an extra payment on a paid order (nothing owed either way) sent by two callers at once is recorded once', async () => {
    const order = await pendingOrder(shop);
    await record(order.id, { amountCents: 4500, expectedAmountReceivedCents: 0 }).expect(201);
    const [seenA, seenB] = [await readReceived(order.id), await readReceived(order.id)];
    expect(seenA).toBe(4500);
    const answers = await Promise.all([
      record(order.id, { amountCents: 1000, note: 'paid twice', expectedAmountReceivedCents: seenA }),
      record(order.id, { amountCents: 1000, note: 'paid twice', expectedAmountReceivedCents: seenB }),
    ]);
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(answers.find((r) => r.status === 409)!.body.error.message).toContain(
      `Order #${order.number} now has nothing still owed ($55.00 received): API key "test key" recorded $10.00 meanwhile. Nothing was recorded`,
    );
    expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({ status: 'PAID', amountReceivedCents: 5500 });

    // Sent again with what the order has received now: another payment, recorded.
    const again = await record(order.id, { amountCents: 1000, expectedAmountReceivedCents: await readReceived(order.id) }).expect(201);
    expect(again.body).toMatchObject({ receivedCents: 6500, overpaidCents: 2000 });
  });
  it('an amount received sent that the order never had (more than it has, or between its receipts) is refused as not matching, and says what it has', async () => {
    const order = await pendingOrder(shop);
    await record(order.id, { amountCents: 2000, expectedAmountReceivedCents: 0 }).expect(201);
    for (const sent of [3000, 500]) {
      const refused = await record(order.id, { amountCents: 1000, expectedAmountReceivedCents: sent }).expect(409);
      const money = `$${(sent / 100).toFixed(2)}`;
      expect(refused.body.error.message).toBe(
        `The amount received sent with this (${money}) does not match what order #${order.number} has received: $20.00 ($25.00 still owed). Nothing was recorded: read GET /orders/{id} again and, if this is another payment, send it with expectedAmountReceivedCents set to the order's amountReceivedCents now.`,
      );
      expect(refused.body.error.details).toEqual({ amountReceivedCentsSent: sent, amountReceivedCentsNow: 2000, recordedMeanwhile: [] });
    }
    expect(await readReceived(order.id)).toBe(2000);
  });
});
