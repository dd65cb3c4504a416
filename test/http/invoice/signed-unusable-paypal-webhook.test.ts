// A PayPal webhook signed by PayPal but which we cannot use: a PAYMENT.CAPTURE.COMPLETED without
// supplementary_data.related_ids.order_id (a capture not made through a PayPal order: an invoice, a payment link),
// or a resource not shaped as PayPal documents it. It was refused with 400 VALIDATION_FAILED, which PayPal retries
// for days and which can never succeed. It is now acknowledged (200, outcome "unusable"), logged as a warning and
// recorded, so a redelivery is a duplicate; the order is untouched. The rule is the checkout service's, for every
// provider (square-btcpay-unusable-webhooks.test.ts). A forged one is still 401. Against the fake PayPal, signed as
// PayPal signs.
import { describe, expect, it, vi } from 'vitest';
import { testDb } from '../../helpers/db.js';
import { MovableClock } from './invoice-fixtures.js';
import { usePayPalApp } from './paypal-fixtures.js';

const clock = new MovableClock();
const db = testDb();
const { env, payPalOrder, postWebhook: post } = usePayPalApp(clock);

describe('a well-signed PayPal webhook we cannot use', () => {
  it('a capture event without an order id is acknowledged 200, logged and recorded, not refused; its replay is a duplicate', async () => {
    const { order, connectionId, clientId } = await payPalOrder({ paymentStatus: 'pending' });
    const warn = vi.spyOn(env.t.services.logger, 'warn');
    const capture = env.paypal.signedEvent(clientId, 'PAYMENT.CAPTURE.COMPLETED', 'capture', {
      id: 'CAPTURE-NO-ORDER',
      status: 'COMPLETED',
      amount: { currency_code: 'USD', value: '42.50' },
    });
    const res = await post(capture, connectionId).expect(200);
    expect(res.body).toEqual({ received: true, outcome: 'unusable' });
    expect(warn.mock.calls.some(([fields]) => (fields as { eventId?: string }).eventId === capture.eventId)).toBe(true);
    const rows = await db.providerWebhookEvent.findMany({ where: { connectionId, eventId: capture.eventId } });
    expect(rows.map((r) => [r.type, r.outcome])).toEqual([['PAYMENT.CAPTURE.COMPLETED', 'unusable']]);
    expect((await post(capture, connectionId).expect(200)).body.outcome).toBe('duplicate');
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PENDING_PAYMENT');

    // A resource not shaped as PayPal documents it: acknowledged the same way.
    const odd = env.paypal.signedEvent(clientId, 'CHECKOUT.ORDER.APPROVED', 'checkout-order', { id: 42 });
    expect((await post(odd, connectionId).expect(200)).body.outcome).toBe('unusable');

    // Not signed by PayPal: still refused, nothing recorded.
    const forged = env.paypal.signedEvent(clientId, 'PAYMENT.CAPTURE.COMPLETED', 'capture', { id: 'X', status: 'COMPLETED' });
    await post(forged, connectionId, forged.body.replace('"X"', '"Y"')).expect(401);
    expect(await db.providerWebhookEvent.count({ where: { eventId: forged.eventId } })).toBe(0);
    warn.mockRestore();
  });
});
