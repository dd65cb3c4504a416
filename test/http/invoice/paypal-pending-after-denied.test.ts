// PayPal's webhooks out of order: a PAYMENT.CAPTURE.PENDING whose first delivery failed (our endpoint down) is
// retried by PayPal after the eCheck was denied and PAYMENT.CAPTURE.DENIED already applied. Its signed body still
// says PENDING, and the ledger took it: the failed checkout went back to "payment on its way", the invoice page
// offered no Pay button ("still clearing at PayPal") and refused a press ("already on its way") until the
// reconciliation read PayPal again. A capture event that says the money is still on its way is now read back from
// PayPal (the order as it is now) before it is applied.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../helpers/db.js';
import { waitFor } from '../../helpers/wait-for.js';
import { MovableClock } from './invoice-fixtures.js';
import { usePayPalApp } from './paypal-fixtures.js';

const clock = new MovableClock();
const db = testDb();
const { env, payPalOrder, startCheckout } = usePayPalApp(clock);

const page = async (path: string) => (await request(env.t.app).get(path).expect(200)).text;

describe('PAYMENT.CAPTURE.PENDING delivered after PAYMENT.CAPTURE.DENIED', () => {
  it('leaves the checkout failed and the customer free to pay again', async () => {
    const { order, path } = await payPalOrder({ paymentStatus: 'pending' });
    await db.order.update({ where: { id: order.id }, data: { paymentDueAt: new Date(clock.now().getTime() + 3 * 24 * 3600_000) } });
    const { paypalOrderId, checkout } = await startCheckout(path);
    // Our endpoint down while the buyer approves and we capture: PayPal keeps the events to retry.
    env.paypal.dropWebhooks = true;
    const back = new URL(env.paypal.approve(paypalOrderId, 'echeck'));
    await request(env.t.app).get(`${back.pathname}${back.search}`).expect(303);
    env.paypal.dropWebhooks = false;
    expect(await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).toMatchObject({ state: 'PENDING' });
    const captureId = env.paypal.orders.get(paypalOrderId)!.captures[0]!.id;
    const pending = env.paypal.sent.find((w) => w.type === 'PAYMENT.CAPTURE.PENDING' && w.body.includes(captureId))!;
    expect(pending.status).toBeUndefined(); // never delivered

    env.paypal.denyPendingCapture(captureId);
    await env.paypal.settle();
    await waitFor('the checkout failed', async () =>
      (await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).state === 'FAILED' ? true : undefined,
    );

    // PayPal's retry of the PENDING event arrives now, signed, with its first body.
    expect(await env.paypal.redeliver(pending.eventId)).toBe(200);
    expect(await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).toMatchObject({ state: 'FAILED' });
    const html = await page(path);
    expect(html).not.toContain('Payment on its way');
    expect(html).toContain('Pay $42.50');
  });
});
