// The admin channel's post of a Bitcoin-invoice order while its BTCPay invoice is paid but not yet confirmed
// (Processing): the post says the money is on its way and offers no Record (an admin's record would have the settling
// money refunded as unapplied: payments.confirm refuses it). When BTCPay gives up on the confirmations (the invoice
// turns Invalid: our checkout FAILED), the post is the order's usual one again, Record back.
// Through the real paths: the invoice page's Pay, the fake BTCPay's signed webhooks to our endpoint, the notification
// jobs on a worker, the fake Discord API on the wire.
import { describe, expect, it } from 'vitest';
import { testDb } from '../helpers/db.js';
import { postedAdminMessage } from './admin-post.js';
import { openBtcPayInvoice, useProvidersApp } from '../http/invoice/square-btcpay-fixtures.js';

const db = testDb();
const { env, discordApi } = useProvidersApp();

type Post = {
  embeds: { title?: string; description?: string }[];
  components: { components: { custom_id?: string }[] }[];
};
const idsOf = (p: Post) => p.components.flatMap((r) => r.components.map((c) => c.custom_id ?? ''));

describe('the admin post while a BTCPay invoice confirms', () => {
  it('says the money is on its way with no Record, and is restored when BTCPay marks the invoice invalid', async () => {
    const { tenant, order, invoiceId } = await openBtcPayInvoice(env);
    const payment = await db.payment.findFirstOrThrow({ where: { orderId: order.id } });
    const record = `payment:receipt:${payment.id}:r0`;
    const reject = `payment:reject:${payment.id}`;
    const posted = await postedAdminMessage(env.t.services.bus, discordApi, tenant.id, order.id);
    const edits = (pred: (p: Post) => boolean) => posted.edit((body) => pred(body as Post));
    // Posted after the customer opened the invoice: the post names it.
    const first = posted.now() as unknown as Post;
    expect(first.embeds[0]!.description).toContain('Customer opened a Bitcoin (invoice) checkout for $42.50');

    // Paid in full, not yet confirmed: BTCPay's InvoiceProcessing webhook puts the money on its way.
    env.btcpay.autoConfirm = false;
    await env.btcpay.pay(invoiceId);
    await env.btcpay.idle();
    const moving = (
      await edits((p) => p.embeds[0]!.description!.includes('Customer is paying online with Bitcoin (invoice): money on its way since'))
    ).body as Post;
    expect(moving.embeds[0]!.description).toContain('A Bitcoin payment of $42.50 for this order is confirming at BTCPay');
    expect(moving.embeds[0]!.title).toBe(`New order #${order.number} · payment on its way`);
    expect(idsOf(moving)).toEqual([reject]);

    // The confirmations never come: BTCPay marks the invoice Invalid (InvoiceInvalid), our checkout FAILED, and the
    // post is the Bitcoin order's usual one again.
    env.btcpay.failToConfirm(invoiceId);
    await env.btcpay.idle();
    const back = (await edits((p) => p.embeds[0]!.description!.includes('Paid online with Bitcoin (invoice)'))).body as Post;
    expect(back.embeds[0]!.title).toBe(`New order #${order.number} · awaiting payment`);
    expect(back.embeds[0]!.description).not.toMatch(/Customer (is paying|opened)/);
    expect(idsOf(back)).toEqual([record, reject]);
    expect((await db.paymentCheckout.findFirstOrThrow({ where: { orderId: order.id } })).state).toBe('FAILED');
  });
});
