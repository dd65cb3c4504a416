// A PAYMENT.CAPTURE.PENDING event is read back from PayPal (GET order) before it is applied, so that a retry of it
// sent after the eCheck was denied does not undo the denial. When that read-back is answered 404 the adapter took
// PayPal's "order not found" (meant for orders never approved) as the order having EXPIRED: the checkout whose eCheck
// was clearing became EXPIRED, the invoice page offered a Pay button while the money was on its way, and the event was
// stored as applied (PayPal's retries then duplicates). A 404 now says nothing newer than the signed body, which is
// applied as sent; a read-back PayPal does not answer (503) refuses the event with 503, so PayPal sends it again.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../helpers/db.js';
import { MovableClock } from './invoice-fixtures.js';
import { usePayPalApp } from './paypal-fixtures.js';

const clock = new MovableClock();
const db = testDb();
const { env, clearingPayPalCheckout } = usePayPalApp(clock);

const page = async (path: string) => (await request(env.t.app).get(path).expect(200)).text;

describe('PAYMENT.CAPTURE.PENDING whose read-back at PayPal fails', () => {
  it('404 on the read-back: the checkout stays on its way, no Pay button', async () => {
    const { path, paypalOrderId, checkout, pending } = await clearingPayPalCheckout();
    env.paypal.failReads(new RegExp(`^/v2/checkout/orders/${paypalOrderId}$`), '404');

    expect(await env.paypal.redeliver(pending.eventId)).toBe(200);
    expect(
      env.paypal.requests.some((r) => r.method === 'GET' && r.path === `/v2/checkout/orders/${paypalOrderId}` && r.status === 404),
    ).toBe(true);
    expect(await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).toMatchObject({ state: 'PENDING' });
    const html = await page(path);
    expect(html).toContain('Payment on its way');
    expect(html).not.toContain('Pay $42.50');
  });

  it('503 on the read-back: the event is refused with 503 and applied when PayPal sends it again', async () => {
    const { path, checkout, pending } = await clearingPayPalCheckout();
    env.paypal.failNext = 10; // PayPal's API in an outage

    expect(await env.paypal.redeliver(pending.eventId)).toBe(503);
    expect(await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).toMatchObject({ state: 'PENDING' });
    expect(await db.providerWebhookEvent.count({ where: { eventId: pending.eventId } })).toBe(0);
    expect(await page(path)).toContain('Payment on its way');

    // PayPal answers again: its next retry is applied (not taken for a duplicate).
    env.paypal.failNext = 0;
    expect(await env.paypal.redeliver(pending.eventId)).toBe(200);
    expect(await db.providerWebhookEvent.findFirst({ where: { eventId: pending.eventId } })).toMatchObject({ outcome: 'applied' });
    expect(await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).toMatchObject({ state: 'PENDING' });
  });
});
