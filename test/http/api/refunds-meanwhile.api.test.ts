// Two callers refunding the same order from what they each read (GET /orders/{id}: refundedTotalCents 0) must not both
// refund: expectedRefundedCents is checked under the order's row lock (refunds/refunded-meanwhile.ts), so the second is
// refused with 409, told what was refunded meanwhile, by whom and when, and nothing of it is written.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { formatDateTime } from '../../../src/platform/time-format.js';
import { testDb } from '../../helpers/db.js';
import { useApiShop, pendingOrder } from './api-fixtures.js';

const db = testDb();
const { t, shop } = useApiShop();

const paidOrder = () => pendingOrder(shop, { status: 'PAID', paymentStatus: 'paid', paidAt: new Date() });

/** Everything a refund writes on the order: its refunds, total, status, the payment's refunded amount, its jobs. */
async function footprint(orderId: string) {
  const order = await db.order.findUniqueOrThrow({ where: { id: orderId }, include: { payments: true, items: true } });
  return {
    refunds: await db.refund.count({ where: { orderId } }),
    refundedTotalCents: order.refundedTotalCents,
    status: order.status,
    paymentRefunded: order.payments.map((p) => [p.status, p.refundedAmountCents]),
    lines: order.items.map((i) => i.refundedQuantity),
    audit: await db.auditLog.count({ where: { entityId: orderId, action: 'order.refunded' } }),
  };
}

const refund = (orderId: string, body: object, key?: string) => {
  const r = request(t.app).post(`/api/orders/${orderId}/refunds`).set(shop.auth);
  return (key ? r.set('Idempotency-Key', key) : r).send(body);
};

describe('POST /api/orders/:id/refunds with expectedRefundedCents (two callers refunding one order)', () => {
  it('two $10.00 refunds sent with the same expectedRefundedCents, one after the other: the second is 409, saying what was refunded meanwhile, and changes nothing', async () => {
    const order = await paidOrder();
    const first = await refund(order.id, { amountCents: 1000, reason: 'Damage compensation', expectedRefundedCents: 0 }).expect(201);
    expect(first.body.order).toMatchObject({ refundedTotalCents: 1000, status: 'PARTIALLY_REFUNDED' });
    const before = await footprint(order.id);

    const second = await refund(order.id, { amountCents: 1000, reason: 'Damage compensation', expectedRefundedCents: 0 }).expect(409);
    const made = await db.refund.findFirstOrThrow({ where: { orderId: order.id } });
    expect(second.body.error).toMatchObject({
      code: 'CONFLICT',
      message: `Order #${order.number} was refunded meanwhile: $10.00 by API key "test key" (${formatDateTime(made.createdAt)}). It now has $10.00 refunded, $35.00 left to refund. Nothing was refunded: read GET /orders/{id} again and, if the customer is still owed more, send the refund with a new Idempotency-Key and expectedRefundedCents set to the order's refundedTotalCents now (this answer is kept for the key sent).`,
      details: {
        refundedTotalCentsSent: 0,
        refundedTotalCentsNow: 1000,
        refundedMeanwhile: [
          { amountCents: 1000, actorType: 'API_KEY', actorId: shop.keyRecord.id, createdAt: made.createdAt.toISOString() },
        ],
      },
    });
    expect(await footprint(order.id)).toEqual(before);

    // Sent again from what the order has refunded now: refunded.
    await refund(order.id, { amountCents: 1000, expectedRefundedCents: 1000 }).expect(201);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).refundedTotalCents).toBe(2000);
  });

  it('the same two sent at once: exactly one refunds, the other is 409 and the customer gets $10.00, not $20.00', async () => {
    const order = await paidOrder();
    const answers = await Promise.all([
      refund(order.id, { amountCents: 1000, expectedRefundedCents: 0 }, `a-${order.id}`),
      refund(order.id, { amountCents: 1000, expectedRefundedCents: 0 }, `b-${order.id}`),
    ]);
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(answers.find((r) => r.status === 409)!.body.error.message).toContain(
      `Order #${order.number} was refunded meanwhile: $10.00 by API key "test key"`,
    );
    expect(await footprint(order.id)).toMatchObject({ refunds: 1, refundedTotalCents: 1000, audit: 1 });
  });

  it('a full refund from a form that showed nothing refunded, after a partial one it did not see: refused, not a refund of another amount', async () => {
    const order = await paidOrder();
    await refund(order.id, { amountCents: 500 }).expect(201);
    const full = await refund(order.id, { expectedRefundedCents: 0 }).expect(409);
    expect(full.body.error.message).toContain('was refunded meanwhile: $5.00 by API key "test key"');
    expect(await footprint(order.id)).toMatchObject({ refunds: 1, refundedTotalCents: 500, status: 'PARTIALLY_REFUNDED' });
    // The preview says it too, before anything is asked.
    const preview = await request(t.app)
      .post(`/api/orders/${order.id}/refunds/preview`)
      .set(shop.auth)
      .send({ expectedRefundedCents: 0 })
      .expect(409);
    expect(preview.body.error.details).toMatchObject({ refundedTotalCentsSent: 0, refundedTotalCentsNow: 500 });
  });

  it('an amount refunded the order never had is refused as not matching; a replayed Idempotency-Key returns the first refund, not "meanwhile"', async () => {
    const order = await paidOrder();
    const wrong = await refund(order.id, { amountCents: 100, expectedRefundedCents: 700 }).expect(409);
    expect(wrong.body.error.message).toContain(
      `The amount refunded sent with this ($7.00) does not match what order #${order.number} has refunded`,
    );
    const key = `replay-${order.id}`;
    const a = await refund(order.id, { amountCents: 300, expectedRefundedCents: 0 }, key).expect(201);
    await db.idempotencyKey.deleteMany({ where: { key } }); // the refund's own key check answers, not the API's record
    const b = await refund(order.id, { amountCents: 300, expectedRefundedCents: 0 }, key).expect(201);
    expect(b.body.refund.id).toBe(a.body.refund.id);
    expect(await footprint(order.id)).toMatchObject({ refunds: 1, refundedTotalCents: 300 });
  });

  it('without expectedRefundedCents nothing is checked, as before: both refunds are taken against the balance left', async () => {
    const order = await paidOrder();
    await refund(order.id, { amountCents: 1000 }).expect(201);
    await refund(order.id, { amountCents: 1000 }).expect(201);
    expect(await footprint(order.id)).toMatchObject({ refunds: 2, refundedTotalCents: 2000 });
  });
});
