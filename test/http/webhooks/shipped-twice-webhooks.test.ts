// An order shipped twice with the same tracking number (shipped, the delivery failed, shipped again under the same
// number) while no worker runs: both shipments' jobs are pending at once. Each shipment is news to an integrator, so
// two order.shipped messages arrive, each with its own webhook-id. The shipment's job key was the tracking number,
// so the second shipment's jobs replaced the first's and one message arrived for two. The same update sent again
// (a client's retry with its Idempotency-Key) is still one message.
import { describe, expect, it } from 'vitest';
import { EVENTS } from '../../../src/modules/shared/events.js';
import { WEBHOOK_DELIVER_TASK, WEBHOOK_SUBSCRIBER } from '../../../src/modules/webhooks/webhook-delivery.jobs.js';
import { testDb } from '../../helpers/db.js';
import { pendingJobs } from '../../helpers/job-queue.js';
import { useHeldWebhooks } from './held-webhooks.js';

const db = testDb();
const held = useHeldWebhooks();
const FAN_OUT = `${EVENTS.orderShipped}>${WEBHOOK_SUBSCRIBER}`;
const WEBHOOK_TASKS = [FAN_OUT, WEBHOOK_DELIVER_TASK];

describe('order.shipped, twice with the same tracking number', () => {
  it('two shipments whose jobs are both pending are two messages; a retried update is one', async () => {
    const { tenantId, order, patch } = await held.paidOrder(EVENTS.orderShipped);

    const ship = { shippingStatus: 'SHIPPED', trackingNumber: 'RR123456785GB', shippingCarrier: 'ROYAL_MAIL' };
    await patch(ship, 'ship-1');
    await patch(ship, 'ship-1'); // the client's retry of the same update
    await patch({ shippingStatus: 'FAILED' }, 'failed-1');
    await patch(ship, 'ship-2'); // shipped again, same tracking number
    await patch(ship, 'ship-2');
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).shippingStatus).toBe('SHIPPED');
    // Nothing has run yet: both shipments' fan-outs wait in the queue, one per update.
    expect((await pendingJobs(db, WEBHOOK_TASKS)).map((j) => j.task)).toEqual([FAN_OUT, FAN_OUT]);

    await held.deliver(WEBHOOK_TASKS);

    const got = held.receiver.received.filter((m) => m.body.includes(order.id));
    const bodies = got.map((m) => JSON.parse(m.body) as { type: string; data: { trackingNumber: string; trackingUpdate: boolean } });
    expect(bodies.map((b) => [b.type, b.data.trackingNumber, b.data.trackingUpdate])).toEqual([
      ['order.shipped', 'RR123456785GB', false],
      ['order.shipped', 'RR123456785GB', false],
    ]);
    for (const m of got) expect(m.verifyError).toBeUndefined();
    expect(new Set(got.map((m) => m.headers['webhook-id'])).size).toBe(2);
    const rows = await db.webhookDelivery.findMany({ where: { tenantId, eventType: 'order.shipped' } });
    expect(rows.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
  });
});
