// A refund made at the provider (PayPal's or Square's dashboard) that Ledgerline learns after the admin saw the order is
// a refund recorded meanwhile too: learned by learnProviderRefunds just before the admin's refund is computed, it refuses
// a refund sent with what the form showed (refunds/refunded-meanwhile.ts), named as made at the payment provider (learned then);
// nothing else is refunded. A refund with no `seen` is taken against the balance left, as before.
import { describe, expect, it } from 'vitest';
import { createRefundService } from '../../../src/modules/refunds/refund.service.js';
import { recordRefundMadeAtProvider } from '../../../src/modules/refunds/provider-refund.command.js';
import { systemActor } from '../../../src/modules/shared/actor.js';
import { withTransaction } from '../../../src/platform/db/prisma.js';
import { testDb } from '../../helpers/db.js';
import { afterSale, paidOrderFixture } from './after-sale.harness.js';

const db = testDb(60);
const s = afterSale(db);

describe('a refund made at the provider and learned since the admin saw the order', () => {
  it('refuses the refund the admin asked for from what they saw, naming it; nothing else is refunded', async () => {
    const { order, ctx, tenant } = await paidOrderFixture(db, s);
    await db.payment.updateMany({ where: { orderId: order.id }, data: { providerReference: 'CAP-1' } });
    let atProvider: { amountCents: number } | null = null;
    const refunds = createRefundService(s.deps, {
      // The provider's refund, learned just before the admin's refund is computed (its webhook never came).
      learnProviderRefunds: async (_ctx, orderId) => {
        if (!atProvider) return;
        const { amountCents } = atProvider;
        atProvider = null;
        await withTransaction(db, (tx) =>
          recordRefundMadeAtProvider(
            tx,
            s.deps,
            { tenantId: tenant.id, actor: systemActor },
            {
              orderId,
              paymentReference: 'CAP-1',
              providerRefundId: `RF-${orderId}`,
              amountCents,
              where: "PayPal's dashboard",
            },
          ),
        );
      },
    });
    // The admin's form showed $0.00 refunded; meanwhile $20.00 was refunded in PayPal's dashboard.
    atProvider = { amountCents: 2000 };
    const err = await refunds.refund(ctx, order.id, { amountCents: 1000, seen: { refundedCents: 0 } }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining(`Order #${order.number} was refunded meanwhile: $20.00 at the payment provider (learned `),
    });
    const rows = await db.refund.findMany({ where: { orderId: order.id } });
    expect(rows.map((r) => [r.amountCents, r.externalRefundId])).toEqual([[2000, `RF-${order.id}`]]);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).refundedTotalCents).toBe(2000);

    // From what the order has refunded now: refunded.
    const done = await refunds.refund(ctx, order.id, { amountCents: 1000, seen: { refundedCents: 2000 } });
    expect(done.order.refundedTotalCents).toBe(3000);
  });
});
