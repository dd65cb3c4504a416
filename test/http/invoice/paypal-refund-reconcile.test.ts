// Refunds made in PayPal's own dashboard that Ledgerline used to miss:
// - one whose webhook (PAYMENT.CAPTURE.REFUNDED, signed as PayPal signs it, posted by the fake to our real
//   endpoint) arrives while a refund of ours of the same order is still on its way (PayPal refunded it, our job
//   waits on PayPal's answer): it was taken for ours and never recorded. A refund is ours only when it names
//   itself (the custom_id we send, which PayPal echoes) or its id was recorded by our job.
// - one whose webhook never arrives: read from PayPal (the order's purchase_units[].payments.refunds) when an
//   admin refunds the order with /refund (a signed Discord interaction), so only the rest is sent.
import { describe, expect, it } from 'vitest';
import { adminCtx } from '../../helpers/actors.js';
import { testDb } from '../../helpers/db.js';
import { waitFor } from '../../helpers/wait-for.js';
import { commandInteraction, interact, member, textOf, type Harness } from '../../discord/harness.js';
import { MovableClock } from './invoice-fixtures.js';
import { usePayPalApp } from './paypal-fixtures.js';

const clock = new MovableClock();
const db = testDb();
// PayPal's answer to our refund is held by the test for as long as it needs: the adapter's own timeout is not
// what this file is about, so it is generous (a retry would otherwise be answered while the test still holds).
const { env, paidPayPalOrder, dashboardRefund } = usePayPalApp(clock, { PROVIDER_TIMEOUT_MS: '60000' });

describe('refunds made in the PayPal dashboard', () => {
  it('one whose webhook arrives while our own refund of the order is on its way is recorded; ours is not taken for it', async () => {
    const { tenant, order, clientId, clientSecret, captureId } = await paidPayPalOrder();
    const release = env.paypal.holdNextRefundAnswer();
    let released = false;
    try {
      const ours = await env.t.services.refunds.refund(adminCtx(tenant.id), order.id, { amountCents: 1000, reason: 'one returned' });
      // PayPal made our refund and sent its webhook; our job still waits on PayPal's answer.
      await waitFor('PayPal made our refund', async () => env.paypal.refundedCents(captureId) === 1000);
      await env.paypal.settle();
      const paypalRefundId = await dashboardRefund(clientId, clientSecret, captureId, '5.00');

      expect(await db.auditLog.count({ where: { entityId: order.id, action: 'payment.refund_sent' } })).toBe(0);
      const refunds = await db.refund.findMany({ where: { orderId: order.id }, orderBy: { createdAt: 'asc' } });
      expect(refunds).toEqual([
        expect.objectContaining({ id: ours.refund.id, amountCents: 1000, externalRefundId: null }),
        expect.objectContaining({ mode: 'PARTIAL_AMOUNT', amountCents: 500, externalRefundId: paypalRefundId, manualReturnMethod: null }),
      ]);
      expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({
        status: 'PARTIALLY_REFUNDED',
        refundedTotalCents: 1500,
      });

      release();
      released = true;
      const sent = await waitFor('our refund recorded as sent', () =>
        db.auditLog.findFirst({ where: { entityId: order.id, action: { in: ['payment.refund_sent', 'payment.refund_failed'] } } }),
      );
      expect(sent).toMatchObject({ action: 'payment.refund_sent', after: { refundId: ours.refund.id, amountCents: 1000 } });
    } finally {
      if (!released) release();
    }
    await env.paypal.settle();
    // Two refunds, as PayPal has them: ours and the dashboard's, each once.
    expect(await db.refund.count({ where: { orderId: order.id } })).toBe(2);
    expect(env.paypal.refundedCents(captureId)).toBe(1500);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).refundedTotalCents).toBe(1500);
  });

  it('one whose webhook never arrives is read from PayPal before /refund computes the refund: that /refund is refused as refunded meanwhile, the next sends only the rest', async () => {
    const { tenant, order, clientId, clientSecret, captureId } = await paidPayPalOrder();
    env.paypal.dropWebhooks = true;
    let paypalRefundId: string;
    try {
      paypalRefundId = await dashboardRefund(clientId, clientSecret, captureId, '10.00');
    } finally {
      env.paypal.dropWebhooks = false;
    }
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PAID');

    const asAdmin = { guildId: order.guildId!, user: member({ roles: [tenant.adminRoleIds[0]!] }) };
    // Learned as /refund is computed, after the admin sent it: a refund recorded meanwhile, which they could not have
    // known of, so the command is refused and says it (refunds/refunded-meanwhile.ts); nothing is sent to PayPal.
    const requestsBefore = env.paypal.refundRequests(captureId).length;
    const told = await interact({ t: env.t } as Harness, commandInteraction(asAdmin, 'refund', { order: order.id }));
    expect(textOf(told)).toContain(`Order #${order.number} was refunded meanwhile: $10.00 at the payment provider (learned `);
    expect(env.paypal.refundRequests(captureId)).toHaveLength(requestsBefore);
    expect(await db.refund.count({ where: { orderId: order.id } })).toBe(1);
    // Sent again, now that the order shows it: only the rest is sent.
    const reply = await interact({ t: env.t } as Harness, commandInteraction(asAdmin, 'refund', { order: order.id }));
    expect(textOf(reply)).toContain('Refund of $32.50 recorded');

    const refunds = await db.refund.findMany({ where: { orderId: order.id }, orderBy: { createdAt: 'asc' } });
    expect(refunds).toEqual([
      expect.objectContaining({ mode: 'PARTIAL_AMOUNT', amountCents: 1000, externalRefundId: paypalRefundId }),
      expect.objectContaining({ amountCents: 3250, externalRefundId: null }),
    ]);
    const sent = await waitFor('the refund job outcome', () =>
      db.auditLog.findFirst({ where: { entityId: order.id, action: { in: ['payment.refund_sent', 'payment.refund_failed'] } } }),
    );
    expect(sent).toMatchObject({ action: 'payment.refund_sent', after: { amountCents: 3250, refundState: 'COMPLETED' } });
    expect(env.paypal.refundRequests(captureId).at(-1)!.body).toMatchObject({ amount: { currency_code: 'USD', value: '32.50' } });
    expect(env.paypal.refundedCents(captureId)).toBe(4250);
    await env.paypal.settle();
    expect(await db.refund.count({ where: { orderId: order.id } })).toBe(2);
    expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({ status: 'REFUNDED', refundedTotalCents: 4250 });
  });
});
