// Why money could not pay its order, as the customer reads it, for the causes no other file covers, each through the
// fake provider's signed webhook to our real endpoint, the worker and the fake Discord's DM:
// - "changed": a Cash App Pay charge that raced the shop's edit of the order (its version moved) is refunded through
//   Square, and the customer is told the shop changed the order and that it is still unpaid. If Square then fails the
//   refund after the order was paid another way, the DM that the shop will return it by hand still says "changed"
//   (the cause kept when the money arrived), not "already paid".
// - "amount": a charge of another amount than the order asks is refunded through Square, and the customer told so.
// - A deleted order's Bitcoin invoice paid anyway (BTCPay cannot send it back without an address): flagged for the
//   admins, and the customer its delete kept is told once that the shop will return it by hand. Before, nothing.
import { describe, expect, it } from 'vitest';
import { adminCtx } from '../../helpers/actors.js';
import { testDb } from '../../helpers/db.js';
import { waitFor } from '../../helpers/wait-for.js';
import { cancelAndDeleteInPanel } from './deleted-order-fixtures.js';
import { MovableClock } from './invoice-fixtures.js';
import { chargeAtSquare, openBtcPayInvoice, openSquareCheckout, useProvidersApp } from './square-btcpay-fixtures.js';

const clock = new MovableClock();
const db = testDb();
const { env, discordApi } = useProvidersApp(clock);

/** DMs to the order's customer (their text) that contain `text`. */
async function dmsOf(customerId: string, text: string): Promise<string[]> {
  const { discordUserId } = await db.customer.findUniqueOrThrow({ where: { id: customerId } });
  return discordApi()
    .directMessages()
    .filter((m) => m.userId === discordUserId)
    .map((m) => JSON.stringify(m.body))
    .filter((t) => t.includes(text));
}

/** Square's refunds of the payment the checkout was paid by, in cents, once the refund was sent. */
async function refundedAtSquare(checkoutId: string): Promise<number[]> {
  const c = await waitFor('the refund sent', async () => {
    const row = await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkoutId } });
    return row.unappliedAction === 'REFUND_SENT' ? row : undefined;
  });
  return [...env.square.refunds.values()].filter((r) => r.json.payment_id === c.paymentReference).map((r) => r.json.amount_money.amount);
}

/** The admin changes the order's lines (one more of its product): its version moves, its open checkout is stale. */
async function changeLines(tenantId: string, orderId: string) {
  const [line] = await db.orderItem.findMany({ where: { orderId } });
  await env.t.services.orderAdmin.update(adminCtx(tenantId), orderId, { items: [{ productId: line!.productId, quantity: 2 }] });
}

describe('a Cash App Pay charge that raced the shop changing the order', () => {
  it('is refunded through Square and the customer told the shop changed the order, which is still unpaid', async () => {
    const { tenant, order, checkoutId } = await openSquareCheckout(env);
    await changeLines(tenant.id, order.id);
    await chargeAtSquare(env, tenant.id, { idempotencyKey: checkoutId, orderId: order.id, note: 'raced the change' });
    await env.square.idle();
    expect(await refundedAtSquare(checkoutId)).toEqual([4250]);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PENDING_PAYMENT');
    const dm = await waitFor('the DM to the customer', async () => (await dmsOf(order.customerId, 'being returned'))[0]);
    expect(dm).toContain(`order #${order.number} is being returned`);
    expect(dm).toContain('**$42.50** from you with Cash App Pay');
    expect(dm).toContain('the shop changed the order after you started paying, so this payment no longer matched it');
    expect(dm).toContain('through the same Cash App Pay payment');
    expect(dm).toContain(`Order #${order.number} is still unpaid: if you still want it, pay it again.`);
  });

  it('whose refund Square fails after the order was paid: the customer is told the shop will return it, still for the change', async () => {
    const { tenant, order, checkoutId } = await openSquareCheckout(env);
    env.square.autoCompleteRefunds = false;
    try {
      await changeLines(tenant.id, order.id);
      await chargeAtSquare(env, tenant.id, { idempotencyKey: checkoutId, orderId: order.id, note: 'raced the change' });
      await env.square.idle();
      expect(await refundedAtSquare(checkoutId)).toEqual([4250]);
      // The customer paid the changed order another way; then Square fails the refund of the first payment.
      await env.t.services.orderAdmin.update(adminCtx(tenant.id), order.id, { status: 'PAID' });
      expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PAID');
      const sq = [...env.square.refunds.values()].at(-1)!;
      await env.square.failRefund(sq.json.id);
      await env.square.idle();
      expect((await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkoutId } })).unappliedAction).toBe('FLAGGED');
      const dm = await waitFor('the by-hand DM', async () => (await dmsOf(order.customerId, 'will return it to you by hand'))[0]);
      expect(dm).toContain(`your payment for order #${order.number}`);
      expect(dm).toContain('**$42.50** from you with Cash App Pay');
      expect(dm).toContain('the shop changed the order after you started paying');
      expect(dm).not.toContain('already been paid');
    } finally {
      env.square.autoCompleteRefunds = true;
    }
  });
});

