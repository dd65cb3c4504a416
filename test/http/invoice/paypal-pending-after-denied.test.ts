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
const { env, clearingPayPalCheckout } = usePayPalApp(clock);

const page = async (path: string) => (await request(env.t.app).get(path).expect(200)).text;

describe('PAYMENT.CAPTURE.PENDING delivered after PAYMENT.CAPTURE.DENIED', () => {
  it('leaves the checkout failed and the customer free to pay again', async () => {
    // The buyer pays by eCheck while our endpoint is down: PayPal keeps PAYMENT.CAPTURE.PENDING to retry.
    const { path, checkout, captureId, pending } = await clearingPayPalCheckout();

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
