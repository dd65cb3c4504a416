// The invoice page while the customer's payment is on its way (a PayPal eCheck clearing): opened again from the
// DM's link, or after "refresh this page", it offered "Pay $42.50" and the pay buttons under "Awaiting payment",
// and a second payment went through while the first was still clearing (one of them then refunded). Now it says
// the payment is on its way and offers no button; when PayPal denies the eCheck the buttons come back.
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
const payButtons = (html: string) => html.match(/name="method"/g)?.length ?? 0;

describe('the invoice page while a payment is on its way', () => {
  it('says a PayPal eCheck is clearing, offers no pay button, and offers them again once PayPal denies it', async () => {
    const { order, path } = await payPalOrder({ paymentStatus: 'pending' });
    await db.order.update({ where: { id: order.id }, data: { paymentDueAt: new Date(clock.now().getTime() + 3 * 24 * 3600_000) } });
    expect(payButtons(await page(path))).toBe(1);

    const { paypalOrderId, checkout } = await startCheckout(path);
    env.paypal.dropWebhooks = true;
    const back = new URL(env.paypal.approve(paypalOrderId, 'echeck'));
    env.paypal.dropWebhooks = false;
    const res = await request(env.t.app).get(`${back.pathname}${back.search}`).expect(303);
    expect(res.headers.location).toMatch(/\?checkout=pending$/);
    expect(await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).toMatchObject({ state: 'PENDING' });

    // Back from PayPal, and the link opened again later from the DM.
    for (const html of [await page(String(res.headers.location)), await page(path)]) {
      expect(html).toContain('Payment on its way');
      expect(html).toContain('Your PayPal payment of $42.50 is still clearing at PayPal (an eCheck takes a few days).');
      expect(html).toContain('There is nothing more to pay now');
      expect(payButtons(html)).toBe(0);
      expect(html).not.toContain('Pay $42.50');
      expect(html).not.toContain('Please pay by');
      expect(html).not.toContain('refresh this page in a moment');
    }

    // The bank returns the eCheck: no money came, the customer can pay again.
    env.paypal.denyPendingCapture(env.paypal.orders.get(paypalOrderId)!.captures[0]!.id);
    await env.paypal.settle();
    await waitFor('the checkout failed', async () =>
      (await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).state === 'FAILED' ? true : undefined,
    );
    const again = await page(path);
    expect(again).not.toContain('Payment on its way');
    expect(again).toContain('Pay $42.50');
    expect(payButtons(again)).toBe(1);
  });

  it('Pay pressed on a page drawn before the payment was sent opens nothing and says a payment is already on its way', async () => {
    // A tab loaded earlier still had the buttons; pressing one opened a second PayPal checkout while the first
    // payment was clearing, and the customer paid twice (one refunded later).
    const { order, path } = await payPalOrder({ paymentStatus: 'pending' });
    const earlier = await page(path);
    const action = earlier.match(/<form method="post" action="([^"]+)"/)![1]!.replace(/&amp;/g, '&');

    const { paypalOrderId, checkout } = await startCheckout(path);
    const back = new URL(env.paypal.approve(paypalOrderId, 'echeck'));
    await request(env.t.app).get(`${back.pathname}${back.search}`).expect(303);
    expect(await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).toMatchObject({ state: 'PENDING' });

    const res = await request(env.t.app).post(action).type('form').send({ method: 'PAYPAL' }).expect(303);
    expect(res.headers.location).toBe(`${path}?checkout=on-its-way`);
    expect(await db.paymentCheckout.count({ where: { orderId: order.id } })).toBe(1);
    expect([...env.paypal.orders.values()].filter((o) => o.purchaseUnit.custom_id === order.id)).toHaveLength(1);

    const shown = await page(String(res.headers.location));
    expect(shown).toContain('A payment for this order is already on its way, so no second payment was started.');
    expect(shown).toContain('Your PayPal payment of $42.50 is still clearing at PayPal (an eCheck takes a few days).');
    expect(payButtons(shown)).toBe(0);
    // Opened again later without the notice's query: the section alone, as before.
    expect(await page(path)).not.toContain('already on its way');
  });
});