describe('a Cash App Pay charge of another amount than the order asks', () => {
  it('is refunded through Square and the customer told the amount did not match', async () => {
    const { tenant, order, checkoutId } = await openSquareCheckout(env);
    await chargeAtSquare(env, tenant.id, { idempotencyKey: checkoutId, orderId: order.id, note: 'underpaid', amountCents: 1000 });
    await env.square.idle();
    expect(await refundedAtSquare(checkoutId)).toEqual([1000]);
    const dm = await waitFor('the DM to the customer', async () => (await dmsOf(order.customerId, 'being returned'))[0]);
    expect(dm).toContain(`order #${order.number} is being returned`);
    expect(dm).toContain('**$10.00** from you with Cash App Pay');
    expect(dm).toContain('the amount did not match what the order asks for');
    expect(dm).toContain(`Order #${order.number} is still unpaid: if you still want it, pay it again.`);
  });
});

describe('a Bitcoin invoice of a deleted order that is paid anyway', () => {
  it('the customer the delete kept is told once that the shop will return it by hand', async () => {
    const { tenant, order, invoiceId } = await openBtcPayInvoice(env);
    await cancelAndDeleteInPanel(env, tenant.id, order.id);
    await env.btcpay.pay(invoiceId);
    await env.btcpay.idle();
    expect((await db.deletedOrderCheckout.findFirstOrThrow({ where: { providerCheckoutId: invoiceId } })).lateMoneyAction).toBe('FLAGGED');
    const dm = await waitFor('the by-hand DM', async () => (await dmsOf(order.customerId, 'will return it to you by hand'))[0]);
    expect(dm).toContain(`your payment for order #${order.number}`);
    expect(dm).toContain('**$42.50** from you with Bitcoin (invoice)');
    expect(dm).toContain('but the shop had removed the order, so the payment was not applied to the order');
    expect(dm).toContain('contact them');
    expect(await dmsOf(order.customerId, 'being returned')).toHaveLength(0);

    // BTCPay delivers again: still one DM.
    const received = env.btcpay.outbox.deliveries.filter((d) => d.body.includes(invoiceId) && d.body.includes('"InvoiceReceivedPayment"'));
    await env.btcpay.redeliver((JSON.parse(received.at(-1)!.body) as { deliveryId: string }).deliveryId);
    await env.btcpay.idle();
    await waitFor(
      'no job about the order left',
      async () =>
        (
          await db.$queryRaw<
            { n: number }[]
          >`SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE payload::text LIKE ${`%${order.id}%`}`
        )[0]?.n === 0,
    );
    expect(await dmsOf(order.customerId, 'will return it to you by hand')).toHaveLength(1);
  });
});
