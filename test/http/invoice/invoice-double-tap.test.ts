// A double tap on "Pay with PayPal" (two POST /invoice/:token/pay for the same order and method at once) opened two
// PayPal orders: each press recorded its own checkout under the order's row lock, one after the other, without
// looking at the other's. Now the second press to take the lock finds the first's checkout (being opened at PayPal,
// or opened since that press began), opens nothing, and the page says so; PayPal is asked once.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../helpers/db.js';
import { waitFor } from '../../helpers/wait-for.js';
import { MovableClock } from './invoice-fixtures.js';
import { usePayPalApp } from './paypal-fixtures.js';

const clock = new MovableClock();
const db = testDb();
const { env, payPalOrder } = usePayPalApp(clock);

const createCalls = (orderId: string) =>
  env.paypal.requests.filter(
    (r) =>
      r.method === 'POST' &&
      r.path === '/v2/checkout/orders' &&
      (r.body as { purchase_units?: { custom_id?: string }[] } | undefined)?.purchase_units?.[0]?.custom_id === orderId,
  );

describe('a double tap on Pay', () => {
  it('opens one PayPal order: the second press is told the payment is being opened', async () => {
    const { order, path } = await payPalOrder({ paymentStatus: 'pending' });
    const html = (await request(env.t.app).get(path).expect(200)).text;
    const action = html.match(/<form method="post" action="([^"]+)"/)![1]!.replace(/&amp;/g, '&');

    // PayPal is slow to answer the first create (as on a phone's network, the second tap comes meanwhile).
    const release = env.paypal.holdNextCreateAnswer();
    const answered: request.Response[] = [];
    const taps = [0, 1].map(() =>
      request(env.t.app)
        .post(action)
        .type('form')
        .send({ method: 'PAYPAL' })
        .then((r) => (answered.push(r), r)),
    );
    await waitFor('one tap answered while the other waits on PayPal', () => answered.length === 1 && createCalls(order.id).length >= 1);
    release();
    const responses = await Promise.all(taps);

    expect(createCalls(order.id)).toHaveLength(1);
    expect(responses.map((r) => r.status)).toEqual([303, 303]);
    const locations = responses.map((r) => String(r.headers.location));
    expect(locations.filter((l) => /\/checkoutnow\?token=/.test(l))).toHaveLength(1);
    expect(locations.filter((l) => l === `${path}?checkout=opening`)).toHaveLength(1);
    const checkouts = await db.paymentCheckout.findMany({ where: { orderId: order.id } });
    expect(checkouts.map((c) => c.state)).toEqual(['OPEN']);

    const shown = (await request(env.t.app).get(`${path}?checkout=opening`).expect(200)).text;
    expect(shown).toContain('Pay was pressed again while your payment was being opened, so no second payment was started.');

    // A press later (the first PayPal page closed) opens a new checkout, as before.
    const again = await request(env.t.app).post(action).type('form').send({ method: 'PAYPAL' }).expect(303);
    expect(String(again.headers.location)).toMatch(/\/checkoutnow\?token=/);
    expect(createCalls(order.id)).toHaveLength(2);
  });
});
