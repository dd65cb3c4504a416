// A PayPal account that blocks multiple payments per invoice ID (PayPal answers a reused invoice_id with 422
// UNPROCESSABLE_ENTITY / DUPLICATE_INVOICE_ID): every checkout of an order carries its own invoice_id, so a
// second checkout after a first one the buyer left (or one made before this change, with the bare order id)
// opens and is paid. Against the fake PayPal over real HTTP, the account's setting on.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../helpers/db.js';
import { MovableClock } from './invoice-fixtures.js';
import { usePayPalApp } from './paypal-fixtures.js';

const clock = new MovableClock();
const db = testDb();
const { env, payPalOrder, startCheckout } = usePayPalApp(clock);

describe('an account that blocks multiple payments per invoice ID', () => {
  it('takes a second checkout of an order whose first the buyer left, and the order is paid by it', async () => {
    const { order, path, clientId, clientSecret } = await payPalOrder({ paymentStatus: 'pending' });
    env.paypal.setBlockDuplicateInvoiceId(clientId, true);
    // Before this change the first checkout of the order carried the bare order id as its invoice_id.
    const token = await fetch(`${env.paypal.url}/v1/oauth2/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    }).then((r) => r.json() as Promise<{ access_token: string }>);
    const legacy = await fetch(`${env.paypal.url}/v2/checkout/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        intent: 'CAPTURE',
        purchase_units: [{ invoice_id: order.id, custom_id: order.id, amount: { currency_code: 'USD', value: '42.50' } }],
        payment_source: { paypal: { experience_context: { return_url: 'https://shop.example/r', cancel_url: 'https://shop.example/c' } } },
      }),
    });
    expect(legacy.status).toBe(200);
    // The same invoice_id again is what such an account refuses, in PayPal's words.
    const again = await fetch(`${env.paypal.url}/v2/checkout/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        intent: 'CAPTURE',
        purchase_units: [{ invoice_id: order.id, amount: { currency_code: 'USD', value: '42.50' } }],
        payment_source: { paypal: { experience_context: { return_url: 'https://shop.example/r', cancel_url: 'https://shop.example/c' } } },
      }),
    });
    expect(again.status).toBe(422);
    expect(await again.json()).toMatchObject({ name: 'UNPROCESSABLE_ENTITY', details: [{ issue: 'DUPLICATE_INVOICE_ID' }] });

    // The buyer presses "Pay with PayPal", leaves, and presses it again: two checkouts, each opened at PayPal.
    const first = await startCheckout(path);
    const second = await startCheckout(path);
    const invoiceIds = [first, second].map((c) => env.paypal.orders.get(c.paypalOrderId)!.purchaseUnit.invoice_id);
    expect(invoiceIds).toEqual([`${order.id}:${first.checkout.id}`, `${order.id}:${second.checkout.id}`]);
    expect(env.paypal.orders.get(second.paypalOrderId)!.purchaseUnit.custom_id).toBe(order.id);

    const back = new URL(env.paypal.approve(second.paypalOrderId));
    await request(env.t.app).get(`${back.pathname}${back.search}`).expect(303);
    await env.paypal.settle();
    expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({ status: 'PAID', amountReceivedCents: 4250 });
    expect(await db.paymentCheckout.findUniqueOrThrow({ where: { id: second.checkout.id } })).toMatchObject({
      state: 'PAID',
      unappliedAction: null,
    });
  });

  it('a create PayPal refuses for another reason (422) leaves a failed checkout with nothing at PayPal, a clear page, and the next press works', async () => {
    const { order, path, clientId } = await payPalOrder({ paymentStatus: 'pending' });
    env.paypal.setBlockDuplicateInvoiceId(clientId, true);
    const ordersBefore = env.paypal.orders.size;
    env.paypal.refuseNextCreate('PAYEE_ACCOUNT_RESTRICTED');
    const refused = await request(env.t.app).post(`${path}/pay`).type('form').send({ method: 'PAYPAL' }).expect(502);
    expect(refused.text).toContain('The payment provider refused');
    expect(env.paypal.orders.size).toBe(ordersBefore);
    const failed = await db.paymentCheckout.findFirstOrThrow({ where: { orderId: order.id } });
    expect(failed).toMatchObject({ state: 'FAILED', providerCheckoutId: null });
    expect(failed.providerStatus).toContain('PAYEE_ACCOUNT_RESTRICTED');
    expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({
      status: 'PENDING_PAYMENT',
      amountReceivedCents: 0,
    });

    const next = await startCheckout(path);
    expect(env.paypal.orders.get(next.paypalOrderId)!.purchaseUnit.invoice_id).toBe(`${order.id}:${next.checkout.id}`);
    const back = new URL(env.paypal.approve(next.paypalOrderId));
    await request(env.t.app).get(`${back.pathname}${back.search}`).expect(303);
    await env.paypal.settle();
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PAID');
  });
});
