// An order placed in Discord with a manual method (Venmo) and paid on its invoice page with PayPal: the paid page and
// the receipt DM say it was paid with PayPal, as the payment record does. Before, both said "Venmo": the checkout
// ledger set the payment's method to the checkout's but left the order's, which every receipt reads.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { waitFor } from '../../helpers/wait-for.js';
import { connectPayPal, MovableClock, unpaidOrderLink } from './invoice-fixtures.js';
import { usePayPalApp } from './paypal-fixtures.js';

const clock = new MovableClock();
const db = testDb();
const f = factories();
const { env, startCheckout, discordApi } = usePayPalApp(clock);

describe('a Venmo order paid on its invoice page with PayPal', () => {
  it('is recorded, shown and receipted as paid with PayPal', async () => {
    const shop = await f.shop({ tenant: { enabledPaymentMethods: ['VENMO_P2P'] } });
    await connectPayPal(env, shop.tenant.id);
    const { order, path } = await unpaidOrderLink(env.t.services, shop, { method: 'VENMO_P2P', cents: 4250 });

    const { paypalOrderId } = await startCheckout(path);
    const back = new URL(env.paypal.approve(paypalOrderId));
    await request(env.t.app).get(`${back.pathname}${back.search}`).expect(303);
    await env.paypal.settle();

    const paid = await db.order.findUniqueOrThrow({ where: { id: order.id }, include: { payments: true } });
    expect(paid.status).toBe('PAID');
    expect(paid.payments.map((p) => p.method)).toEqual(['PAYPAL']);
    expect(paid.paymentMethod).toBe('PAYPAL');

    const text = (await request(env.t.app).get(path).expect(200)).text;
    expect(text).toContain('<p id="paid-with">Paid with PayPal on');
    expect(text).not.toContain('Venmo');

    const receipt = await waitFor('the receipt DM', () =>
      discordApi()
        .directMessages()
        .find((m) => m.userId === shop.customer.discordUserId && JSON.stringify(m.body).includes(`receipt for order #${order.number}`)),
    );
    expect(JSON.stringify(receipt.body)).toContain('Payment received with PayPal.');
  });
});
