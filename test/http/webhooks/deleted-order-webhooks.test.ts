// An order event whose order was deleted before its webhook fan-out ran (an admin cancels an order, then deletes
// it at once; a worker backlog). Deleted through the panel or the API, the order is sent as it was when deleted (the
// delete's audit snapshot): the event committed, and its delivery is not lost with the order. Gone without a
// record (a row deleted by hand), the fan-out ends without a delivery. Before, both failed on "Order … was not
// found" and were retried until the queue gave up, and nothing was ever sent.
import { describe, expect, it } from 'vitest';
import { adminCtx } from '../../helpers/actors.js';
import { factories } from '../../helpers/factories.js';
import { testDb } from '../../helpers/db.js';
import { afterFirstRun } from '../../helpers/job-queue.js';
import { useHarness } from '../../discord/harness.js';
import { EVENTS } from '../../../src/modules/shared/events.js';
import { WEBHOOK_SUBSCRIBER } from '../../../src/modules/webhooks/webhook-delivery.jobs.js';
import { withTransaction } from '../../../src/platform/db/prisma.js';
import { deletedOrderSnapshot } from '../../../src/modules/order-admin/deleted-order-snapshot.js';

const f = factories();
const db = testDb();
const h = useHarness({ worker: true });

/**
 * A shop with an endpoint subscribed to the four order events (never reached: the deliveries are only read), a paid
 * order deleted by `remove`, then the four events emitted as if queued before the delete; waits until each fan-out
 * ran once and answers those left in the queue.
 */
async function eventsAfterDelete(remove: (tenantId: string, orderId: string) => Promise<unknown>, refundId: string) {
  const s = await f.shop();
  const tenantId = s.tenant.id;
  await h.t.services.webhooks.create(adminCtx(tenantId), {
    url: 'http://127.0.0.1:9/hook',
    events: ['order.created', 'order.paid', 'order.refunded', 'order.cancelled'],
  });
  const order = await f.order({ tenantId, customerId: s.customer.id, guildId: s.guild.id, status: 'PAID', paymentStatus: 'paid' });
  await remove(tenantId, order.id);
  const orderId = order.id;
  const emitted = [
    [EVENTS.orderCreated, { tenantId, orderId }],
    [EVENTS.orderPaid, { tenantId, orderId, paymentId: order.payment.id }],
    [EVENTS.orderRefunded, { tenantId, orderId, refundId, amountCents: 500, productIds: [] }],
    [EVENTS.orderCancelled, { tenantId, orderId, reason: 'admin_cancelled' }],
  ] as const;
  await withTransaction(db, async (tx) => {
    for (const [event, payload] of emitted) await h.t.services.bus.emit(tx, event, payload);
  });
  const left = await afterFirstRun(
    db,
    emitted.map(([event]) => `${event}>${WEBHOOK_SUBSCRIBER}`),
  );
  return { tenantId, order, left };
}

describe('webhook fan-out of an order deleted before it ran', () => {
  it('deleted through the delete command: each event is delivered with the order as it was deleted', async () => {
    const { tenantId, order, left } = await eventsAfterDelete(
      (tenantId, orderId) => h.t.services.orderAdmin.delete(adminCtx(tenantId), orderId),
      'ref_never_made',
    );
    const orderId = order.id;

    expect(left).toEqual([]);
    const deliveries = await db.webhookDelivery.findMany({ where: { tenantId }, orderBy: { eventType: 'asc' } });
    const bodies = Object.fromEntries(deliveries.map((d) => [d.eventType, JSON.parse(d.body) as { data: Record<string, unknown> }]));
    expect(Object.keys(bodies).sort()).toEqual(['order.cancelled', 'order.created', 'order.paid', 'order.refunded']);
    for (const body of Object.values(bodies)) {
      expect(body.data.order).toMatchObject({
        id: orderId,
        number: order.number,
        status: 'PAID',
        totalCents: order.totalCents,
        createdAt: order.createdAt.toISOString(),
      });
    }
    expect(bodies['order.paid']!.data.payment).toMatchObject({ id: order.payment.id, status: 'paid' });
    expect(bodies['order.refunded']!.data.refund).toBeNull();
    expect(bodies['order.cancelled']!.data).toMatchObject({ reason: 'admin_cancelled', note: null });
    // Read back as the row was: dates as dates, and nothing of the customer but their id.
    const snapshot = await deletedOrderSnapshot(db, tenantId, orderId);
    expect(snapshot!.createdAt).toBeInstanceOf(Date);
    expect(snapshot!.payments[0]!.createdAt).toBeInstanceOf(Date);
    expect(snapshot).not.toHaveProperty('notes');
    expect(snapshot).not.toHaveProperty('shippingAddress');
    expect(await deletedOrderSnapshot(db, 'ten_other', orderId)).toBeNull();
  });

  it('gone without a record (deleted by hand): ends without a delivery and without a retry', async () => {
    const { tenantId, left } = await eventsAfterDelete((_tenantId, orderId) => db.order.delete({ where: { id: orderId } }), 'ref_gone');

    // Before: each failed on "Order … was not found" and waited for its next attempt.
    expect(left).toEqual([]);
    expect(await db.webhookDelivery.count({ where: { tenantId } })).toBe(0);
  });
});
