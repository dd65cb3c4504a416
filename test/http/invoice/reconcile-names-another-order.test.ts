// A PayPal payment one of our checkouts holds whose PayPal order names another order of ours (custom_id). Its webhook
// is acknowledged as unusable and applies nothing, and the admins are told to record or return it by hand
// (webhook-names-another-order.test.ts). The reconciliation read the same PayPal order and applied its PAID state to the
// holding order without that check, so the money was recorded on the order while the alert said nothing was applied
// (and could be recorded or returned twice). The same rule now holds wherever a provider's state is applied
// (other-order.ts): the reconciliation applies nothing either, and the admins are still told once.
import { describe, expect, it } from 'vitest';
import { testDb } from '../../helpers/db.js';
import { waitFor } from '../../helpers/wait-for.js';
import { waitForJobsDone } from '../../helpers/job-queue.js';
import { adminChannelTexts } from './deleted-order-fixtures.js';
import { MovableClock } from './invoice-fixtures.js';
import { anotherUnpaidOrder, expectNothingApplied, paymentsOf } from './other-order-assertions.js';
import { usePayPalApp } from './paypal-fixtures.js';
import { runReconcileJob } from './reconcile-job.js';

const clock = new MovableClock();
const db = testDb();
const { env, payPalOrder, startCheckout, postWebhook: post, discordApi } = usePayPalApp(clock);

const alertsAbout = (channelId: string, paypalOrderId: string) =>
  adminChannelTexts(discordApi(), channelId).filter((t) => t.startsWith('Check a payment at PayPal') && t.includes(paypalOrderId));

describe('a PayPal payment naming another order than the checkout that holds it', () => {
  it('the other-order PAID event, then a reconciliation run: nothing applied to either order, one alert', async () => {
    const shop = await payPalOrder({ paymentStatus: 'pending' });
    const { tenant, order, connectionId } = shop;
    await db.order.update({ where: { id: order.id }, data: { paymentDueAt: new Date(clock.now().getTime() + 3 * 24 * 3600_000) } });
    const { paypalOrderId, checkout } = await startCheckout(shop.path);
    const other = await anotherUnpaidOrder(tenant.id, order, 'PAYPAL');
    // PayPal's order names the other order; it is approved and captured with our return and webhooks lost.
    env.paypal.orders.get(paypalOrderId)!.purchaseUnit.custom_id = other.id;
    env.paypal.dropWebhooks = true;
    env.paypal.approve(paypalOrderId);
    const captureId = env.paypal.capture(paypalOrderId);
    env.paypal.dropWebhooks = false;
    const completed = env.paypal.sent.find((w) => w.type === 'PAYMENT.CAPTURE.COMPLETED' && w.body.includes(captureId))!;

    const paymentsBefore = await paymentsOf([order.id, other.id]);
    expect((await post(completed, connectionId).expect(200)).body).toEqual({ received: true, outcome: 'unusable' });
    await waitFor('the admin alert', async () => alertsAbout(tenant.adminChannelId!, paypalOrderId)[0]);

    clock.advance(2 * 3600);
    await runReconcileJob(db);
    expect(
      env.paypal.requests.some((r) => r.method === 'GET' && r.path === `/v2/checkout/orders/${paypalOrderId}` && r.status === 200),
    ).toBe(true);

    await expectNothingApplied([order.id, other.id], paymentsBefore, checkout.id);
    expect((await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).unappliedAction).toBeNull();
    expect(env.paypal.refundRequests(captureId)).toEqual([]);

    await waitForJobsDone();
    expect(alertsAbout(tenant.adminChannelId!, paypalOrderId)).toHaveLength(1);
  });
});
