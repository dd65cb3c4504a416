// The refund of money that reached Square for a deleted order, accepted by Square (PENDING) and failed later
// (its signed refund.updated FAILED): the money did not go back. Before, the refund webhook looked only in
// payment_checkouts, found nothing and recorded the event as nothing: the kept checkout stayed REFUND_SENT and
// nobody was told. Now it is FLAGGED, on the deleted order's audit trail, and the admins are told to return it
// by hand, as for a refund Square refused at once. A refund.updated COMPLETED of the same refund flags nothing.
import { describe, expect, it } from 'vitest';
import { deletedOrdersMoneyToReturn } from '../../../src/modules/payments-processor/checkouts/flagged-payments.query.js';
import { testDb } from '../../helpers/db.js';
import { waitFor } from '../../helpers/wait-for.js';
import { adminChannelTexts, chargedAfterDelete } from './deleted-order-fixtures.js';
import { useProvidersApp } from './square-btcpay-fixtures.js';

const db = testDb();
const { env, discordApi } = useProvidersApp();

const adminTexts = (channelId: string) => adminChannelTexts(discordApi(), channelId);

describe("a deleted order's late-money refund that Square accepts and then fails", () => {
  it('is flagged for the admins: audit trail, admin channel, the dashboard to-do', async () => {
    env.square.autoCompleteRefunds = false;
    try {
      const { tenant, order, kept, refundId } = await chargedAfterDelete(env);
      await env.square.failRefund(refundId);
      await env.square.idle();
      const failed = env.square.outbox.deliveries.filter((d) => d.body.includes('"refund.updated"') && d.body.includes(refundId));
      expect(failed.map((d) => d.status)).toEqual([200]);

      expect((await db.deletedOrderCheckout.findUniqueOrThrow({ where: { id: kept.id } })).lateMoneyAction).toBe('FLAGGED');
      const flagged = await db.auditLog.findMany({
        where: { tenantId: tenant.id, entityType: 'Order', entityId: order.id, action: 'payment.unapplied_flagged' },
      });
      expect(flagged).toHaveLength(1);
      expect(flagged[0]!.after).toMatchObject({ checkoutId: kept.id, amountCents: 4250, orderDeleted: true });
      expect(String((flagged[0]!.after as { error: string }).error)).toContain(`refund ${refundId} as failed`);
      const alert = await waitFor('the admin alert', async () =>
        adminTexts(tenant.adminChannelId!).find((t) => t.includes('could NOT be returned')),
      );
      expect(alert).toContain(`order #${order.number} was deleted before this payment arrived`);
      expect((await deletedOrdersMoneyToReturn(db, tenant.id)).map((m) => m.id)).toEqual([kept.id]);
    } finally {
      env.square.autoCompleteRefunds = true;
    }
  });

  it('a refund Square completes flags nothing', async () => {
    const { tenant, order, kept } = await chargedAfterDelete(env);
    await env.square.idle();
    expect((await db.deletedOrderCheckout.findUniqueOrThrow({ where: { id: kept.id } })).lateMoneyAction).toBe('REFUND_SENT');
    expect(await db.auditLog.count({ where: { tenantId: tenant.id, entityId: order.id, action: 'payment.unapplied_flagged' } })).toBe(0);
    expect(
      await db.auditLog.count({ where: { tenantId: tenant.id, entityId: order.id, action: 'payment.provider_refund' } }),
    ).toBeGreaterThan(0);
  });
});
