// An order delivered twice (delivered, the parcel came back: FAILED, shipped again, delivered again) while no worker
// runs: both deliveries' jobs are pending at once. Each delivery is news to an integrator, so two order.delivered
// messages arrive, each with its own webhook-id. The delivery's job key was the order alone, so the second
// delivery's jobs replaced the first's and one message arrived for two deliveries.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS } from '../../../src/modules/shared/events.js';
import { WEBHOOK_DELIVER_TASK, WEBHOOK_SUBSCRIBER } from '../../../src/modules/webhooks/webhook-delivery.jobs.js';
import { startWorker, type WorkerHandle } from '../../../src/platform/jobs/worker.js';
import { useHarness } from '../../discord/harness.js';
import { WebhookReceiver } from '../../fakes/webhook-receiver.js';
import { adminCtx } from '../../helpers/actors.js';
import { testDatabaseUrl, testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { pendingJobs, waitForJobsDone } from '../../helpers/job-queue.js';

const db = testDb();
const f = factories();
const h = useHarness({ worker: false });
const WEBHOOK_TASKS = [`${EVENTS.orderDelivered}>${WEBHOOK_SUBSCRIBER}`, WEBHOOK_DELIVER_TASK];

let receiver: WebhookReceiver;
let worker: WorkerHandle | undefined;
beforeAll(async () => {
  receiver = await new WebhookReceiver().start();
});
afterAll(async () => {
  await worker?.stop();
  await receiver?.stop();
});

describe('order.delivered, twice', () => {
  it('two deliveries whose jobs are both pending are two messages', async () => {
    const s = await f.shop();
    const tenantId = s.tenant.id;
    const made = await h.t.services.webhooks.create(adminCtx(tenantId), { url: receiver.url, events: [EVENTS.orderDelivered] });
    receiver.secret = made.secret;
    const { key } = await h.t.services.apiKeys.create(adminCtx(tenantId), 'fulfilment sync', 'READ_WRITE');
    const order = await f.order({ tenantId, customerId: s.customer.id, guildId: s.guild.id, status: 'PAID' });
    const patch = (body: Record<string, unknown>) =>
      request(h.t.app)
        .patch(`/api/v1/orders/${order.id}`)
        .set({ authorization: `Bearer ${key}` })
        .send(body)
        .expect(200);

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

    worker = await startWorker({
      connectionString: testDatabaseUrl(),
      bus: h.t.services.bus,
      logger: h.t.services.logger,
      concurrency: 2,
      pollIntervalMs: 100,
    });
    await waitForJobsDone({ tasks: WEBHOOK_TASKS });

    const got = receiver.received.filter((m) => m.body.includes(order.id));
    expect(got.map((m) => (JSON.parse(m.body) as { type: string }).type)).toEqual(['order.delivered', 'order.delivered']);
    for (const m of got) expect(m.verifyError).toBeUndefined();
    expect(new Set(got.map((m) => m.headers['webhook-id'])).size).toBe(2);
    const rows = await db.webhookDelivery.findMany({ where: { tenantId, eventType: 'order.delivered' } });
    expect(rows.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
  });
});
