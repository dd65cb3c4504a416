// Money that reaches the shop's provider account for an order an admin deleted, through the surfaces people
// use: the customer opens a checkout from the invoice page, the admin cancels the order and deletes it in the
// panel (over HTTP), then the provider still takes money for the closed checkout (late-money.ts) and its signed
// webhook reaches our real endpoint, or its webhooks are lost and the reconciliation finds it. Before, the
// webhook named an order no checkout held: answered 200 as "not ours", nothing recorded, nobody told.
// - BTCPay (an Invalid invoice paid anyway): flagged for the admins (BTCPay refunds only to an address the
//   customer gives), on the deleted order's audit trail and in the admin channel; nothing sent back by itself.
// - Square (a Cash App Pay charge that raced the close, its answer lost): refunded through Square, and the customer
//   the delete's snapshot names is told by DM that it is being returned through the same payment.
// - Another shop's connection never reaches the kept checkout.
import { describe, expect, it } from 'vitest';
import { deletedOrderCheckoutFor } from '../../../src/modules/payments-processor/checkouts/deleted-order-money.js';
import { testDb } from '../../helpers/db.js';
import { waitFor } from '../../helpers/wait-for.js';
import { adminChannelTexts, cancelAndDeleteInPanel } from './deleted-order-fixtures.js';
import { MovableClock } from './invoice-fixtures.js';
import { chargeAtSquare, openBtcPayInvoice, openSquareCheckout, useProvidersApp } from './square-btcpay-fixtures.js';

const clock = new MovableClock();
const db = testDb();
const { env, discordApi } = useProvidersApp(clock);

const adminTexts = (channelId: string) => adminChannelTexts(discordApi(), channelId);
const cancelAndDelete = (tenantId: string, orderId: string) => cancelAndDeleteInPanel(env, tenantId, orderId);

const btcPayDeliveries = (invoiceId: string, type: string) =>
  env.btcpay.outbox.deliveries.filter((d) => d.body.includes(invoiceId) && d.body.includes(`"${type}"`));

describe('a Bitcoin invoice of a deleted order that is paid anyway', () => {
  it('is flagged for the admins (channel alert, audit trail), once however often BTCPay delivers it; nothing sent back by itself', async () => {
    const { tenant, order, invoiceId, connectionId } = await openBtcPayInvoice(env);
    await cancelAndDelete(tenant.id, order.id);
    expect(env.btcpay.invoices.get(invoiceId)).toMatchObject({ status: 'Invalid', additionalStatus: 'Marked' });

    // BTCPay still watches the invalidated invoice: the customer's wallet pays it; signed webhooks reach us.
    await env.btcpay.pay(invoiceId);
    await env.btcpay.idle();
    const received = btcPayDeliveries(invoiceId, 'InvoiceReceivedPayment');
    const settled = btcPayDeliveries(invoiceId, 'InvoicePaymentSettled');
    expect(received.length).toBeGreaterThan(0);
    expect([...received, ...settled].map((d) => d.status)).toEqual([...received, ...settled].map(() => 200));

    const kept = await db.deletedOrderCheckout.findFirstOrThrow({ where: { providerCheckoutId: invoiceId } });
    expect(kept).toMatchObject({
      tenantId: tenant.id,
      orderId: order.id,
      orderNumber: order.number,
      connectionId,
      state: 'PAID',
      paidAmountCents: 4250,
      paymentReference: invoiceId,
      lateMoneyAction: 'FLAGGED',
    });
    const alert = await waitFor('the admin alert', async () =>
      adminTexts(tenant.adminChannelId!).find((t) => t.includes('could NOT be returned')),
    );
    expect(alert).toContain('$42.50');
    expect(alert).toContain(`order #${order.number} was deleted before this payment arrived`);
    expect(alert).toContain(`BTCPay invoice ${invoiceId}`);
    const flagged = await db.auditLog.findMany({
      where: { tenantId: tenant.id, entityType: 'Order', entityId: order.id, action: 'payment.unapplied_flagged' },
    });
    expect(flagged).toHaveLength(1);
    expect(flagged[0]!.after).toMatchObject({ checkoutId: kept.id, amountCents: 4250, orderDeleted: true });
    // BTCPay cannot refund without the customer's address: no claim was made for it.
    expect([...env.btcpay.pullPayments.values()].filter((p) => p.invoiceId === invoiceId)).toHaveLength(0);

    // A redelivery, and the reconciliation after it, change nothing.
    await env.btcpay.redeliver((JSON.parse(received.at(-1)!.body) as { deliveryId: string }).deliveryId);
    await env.btcpay.idle();
    expect(env.btcpay.outbox.deliveries.at(-1)!.status).toBe(200);
    clock.advance(6 * 60);
    try {
      expect((await env.t.services.checkouts.reconcile(5)).errors).toBe(0);
    } finally {
      clock.advance(-6 * 60);
    }
    expect(
      await db.auditLog.count({ where: { tenantId: tenant.id, entityId: order.id, action: { startsWith: 'payment.unapplied' } } }),
    ).toBe(1);
  });

  it('whose webhooks were lost is found by the reconciliation, in the late-money window counted from the checkout', async () => {
    const { tenant, order, invoiceId } = await openBtcPayInvoice(env);
    await cancelAndDelete(tenant.id, order.id);
    env.btcpay.outbox.dropNext(4); // ReceivedPayment, Processing, PaymentSettled, Settled
    await env.btcpay.pay(invoiceId);
    await env.btcpay.idle();
    expect((await db.deletedOrderCheckout.findFirstOrThrow({ where: { providerCheckoutId: invoiceId } })).state).toBe('VOIDED');
    clock.advance(6 * 60);
    try {
      const run = await env.t.services.checkouts.reconcile(5);
      expect(run).toMatchObject({ errors: 0, changed: 1 });
    } finally {
      clock.advance(-6 * 60);
    }
    expect(await db.deletedOrderCheckout.findFirstOrThrow({ where: { providerCheckoutId: invoiceId } })).toMatchObject({
      state: 'PAID',
      paidAmountCents: 4250,
      lateMoneyAction: 'FLAGGED',
    });
    await waitFor('the admin alert', async () =>
      adminTexts(tenant.adminChannelId!).find((t) => t.includes(`order #${order.number} was deleted before this payment arrived`)),
    );
  });

  it("is never matched through another shop's connection", async () => {
    const a = await openBtcPayInvoice(env);
    await cancelAndDelete(a.tenant.id, a.order.id);
    const b = await openBtcPayInvoice(env);
    const about = { providerCheckoutId: a.invoiceId, orderId: a.order.id, paidAmountCents: 4250 };
    expect(await deletedOrderCheckoutFor(db, b.connectionId, about)).toBeNull();
    expect(await deletedOrderCheckoutFor(db, a.connectionId, about)).toMatchObject({ tenantId: a.tenant.id });
  });
});

