// A refund of ours that Square took (RefundPayment answered PENDING, so the job recorded it as sent) and failed later,
// with its refund.updated FAILED notification lost (our endpoint down past Square's 72 hours of retries). Before, no
// reader ever learnt it: the refund sweep and the refund-time read recorded only COMPLETED refunds, and the sweep left
// out an order refunded in full. The order said the money was sent through the payment processor, the customer never
// got it, and nobody was told. Now the sweep reads the failure as the notification would have recorded it: the refund
// is recorded as not returned (`payment.refund_failed`) and the admins are told once, for a part or the whole refunded.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { UNAPPLIED_REFUND_TASK } from '../../../src/modules/payments-processor/checkouts/checkout-ledger.js';
import { PROCESSOR_REFUND_TASK } from '../../../src/modules/payments-processor/processor-refund.task.js';
import { adminCtx } from '../../helpers/actors.js';
import { testDb } from '../../helpers/db.js';
import { waitForJobsDone } from '../../helpers/job-queue.js';
import { waitFor } from '../../helpers/wait-for.js';
import { adminChannelTexts } from './deleted-order-fixtures.js';
import { MovableClock } from './invoice-fixtures.js';
import { sweepReadsEarlier } from './refund-sweep-reads.js';
import { chargeAtSquare, openSquareCheckout, paidSquareOrder, useProvidersApp } from './square-btcpay-fixtures.js';

const clock = new MovableClock();
const db = testDb();
const { env, discordApi } = useProvidersApp(clock);

const auditOf = (orderId: string, action: string) =>
  db.auditLog.findMany({ where: { entityType: 'Order', entityId: orderId, action }, orderBy: { createdAt: 'asc' } });

/** A paid Cash App Pay order refunded by `amountCents` through the REST API; Square fails the refund and its notification is lost. */
async function refundFailedWithNotificationLost(amountCents: number | 'all') {
  const paid = await paidSquareOrder(env);
  const { key } = await env.t.services.apiKeys.create(adminCtx(paid.tenant.id), 'refund key', 'READ_WRITE');
  env.square.autoCompleteRefunds = false;
  try {
    const res = await request(env.t.app)
      .post(`/api/orders/${paid.order.id}/refunds`)
      .set({ authorization: `Bearer ${key}` })
      .send({ amountCents: amountCents === 'all' ? paid.order.totalCents : amountCents, reason: 'Broken' })
      .expect(201);
    const refundId: string = res.body.refund.id;
    await waitForJobsDone({ tasks: [PROCESSOR_REFUND_TASK] });
    const [sent] = await auditOf(paid.order.id, 'payment.refund_sent');
    const providerRefundId = (sent?.after as { providerRefundId: string; refundState: string }).providerRefundId;
    expect(sent?.after).toMatchObject({ refundId, refundState: 'PENDING' });

    const from = env.square.outbox.deliveries.length;
    env.square.outbox.dropNext(1);
    await env.square.failRefund(providerRefundId);
    await env.square.idle();
    const lost = env.square.outbox.deliveries.slice(from);
    expect(lost.map((d) => d.dropped)).toEqual([true]);
    expect(await auditOf(paid.order.id, 'payment.refund_failed')).toEqual([]);
    return { ...paid, refundId, providerRefundId, lost: lost[0]! };
  } finally {
    env.square.autoCompleteRefunds = true;
  }
}

