// A well-signed PayPal webhook about a payment one of our checkouts holds (found by PayPal's order id) whose body
// names another order of ours (custom_id) than the checkout's. It was refused with 409 CONFLICT, which PayPal retries
// for days and which can never succeed. It now follows the rule for well-signed events we cannot use: answered 200
// (outcome "unusable"), logged and recorded, so a redelivery is a duplicate; nothing is applied to either order (no
// capture, no payment, both orders still waiting), and since it reports money the admins are told once to check it
// at PayPal. An event naming another order that reports no money (the order created) tells nobody.
import { describe, expect, it } from 'vitest';
import { testDb } from '../../helpers/db.js';
import { waitFor } from '../../helpers/wait-for.js';
import { waitForJobsDone } from '../../helpers/job-queue.js';
import { adminChannelTexts } from './deleted-order-fixtures.js';
import { MovableClock } from './invoice-fixtures.js';
import { anotherUnpaidOrder, expectNothingApplied, paymentsOf } from './other-order-assertions.js';
import { usePayPalApp } from './paypal-fixtures.js';

const clock = new MovableClock();
const db = testDb();
const { env, payPalOrder, startCheckout, postWebhook: post, discordApi } = usePayPalApp(clock);

/** A shop's PayPal order with an open checkout, and another unpaid order of the same shop. */
async function checkoutAndAnotherOrder() {
  const shop = await payPalOrder({ paymentStatus: 'pending' });
  const { paypalOrderId, checkout } = await startCheckout(shop.path);
  const other = await anotherUnpaidOrder(shop.tenant.id, shop.order, 'PAYPAL');
  return { ...shop, paypalOrderId, checkout, other };
}

const alertsAbout = (channelId: string, paypalOrderId: string) =>
  adminChannelTexts(discordApi(), channelId).filter((t) => t.startsWith('Check a payment at PayPal') && t.includes(paypalOrderId));

describe('a well-signed webhook naming another order than the checkout that holds its payment', () => {
  it('is acknowledged 200 and recorded, applies nothing to either order, and tells the admins once', async () => {
    const { tenant, order, other, connectionId, clientId, paypalOrderId, checkout } = await checkoutAndAnotherOrder();
    const capture = env.paypal.signedEvent(clientId, 'PAYMENT.CAPTURE.COMPLETED', 'capture', {
      id: 'CAPTURE-OTHER-ORDER',
      status: 'COMPLETED',
      amount: { currency_code: 'USD', value: '42.50' },
      custom_id: other.id,
      supplementary_data: { related_ids: { order_id: paypalOrderId } },
    });

    const paymentsBefore = await paymentsOf([order.id, other.id]);
    const res = await post(capture, connectionId).expect(200);
    expect(res.body).toEqual({ received: true, outcome: 'unusable' });
    const rows = await db.providerWebhookEvent.findMany({ where: { connectionId, eventId: capture.eventId } });
    expect(rows.map((r) => [r.type, r.outcome])).toEqual([['PAYMENT.CAPTURE.COMPLETED', 'unusable']]);

    // Neither order is paid, the checkout is as it was, no payment changed and nothing was captured at PayPal.
    await expectNothingApplied([order.id, other.id], paymentsBefore, checkout.id);
    expect(env.paypal.orders.get(paypalOrderId)!.captures).toHaveLength(0);

    const alert = await waitFor('the admin alert', async () => alertsAbout(tenant.adminChannelId!, paypalOrderId)[0]);
    expect(alert).toContain(`order #${order.number}`);
    expect(alert).toContain('$42.50');
    expect(alert).toContain(other.id);

    // PayPal's resend is a duplicate: no second alert.
    expect((await post(capture, connectionId).expect(200)).body.outcome).toBe('duplicate');
    await waitForJobsDone();
    expect(alertsAbout(tenant.adminChannelId!, paypalOrderId)).toHaveLength(1);
  });

  it('one that reports no money is acknowledged the same way and tells nobody', async () => {
    const { tenant, order, other, connectionId, clientId, paypalOrderId, checkout } = await checkoutAndAnotherOrder();
    const created = env.paypal.signedEvent(clientId, 'CHECKOUT.ORDER.COMPLETED', 'checkout-order', {
      id: paypalOrderId,
      status: 'CREATED',
      intent: 'CAPTURE',
      purchase_units: [{ custom_id: other.id, amount: { currency_code: 'USD', value: '42.50' } }],
    });
    expect((await post(created, connectionId).expect(200)).body).toEqual({ received: true, outcome: 'unusable' });
    await waitForJobsDone();
    expect(alertsAbout(tenant.adminChannelId!, paypalOrderId)).toEqual([]);
    expect((await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).state).toBe('OPEN');
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PENDING_PAYMENT');
  });
});
