// A PayPal order we voided on our side that was captured all the same (the buyer came back in another tab as
// the order was cancelled, and the capture's answer and webhooks were lost): the reconciliation job asks PayPal
// about voided checkouts within PayPal's window, finds the capture, and the ledger refunds it through PayPal
// and tells the admins (the order was cancelled). Against the fake PayPal over real HTTP; the clock moves.
import { describe, expect, it } from 'vitest';
import { adminCtx } from '../../helpers/actors.js';
import { testDb } from '../../helpers/db.js';
import { waitFor } from '../../helpers/wait-for.js';
import { MovableClock } from './invoice-fixtures.js';
import { usePayPalApp } from './paypal-fixtures.js';
import { runReconcileJob } from './reconcile-job.js';

const clock = new MovableClock();
const db = testDb();
const { env, payPalOrder, startCheckout } = usePayPalApp(clock);

describe('a voided PayPal checkout captured all the same, every webhook lost', () => {
  it('is found by the reconciliation job and refunded through PayPal, with the admins told', async () => {
    const { tenant, order, path } = await payPalOrder({ paymentStatus: 'pending' });
    const { paypalOrderId, checkout } = await startCheckout(path);
    env.paypal.dropWebhooks = true;
    try {
      env.paypal.approve(paypalOrderId);
      env.paypal.capture(paypalOrderId); // our capture reached PayPal; its answer did not reach us
      await env.paypal.settle();
    } finally {
      env.paypal.dropWebhooks = false;
    }
    await env.t.services.orderAdmin.cancel(adminCtx(tenant.id), order.id, {});
    await waitFor(
      'the checkout voided',
      async () => (await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).state === 'VOIDED',
    );
    const captureId = env.paypal.orders.get(paypalOrderId)!.captures[0]!.id;
    expect(env.paypal.refundedCents(captureId)).toBe(0);

    clock.advance(10 * 60);
    try {
      await runReconcileJob(db);
    } finally {
      clock.advance(-10 * 60);
    }
    expect(await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).toMatchObject({
      state: 'PAID',
      paidAmountCents: 4250,
      paymentReference: captureId,
      unappliedReason: expect.stringContaining('voided'),
    });
    await waitFor('the capture refunded at PayPal', () => env.paypal.refundedCents(captureId) === 4250);
    const unapplied = await db.auditLog.findFirst({ where: { entityId: order.id, action: 'payment.unapplied' } });
    expect(unapplied?.after).toMatchObject({ checkoutId: checkout.id, amountCents: 4250, source: 'reconciliation (closed checkout)' });
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('CANCELLED');
  });
});
