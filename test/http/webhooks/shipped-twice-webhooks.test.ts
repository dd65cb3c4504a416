// An order shipped twice with the same tracking number (shipped, the delivery failed, shipped again under the same
// number) while no worker runs: both shipments' jobs are pending at once. Each shipment is news to an integrator, so
// two order.shipped messages arrive, each with its own webhook-id. The shipment's job key was the tracking number,
// so the second shipment's jobs replaced the first's and one message arrived for two. The same update sent again
// (a client's retry with its Idempotency-Key) is still one message.
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
const FAN_OUT = `${EVENTS.orderShipped}>${WEBHOOK_SUBSCRIBER}`;
const WEBHOOK_TASKS = [FAN_OUT, WEBHOOK_DELIVER_TASK];

let receiver: WebhookReceiver;
let worker: WorkerHandle | undefined;
beforeAll(async () => {
  receiver = await new WebhookReceiver().start();
});
afterAll(async () => {
  await worker?.stop();
  await receiver?.stop();
});

describe('order.shipped, twice with the same tracking number', () => {
  it('two shipments whose jobs are both pending are two messages; a retried update is one', async () => {
    const s = await f.shop();
    const tenantId = s.tenant.id;
    const made = await h.t.services.webhooks.create(adminCtx(tenantId), { url: receiver.url, events: [EVENTS.orderShipped] });
    receiver.secret = made.secret;
    const { key } = await h.t.services.apiKeys.create(adminCtx(tenantId), 'fulfilment sync', 'READ_WRITE');
    const order = await f.order({ tenantId, customerId: s.customer.id, guildId: s.guild.id, status: 'PAID' });
    const patch = (body: Record<string, unknown>, idempotencyKey: string) =>
      request(h.t.app)
        .patch(`/api/v1/orders/${order.id}`)
        .set({ authorization: `Bearer ${key}`, 'idempotency-key': idempotencyKey })
        .send(body)
        .expect(200);

    const ship = { shippingStatus: 'SHIPPED', trackingNumber: 'RR123456785GB', shippingCarrier: 'ROYAL_MAIL' };
    await patch(ship, 'ship-1');
    await patch(ship, 'ship-1'); // the client's retry of the same update
    await patch({ shippingStatus: 'FAILED' }, 'failed-1');
    await patch(ship, 'ship-2'); // shipped again, same tracking number
    await patch(ship, 'ship-2');
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).shippingStatus).toBe('SHIPPED');
    // Nothing has run yet: both shipments' fan-outs wait in the queue, one per update.
    expect((await pendingJobs(db, WEBHOOK_TASKS)).map((j) => j.task)).toEqual([FAN_OUT, FAN_OUT]);

    worker = await startWorker({
      connectionString: testDatabaseUrl(),
      bus: h.t.services.bus,
      logger: h.t.services.logger,
      concurrency: 2,
      pollIntervalMs: 100,
    });
    await waitForJobsDone({ tasks: WEBHOOK_TASKS });

    const got = receiver.received.filter((m) => m.body.includes(order.id));
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
