// PayPal refuses a capture with 422 DUPLICATE_INVOICE_ID when the shop's account blocks multiple payments per
// invoice ID and a payment with the order's invoice_id was already captured on it ("Requested invoice number has
// been previously captured. Possible duplicate transaction."). PayPal takes nothing. As the customer meets it: they
// approve at PayPal, come back to the invoice page and are told the payment did not go through (never that they
// paid); the order stays unpaid, the checkout FAILED; the admins read why on the order's audit trail and in the
// admin channel (once); the customer's next "Pay with PayPal" opens a checkout with an invoice ID of its own,
// which pays the order. Against the fake PayPal over real HTTP.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { payPalInvoiceId } from '../../../src/modules/payments-processor/providers/paypal/paypal.adapter.js';
import { testDb } from '../../helpers/db.js';
import { waitFor } from '../../helpers/wait-for.js';
import { MovableClock } from './invoice-fixtures.js';
import { usePayPalApp } from './paypal-fixtures.js';

const clock = new MovableClock();
const db = testDb();
const { env, payPalOrder, startCheckout, discordApi } = usePayPalApp(clock);

const adminEmbeds = (channelId: string) =>
  discordApi()
    .find('POST', new RegExp(`/channels/${channelId}/messages$`))
    .map(
      (c) => (c.body as { embeds?: { title?: string; description?: string; fields?: { name: string; value: string }[] }[] }).embeds?.[0],
    );

describe('PayPal refuses the capture: DUPLICATE_INVOICE_ID', () => {
  it('tells the customer it did not go through, keeps the order unpaid, tells the admins once, and the next checkout pays', async () => {
    const { tenant, order, path, clientId } = await payPalOrder({ paymentStatus: 'pending' });
    const first = await startCheckout(path);
    const invoiceId = payPalInvoiceId(order.id, first.checkout.id);
    expect(env.paypal.orders.get(first.paypalOrderId)!.purchaseUnit.invoice_id).toBe(invoiceId);
    // Meanwhile the account took a payment with that invoice number outside the Orders API, and blocks repeats.
    env.paypal.paidOutside(clientId, invoiceId);
    env.paypal.setBlockDuplicateInvoiceId(clientId, true);

    // The customer approves at PayPal and is sent back to the invoice page.
    const back = new URL(env.paypal.approve(first.paypalOrderId));
    const returned = await request(env.t.app).get(`${back.pathname}${back.search}`).expect(303);
    expect(returned.headers.location).toBe(`${path}?checkout=failed`);
    const page = await request(env.t.app).get(String(returned.headers.location)).expect(200);
    expect(page.text).toContain('The payment did not go through. You can try again below.');
    expect(page.text).not.toMatch(/id="paid"|Thank you|payment (was )?received/i);

    // PayPal took nothing: no capture on its order, which the buyer approved; our books say the same.
    expect(env.paypal.orders.get(first.paypalOrderId)).toMatchObject({ status: 'APPROVED', captures: [] });
    expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({
      status: 'PENDING_PAYMENT',
      amountReceivedCents: 0,
    });
    expect(await db.paymentCheckout.findUniqueOrThrow({ where: { id: first.checkout.id } })).toMatchObject({
      state: 'FAILED',
      paidAmountCents: null,
      paymentReference: null,
      providerStatus: 'CAPTURE REFUSED (DUPLICATE_INVOICE_ID)',
    });

    // The admins: the order's audit trail (from the return or PayPal's APPROVED webhook, whichever came first) and
    // one admin-channel alert saying what happened and what to do.
    const audit = await db.auditLog.findMany({ where: { tenantId: tenant.id, entityId: order.id, action: 'payment.capture_refused' } });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.after).toMatchObject({ checkoutId: first.checkout.id, provider: 'PAYPAL', amountCents: 4250 });
    expect(String((audit[0]!.after as { reason: string }).reason)).toContain('DUPLICATE_INVOICE_ID');
    const alert = await waitFor('the admin-channel alert', async () =>
      adminEmbeds(tenant.adminChannelId!).find((e) => e?.title === `Payment NOT taken: order #${order.number}`),
    );
    expect(alert!.description).toContain('the customer was not charged and the order is still unpaid');
    expect(alert!.fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Why', value: expect.stringContaining('blocks multiple payments per invoice ID') }),
        { name: 'PayPal invoice ID', value: `\`${invoiceId}\``, inline: true },
      ]),
    );

    // Coming back again (a reload of the return link) changes nothing and alerts no one again.
    await request(env.t.app).get(`${back.pathname}${back.search}`).expect(303);
    expect(await db.auditLog.count({ where: { tenantId: tenant.id, entityId: order.id, action: 'payment.capture_refused' } })).toBe(1);

    // The customer presses "Pay with PayPal" again: a new checkout with its own invoice ID, captured, the order paid.
    const second = await startCheckout(path);
    expect(env.paypal.orders.get(second.paypalOrderId)!.purchaseUnit.invoice_id).toBe(payPalInvoiceId(order.id, second.checkout.id));
    const again = new URL(env.paypal.approve(second.paypalOrderId));
    const paid = await request(env.t.app).get(`${again.pathname}${again.search}`).expect(303);
    expect(paid.headers.location).toBe(`${path}?checkout=paid`);
    await env.paypal.settle();
    expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({ status: 'PAID', amountReceivedCents: 4250 });
    expect(adminEmbeds(tenant.adminChannelId!).filter((e) => e?.title?.startsWith('Payment NOT taken'))).toHaveLength(1);
  });
});