describe('a Square refund of ours that failed later, its notification lost', () => {
  it.each([
    ['a part of the order', 1000 as const, 'PARTIALLY_REFUNDED'],
    ['the whole order', 'all' as const, 'REFUNDED'],
  ])('refunding %s: the sweep records it as not returned and tells the admins once', async (_what, amount, status) => {
    const { tenant, order, checkoutId, refundId, providerRefundId, lost } = await refundFailedWithNotificationLost(amount);
    const refunded = amount === 'all' ? order.totalCents : amount;
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe(status);

    clock.advance(2 * 3600);
    await env.t.services.refundSweep.run();

    const failed = await auditOf(order.id, 'payment.refund_failed');
    expect(failed.map((e) => e.after)).toEqual([
      expect.objectContaining({ refundId, providerRefundId, amountCents: refunded, permanent: true }),
    ]);
    // The books keep the refund; the money goes back by hand, as for a refund the processor refused at once.
    expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({ status, refundedTotalCents: refunded });
    const alert = await waitFor('the admin alert', async () =>
      adminChannelTexts(discordApi(), tenant.adminChannelId!).find((t) => t.includes(`Refund NOT returned: order #${order.number}`)),
    );
    expect(alert).toBeTruthy();

    // The lost notification's retry arrives after all (Square sends the same signed body again), and the sweep reads
    // the checkout again later: nothing more recorded or told.
    const retry = await fetch(lost.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...lost.headers, 'square-retry-number': '1' },
      body: lost.body,
    });
    expect(retry.status).toBe(200);
    clock.advance(24 * 3600);
    await sweepReadsEarlier(db, 24 * 3600, [checkoutId]);
    const lastRead = (await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkoutId } })).refundCheckedAt;
    await env.t.services.refundSweep.run();
    // It was read again (its refundCheckedAt moved on): the nothing-more below is about a read, not a skipped row.
    expect((await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkoutId } })).refundCheckedAt!.getTime()).toBeGreaterThan(
      lastRead!.getTime(),
    );
    expect(await auditOf(order.id, 'payment.refund_failed')).toHaveLength(1);
    expect(await db.refund.count({ where: { orderId: order.id } })).toBe(1);
    await waitForJobsDone();
    expect(
      adminChannelTexts(discordApi(), tenant.adminChannelId!).filter((t) => t.includes(`Refund NOT returned: order #${order.number}`)),
    ).toHaveLength(1);
  });

  it('money that could not pay the order, its refund failed: the sweep flags it for the admins once', async () => {
    const { tenant, order, checkoutId } = await openSquareCheckout(env);
    env.square.autoCompleteRefunds = false;
    let providerRefundId = '';
    try {
      // $10.00 of $42.50 arrives (a charge whose answer was lost): it cannot pay the order and is refunded.
      await chargeAtSquare(env, tenant.id, { idempotencyKey: checkoutId, orderId: order.id, note: 'underpaid', amountCents: 1000 });
      await env.square.idle();
      const refunded = await waitFor('the refund sent', async () => (await auditOf(order.id, 'payment.unapplied_refunded'))[0]);
      await waitForJobsDone({ tasks: [UNAPPLIED_REFUND_TASK] });
      providerRefundId = (refunded.after as { providerRefundId: string }).providerRefundId;
      env.square.outbox.dropNext(1);
      await env.square.failRefund(providerRefundId);
      await env.square.idle();
    } finally {
      env.square.autoCompleteRefunds = true;
    }
    expect((await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkoutId } })).unappliedAction).toBe('REFUND_SENT');

    clock.advance(2 * 3600);
    await env.t.services.refundSweep.run();

    expect((await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkoutId } })).unappliedAction).toBe('FLAGGED');
    const flagged = await auditOf(order.id, 'payment.unapplied_flagged');
    expect(flagged.map((e) => e.after)).toEqual([
      expect.objectContaining({ checkoutId, amountCents: 1000, error: expect.stringContaining(providerRefundId) }),
    ]);
    // Read again a day later: nothing more. The sweep does read the checkout again (a live PAID checkout is read for
    // dashboard refunds whatever became of its unapplied money: its refundCheckedAt moves on), so this says something.
    clock.advance(24 * 3600);
    await sweepReadsEarlier(db, 24 * 3600, [checkoutId]);
    const lastRead = (await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkoutId } })).refundCheckedAt;
    await env.t.services.refundSweep.run();
    expect((await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkoutId } })).refundCheckedAt!.getTime()).toBeGreaterThan(
      lastRead!.getTime(),
    );
    expect(await auditOf(order.id, 'payment.unapplied_flagged')).toHaveLength(1);
  });
});
