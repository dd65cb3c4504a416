// The refund of money that reached Square for a deleted order, accepted by Square (PENDING) and failed later, with
// its refund.updated FAILED notification lost (our endpoint down past Square's retries). The refund sweep read only
// live orders' PAID checkouts, never a deleted order's kept one, so nothing ever learnt it: the money stayed
// "refunded through the provider" (REFUND_SENT), the customer never got it and nobody was told. The sweep now reads
// the refunds of a deleted order's late money sent back through PayPal or Square, and a failed one is flagged as the
// lost notification would have flagged it (deleted-order-refund-failed.test.ts): audit trail, admin channel, the
// dashboard's "Money to return". Once; a later read or the notification arriving after all adds nothing.
import { describe, expect, it } from 'vitest';
import { deletedOrdersMoneyToReturn } from '../../../src/modules/payments-processor/checkouts/flagged-payments.query.js';
import { testDb } from '../../helpers/db.js';
import { waitForJobsDone } from '../../helpers/job-queue.js';
import { waitFor } from '../../helpers/wait-for.js';
import { adminChannelTexts, chargedAfterDelete } from './deleted-order-fixtures.js';
import { MovableClock } from './invoice-fixtures.js';
import { sweepReadsEarlier } from './refund-sweep-reads.js';
import { useProvidersApp } from './square-btcpay-fixtures.js';

const clock = new MovableClock();
const db = testDb();
const { env, discordApi } = useProvidersApp(clock);

const flaggedAudit = (tenantId: string, orderId: string) =>
  db.auditLog.findMany({ where: { tenantId, entityType: 'Order', entityId: orderId, action: 'payment.unapplied_flagged' } });

describe("a deleted order's late-money refund that Square fails later, its notification lost", () => {
  it('the refund sweep reads the failure and flags the money for the admins once', async () => {
    env.square.autoCompleteRefunds = false;
    let charged: Awaited<ReturnType<typeof chargedAfterDelete>> | undefined;
    let lost: (typeof env.square.outbox.deliveries)[number] | undefined;
    try {
      charged = await chargedAfterDelete(env);
      const from = env.square.outbox.deliveries.length;
      env.square.outbox.dropNext(1);
      await env.square.failRefund(charged.refundId);
      await env.square.idle();
      const dropped = env.square.outbox.deliveries.slice(from);
      expect(dropped.map((d) => d.dropped)).toEqual([true]);
      lost = dropped[0];
    } finally {
      env.square.autoCompleteRefunds = true;
    }
    const { tenant, order, checkoutId, refundId } = charged;
    expect((await db.deletedOrderCheckout.findUniqueOrThrow({ where: { id: checkoutId } })).lateMoneyAction).toBe('REFUND_SENT');

    clock.advance(2 * 3600);
    await env.t.services.refundSweep.run();

    expect((await db.deletedOrderCheckout.findUniqueOrThrow({ where: { id: checkoutId } })).lateMoneyAction).toBe('FLAGGED');
    const flagged = await flaggedAudit(tenant.id, order.id);
    expect(flagged.map((e) => e.after)).toEqual([
      expect.objectContaining({ checkoutId, amountCents: 4250, orderDeleted: true, error: expect.stringContaining(refundId) }),
    ]);
    const alert = await waitFor('the admin alert', async () =>
      adminChannelTexts(discordApi(), tenant.adminChannelId!).find((t) => t.includes('could NOT be returned')),
    );
    expect(alert).toContain(`order #${order.number} was deleted before this payment arrived`);
    expect((await deletedOrdersMoneyToReturn(db, tenant.id)).map((m) => m.id)).toEqual([checkoutId]);

    // Square's retry of the lost notification arrives after all, and the sweep runs again later: nothing more. The
    // sweep selects no FLAGGED row: it does not even claim this one (its lateCheckedAt stays where it was put).
    const retry = await fetch(lost!.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...lost!.headers, 'square-retry-number': '1' },
      body: lost!.body,
    });
    expect(retry.status).toBe(200);
    clock.advance(24 * 3600);
    await sweepReadsEarlier(db, 24 * 3600, [checkoutId]);
    const lastRead = (await db.deletedOrderCheckout.findUniqueOrThrow({ where: { id: checkoutId } })).lateCheckedAt;
    await env.t.services.refundSweep.run();
    expect((await db.deletedOrderCheckout.findUniqueOrThrow({ where: { id: checkoutId } })).lateCheckedAt).toEqual(lastRead);
    expect(await flaggedAudit(tenant.id, order.id)).toHaveLength(1);
    await waitForJobsDone();
    expect(adminChannelTexts(discordApi(), tenant.adminChannelId!).filter((t) => t.includes('could NOT be returned'))).toHaveLength(1);
  });

  it('a refund Square completed: the sweep flags nothing', async () => {
    const { tenant, order, checkoutId } = await chargedAfterDelete(env);
    const before = (await db.deletedOrderCheckout.findUniqueOrThrow({ where: { id: checkoutId } })).lateCheckedAt;
    clock.advance(2 * 3600);
    const result = await env.t.services.refundSweep.run();
    // The sweep did read this row (claimed it: its lateCheckedAt moved to the run's time), and found nothing to flag.
    expect(result.read).toBeGreaterThanOrEqual(1);
    const after = await db.deletedOrderCheckout.findUniqueOrThrow({ where: { id: checkoutId } });
    expect(after.lateCheckedAt).not.toBeNull();
    expect(after.lateCheckedAt!.getTime()).toBeGreaterThan(before?.getTime() ?? 0);
    expect(after.lateMoneyAction).toBe('REFUND_SENT');
    expect(await flaggedAudit(tenant.id, order.id)).toEqual([]);
  });
});
