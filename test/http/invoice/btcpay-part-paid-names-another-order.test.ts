// A Bitcoin invoice paid in part whose BTCPay invoice names another order of ours (metadata.orderId) than the checkout's.
// "Pay with Bitcoin" again sent the buyer back to that invoice (a part-paid invoice is resumed for the rest), where what
// they paid would never pay this order; and nobody was told of the part that had arrived, since an open invoice did not
// count as money until it was PENDING. Now the invoice page opens a new invoice for this order instead, and the admins
// are told of the part paid on the one naming another order; nothing is applied to either order.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../helpers/db.js';
import { waitFor } from '../../helpers/wait-for.js';
import { adminChannelTexts } from './deleted-order-fixtures.js';
import { anotherUnpaidOrder, expectNothingApplied, paymentsOf } from './other-order-assertions.js';
import { connectedShopOrder, useProvidersApp } from './square-btcpay-fixtures.js';

const db = testDb();
const { env, discordApi } = useProvidersApp();

async function startInvoice(path: string) {
  const res = await request(env.t.app).post(`${path}/pay`).type('form').send({ method: 'BTC_INVOICE' }).expect(303);
  const invoiceId = /\/i\/([^/?]+)$/.exec(String(res.headers.location))![1]!;
  const checkout = await db.paymentCheckout.findFirstOrThrow({ where: { providerCheckoutId: invoiceId } });
  return { invoiceId, checkout };
}

describe('a part-paid Bitcoin invoice naming another order', () => {
  it('Pay again opens a new invoice for this order, the admins are told of the part paid, and nothing is applied', async () => {
    const { tenant, order, path } = await connectedShopOrder(env, 'BTC_INVOICE');
    const other = await anotherUnpaidOrder(tenant.id, order, 'BTC_INVOICE');
    const first = await startInvoice(path);
    env.btcpay.invoices.get(first.invoiceId)!.metadata.orderId = other.id;
    const paymentsBefore = await paymentsOf([order.id, other.id]);

    await env.btcpay.pay(first.invoiceId, 1000);
    await env.btcpay.idle();

    // Told: the part paid on an invoice naming another order (before: nothing until the invoice was PENDING).
    const alert = await waitFor('the admin alert', async () =>
      adminChannelTexts(discordApi(), tenant.adminChannelId!).find((t) => t.includes(first.invoiceId)),
    );
    expect(alert).toContain(other.id);
    expect(alert).toContain('$10.00 payment (part paid, its invoice still open)');

    // Before: back to the same invoice, whose payments would never pay this order.
    const again = await startInvoice(path);
    expect(again.invoiceId).not.toBe(first.invoiceId);
    expect(env.btcpay.invoices.get(again.invoiceId)!.metadata.orderId).toBe(order.id);
    await expectNothingApplied([order.id, other.id], paymentsBefore, first.checkout.id);
  });
});
