// Back from PayPal after the invoice link expired, with a payment PayPal has not finished (an eCheck clearing): the
// return takes it (the checkout is started before the link's end), and the page it leads to must say the payment is on
// its way. It said "This invoice link … has expired. Get a new one in the shop's Discord … Pay now": a buyer whose
// money is already on its way was sent to pay a second time (found by this stop's review of the return's fix).
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { systemActor } from '../../../src/modules/shared/actor.js';
import { testDb } from '../../helpers/db.js';
import { MovableClock } from './invoice-fixtures.js';
import { usePayPalApp } from './paypal-fixtures.js';

const clock = new MovableClock();
const db = testDb();
const { env, payPalOrder, startCheckout } = usePayPalApp(clock);

describe('coming back from PayPal after the invoice link expired, the payment still clearing', () => {
  it('says the payment is on its way, not to get a new link and pay', async () => {
    const shop = await payPalOrder({ paymentStatus: 'pending' });
    const link = await env.t.services.invoices.createLink({ tenantId: shop.tenant.id, actor: systemActor }, shop.order.id, {
      expiresInSeconds: 60,
    });
    const path = new URL(link.url).pathname;
    const { paypalOrderId, checkout } = await startCheckout(path);
    env.paypal.dropWebhooks = true;
    const back = new URL(env.paypal.approve(paypalOrderId, 'echeck'));
    env.paypal.dropWebhooks = false;
    clock.advance(5 * 60);

    const res = await request(env.t.app).get(`${back.pathname}${back.search}`).expect(303);
    expect(res.headers.location).toBe(`${path}?checkout=pending`);
    expect(await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).toMatchObject({ state: 'PENDING' });

    const page = await request(env.t.app).get(String(res.headers.location));
    expect(page.text).toContain(`payment of $42.50 for it is on its way`);
    expect(page.text).not.toContain('Pay now');
    // The same words for the link opened again later (from the DM): nothing to pay while it clears.
    expect((await request(env.t.app).get(path)).text).toContain('is on its way');
  });
});