describe('a Cash App Pay charge that raced the close of a deleted order', () => {
  it('is refunded through Square, the admins are told it arrived and went back, and the customer that it is coming back', async () => {
    const { tenant, order, checkoutId } = await openSquareCheckout(env);
    await cancelAndDelete(tenant.id, order.id);

    // The customer's charge reached Square as the order closed; its answer never reached us. Square still notifies.
    await chargeAtSquare(env, tenant.id, { idempotencyKey: checkoutId, orderId: order.id, note: 'raced the delete' });
    await env.square.idle();
    const created = env.square.outbox.deliveries.find((d) => d.body.includes('"payment.created"') && d.body.includes('raced the delete'));
    expect(created?.status).toBe(200);
    const kept = await waitFor('the payment refunded', async () => {
      const row = await db.deletedOrderCheckout.findUniqueOrThrow({ where: { id: checkoutId } });
      return row.lateMoneyAction === 'REFUND_SENT' ? row : undefined;
    });
    expect(kept).toMatchObject({ state: 'PAID', paidAmountCents: 4250, orderId: order.id });
    expect(kept.providerCheckoutId).not.toBe(checkoutId);
    const refunds = [...env.square.refunds.values()].filter((r) => r.json.payment_id === kept.paymentReference);
    expect(refunds.map((r) => r.json.amount_money.amount)).toEqual([4250]);
    await waitFor('the admin notice of the refund', async () =>
      adminTexts(tenant.adminChannelId!).find((t) => t.includes('was refunded to the customer through the provider')),
    );
    // The order is gone; the customer its delete kept is told, once.
    const customer = await db.customer.findUniqueOrThrow({ where: { id: order.customerId } });
    const toCustomer = () =>
      discordApi()
        .directMessages()
        .filter((m) => m.userId === customer.discordUserId)
        .map((m) => JSON.stringify(m.body))
        .filter((t) => t.includes('being returned'));
    const dm = await waitFor('the DM to the customer', async () => toCustomer()[0]);
    expect(dm).toContain(`order #${order.number} is being returned`);
    expect(dm).toContain('$42.50');
    expect(dm).toContain('the shop had removed the order');
    expect(dm).toContain('through the same Cash App Pay payment');
    expect(toCustomer()).toHaveLength(1);
  });
});
