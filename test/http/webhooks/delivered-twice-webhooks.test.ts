// An order delivered twice (delivered, the parcel came back: FAILED, shipped again, delivered again) while no worker
// runs: both deliveries' jobs are pending at once. Each delivery is news to an integrator, so two order.delivered
// messages arrive, each with its own webhook-id. The delivery's job key was the order alone, so the second
// delivery's jobs replaced the first's and one message arrived for two deliveries.
import { describe, expect, it } from 'vitest';
import { EVENTS } from '../../../src/modules/shared/events.js';
import { WEBHOOK_DELIVER_TASK, WEBHOOK_SUBSCRIBER } from '../../../src/modules/webhooks/webhook-delivery.jobs.js';
import { testDb } from '../../helpers/db.js';
import { pendingJobs } from '../../helpers/job-queue.js';
import { useHeldWebhooks } from './held-webhooks.js';

const db = testDb();
const held = useHeldWebhooks();
const WEBHOOK_TASKS = [`${EVENTS.orderDelivered}>${WEBHOOK_SUBSCRIBER}`, WEBHOOK_DELIVER_TASK];

describe('order.delivered, twice', () => {
  it('two deliveries whose jobs are both pending are two messages', async () => {
    const { tenantId, order, patch } = await held.paidOrder(EVENTS.orderDelivered);

    await patch({ shippingStatus: 'SHIPPED', trackingNumber: 'RR123456785GB', shippingCarrier: 'ROYAL_MAIL' });
    await patch({ shippingStatus: 'DELIVERED' });
    await patch({ shippingStatus: 'FAILED' });
    await patch({ shippingStatus: 'SHIPPED' });
    await patch({ shippingStatus: 'DELIVERED' });
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).shippingStatus).toBe('DELIVERED');
    // Nothing has run yet: both deliveries' fan-outs wait in the queue.
    expect((await pendingJobs(db, WEBHOOK_TASKS)).map((j) => j.task)).toEqual([
      `${EVENTS.orderDelivered}>${WEBHOOK_SUBSCRIBER}`,
      `${EVENTS.orderDelivered}>${WEBHOOK_SUBSCRIBER}`,
    ]);

    await held.deliver(WEBHOOK_TASKS);

    const got = held.receiver.received.filter((m) => m.body.includes(order.id));
    expect(got.map((m) => (JSON.parse(m.body) as { type: string }).type)).toEqual(['order.delivered', 'order.delivered']);
    for (const m of got) expect(m.verifyError).toBeUndefined();
    expect(new Set(got.map((m) => m.headers['webhook-id'])).size).toBe(2);
    const rows = await db.webhookDelivery.findMany({ where: { tenantId, eventType: 'order.delivered' } });
    expect(rows.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
  });
});
