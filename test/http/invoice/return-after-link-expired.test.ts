// The buyer pressed "Pay with PayPal" while the invoice link worked, and came back from PayPal after it expired (a
// link opened minutes before its end; PayPal's approval pages take a while). The return still takes the payment the
// buyer approved, and the page says the order is paid. Before, the return answered "This invoice link has expired.
// Get a new one in the shop's Discord … Pay now" and captured nothing: with PayPal's webhook lost, the order stayed
// unpaid, and the buyer was sent to pay a second time. A checkout started after the link's end is still refused.
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { systemActor } from '../../../src/modules/shared/actor.js';
import { testDb } from '../../helpers/db.js';
import { MovableClock } from './invoice-fixtures.js';
import { usePayPalApp } from './paypal-fixtures.js';

const clock = new MovableClock();
const db = testDb();
const { env, payPalOrder, startCheckout } = usePayPalApp(clock);

afterEach(() => {
  env.paypal.dropWebhooks = false;
});

/** A PayPal order with a link that works for one more minute, "Pay with PayPal" pressed on it, webhooks lost. */
async function startedBeforeTheEnd() {
  env.paypal.dropWebhooks = true;
  const shop = await payPalOrder({ paymentStatus: 'pending' });
  const link = await env.t.services.invoices.createLink({ tenantId: shop.tenant.id, actor: systemActor }, shop.order.id, {
    expiresInSeconds: 60,
  });
  const path = new URL(link.url).pathname;
  const { paypalOrderId, checkout } = await startCheckout(path);
  return { ...shop, link, path, paypalOrderId, checkout };
}

describe('coming back from PayPal after the invoice link expired', () => {
  it('takes the payment approved on a checkout started while the link worked, and the page says the order is paid', async () => {
    const { order, path, paypalOrderId, checkout } = await startedBeforeTheEnd();
    const back = new URL(env.paypal.approve(paypalOrderId));
    clock.advance(5 * 60);

    const res = await request(env.t.app).get(`${back.pathname}${back.search}`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${path}?checkout=paid`);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PAID');
    expect((await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).state).toBe('PAID');
    expect(env.paypal.orders.get(paypalOrderId)!.captures).toHaveLength(1);

    // The page of the expired link says the order is paid, not to get a new link and pay.
    const page = await request(env.t.app).get(String(res.headers.location)).expect(410);
    expect(page.text).toContain('The order is already paid: there is nothing more to pay.');
    expect(page.text).not.toContain('Pay now');
  });

  it('still refuses the return of a link that expired with a checkout id that is not one started before its end', async () => {
    const { order, link, path, paypalOrderId, checkout } = await startedBeforeTheEnd();
    env.paypal.approve(paypalOrderId);
    clock.advance(5 * 60);
    // Rows dated after the link's end are not the link's (only a valid link starts one).
    await db.paymentCheckout.update({ where: { id: checkout.id }, data: { createdAt: new Date(link.expiresAt.getTime() + 1000) } });

    const res = await request(env.t.app).get(`${path}/return/${checkout.id}?token=${paypalOrderId}`).expect(410);
    expect(res.text).toContain('has expired');
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PENDING_PAYMENT');
    expect(env.paypal.orders.get(paypalOrderId)!.captures).toHaveLength(0);
  });
});
