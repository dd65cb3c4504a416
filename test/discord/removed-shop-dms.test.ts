// A customer's DM queued for a shop that a platform admin then deleted ("Delete this tenant and ALL its data"),
// before the job ran: a worker backlog, or a payment reminder scheduled for later. The shop's orders and customers
// went with it; the DM's job ends without a message instead of failing on "Shop not found" and being retried until
// the queue gives up. (The shop's admin-channel jobs are rows of its lane, which go with the shop.)
import { describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { afterFirstRun } from '../helpers/job-queue.js';
import { useHarness } from './harness.js';
import { paidShopOrder } from './flows.js';
import { EVENTS } from '../../src/modules/shared/events.js';
import { withTransaction } from '../../src/platform/db/prisma.js';
import { DIGITAL_EVENTS } from '../../src/modules/entitlements/digital-goods.js';
import { ACCESS_EVENTS } from '../../src/modules/entitlements/timed-access.js';
import { LANE_DRAIN_TASK } from '../../src/platform/jobs/lanes.js';
import { TAX_SYNC_TASK } from '../../src/modules/tax/tax-sync.enqueue.js';

const f = factories();
const db = testDb();
const h = useHarness({ worker: true });

describe('customer DMs of a shop removed before they ran', () => {
  it('end without a message and without a retry, each of them', async () => {
    const { order, ...s } = await paidShopOrder(f);
    const tenantId = s.tenant.id;
    const orderId = order.id;
    const customerId = s.customer.id;
    const emitted = [
      [EVENTS.orderPaid, { tenantId, orderId, paymentId: order.payment.id }],
      [EVENTS.orderCancelled, { tenantId, orderId, reason: 'admin_cancelled' }],
      [EVENTS.paymentReminder, { tenantId, orderId, dueAt: new Date(Date.now() + 3600_000).toISOString() }],
      [DIGITAL_EVENTS.delivered, { tenantId, orderId }],
      // dmCustomer: the notices that still go out once the order is gone (the customer read by id).
      [
        ACCESS_EVENTS.ending,
        {
          tenantId,
          orderId,
          productId: s.products[0]!.id,
          customerId,
          discordUserId: s.customer.discordUserId,
          productName: 'VIP',
          endsAt: new Date(Date.now() + 3 * 86400_000).toISOString(),
        },
      ],
      [
        EVENTS.refundClaimLink,
        {
          tenantId,
          orderId,
          refundId: 'ref_shop_gone',
          amountCents: 500,
          currency: 'USD',
          claimUrl: 'https://btcpay.example/pull-payments/pp_gone',
          customerId,
          orderNumber: order.number,
        },
      ],
    ] as const;
    // Queued, then the shop deleted (its rows cascade) before any of them ran: one transaction, so no job runs first.
    await withTransaction(db, async (tx) => {
      for (const [event, payload] of emitted) await h.t.services.bus.emit(tx, event, payload);
      await tx.tenant.delete({ where: { id: tenantId } });
    });
    const dms = emitted.map(([event]) => `${event}>discord-notify`);
    // The shop's other jobs of these events end too (they did before): its lanes' drains find the lane empty, the
    // TaxJar sync finds no shop.
    const others = [LANE_DRAIN_TASK, `${EVENTS.orderPaid}>tax-sync`, TAX_SYNC_TASK];

    // Before: each DM failed on "Shop not found" and waited for its next attempt.
    expect(await afterFirstRun(db, [...dms, ...others])).toEqual([]);
    expect(h.fake.directMessages().filter((m) => m.userId === s.customer.discordUserId)).toEqual([]);
  });
});
