// An order that owes nothing while it waits for payment (a 100 % discount code, a free item with free pickup): its
// invoice page offered "Pay $0.00" with the PayPal button, and pressing it answered "Something went wrong" (500: a
// checkout of $0.00 breaks the checkouts' positive-amount rule). The page now says there is nothing to pay online and
// offers no button; a press from a page drawn before (or a forged one) opens nothing and comes back to the page.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { connectPayPal, MovableClock, unpaidOrderLink } from './invoice-fixtures.js';
import { usePayPalApp } from './paypal-fixtures.js';

const clock = new MovableClock();
const db = testDb();
const f = factories();
const { env } = usePayPalApp(clock);

describe('the invoice page of an order that owes nothing', () => {
  it('offers no Pay button, says why, and a press opens no checkout', async () => {
    const shop = await f.shop({ tenant: { enabledPaymentMethods: ['VENMO_P2P'] } });
    await connectPayPal(env, shop.tenant.id);
    const { order, path } = await unpaidOrderLink(env.t.services, shop, { method: 'PAYPAL', cents: 0 });
    expect(order.totalCents).toBe(0);

    const page = await request(env.t.app).get(path).expect(200);
    expect(page.text).not.toContain('Pay with PayPal');
    expect(page.text).not.toContain('Pay $0.00');
    expect(page.text).toContain('id="nothing-owed"');
    expect(page.text).toContain('There is nothing to pay online for this order');
    // Its pay window still runs: the deadline is shown, and nothing promises the shop confirms it by itself.
    const due = await db.order.findUniqueOrThrow({ where: { id: order.id } });
    if (due.paymentDueAt) expect(page.text).toContain('an order not confirmed by then is cancelled');
    expect(page.text).not.toContain('The shop confirms it');

    const pressed = await request(env.t.app).post(`${path}/pay?owed=0`).type('form').send({ method: 'PAYPAL' });
    expect(pressed.status).toBe(303);
    expect(pressed.headers.location).toBe(path);
    expect(await db.paymentCheckout.count({ where: { orderId: order.id } })).toBe(0);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PENDING_PAYMENT');
  });
});
