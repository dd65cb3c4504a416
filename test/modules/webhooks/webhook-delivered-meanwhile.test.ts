// Two runs of one delivery at once: an attempt still waiting on a slow endpoint when an admin presses Redeliver (its
// job has the same key, but graphile-worker adds a new job beside one that is running). The Redeliver's run is taken
// (200, SUCCEEDED); then the first attempt gives up on the endpoint. Its failure overwrote the delivery back to PENDING
// (FAILED on its last attempt) and was retried: the event was sent again, and the panel showed a delivered event as
// waiting. The late failure is logged as an attempt; the delivery stays delivered and nothing is retried.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWebhookJobs, WEBHOOK_DELIVER_TASK } from '../../../src/modules/webhooks/webhook-delivery.jobs.js';
import type { WebhookSendResult } from '../../../src/modules/webhooks/webhook-sender.port.js';
import { EventBus } from '../../../src/platform/jobs/queue.js';
import { adminCtx } from '../../helpers/actors.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { waitFor } from '../../helpers/wait-for.js';

const db = testDb();
const f = factories(db);
let t: TestApp;
const bus = new EventBus();
/** Each send takes the next scripted answer: a result, or a promise of one (an endpoint still answering). */
const answers: (WebhookSendResult | Promise<WebhookSendResult>)[] = [];
let sends = 0;

beforeAll(async () => {
  t = await createTestApp();
  registerWebhookJobs(bus, {
    db,
    secrets: t.services.secrets,
    clock: t.services.clock,
    logger: t.services.logger,
    send: async () => {
      sends++;
      return (await answers.shift()) ?? { statusCode: 200, durationMs: 1 };
    },
    data: { build: async () => ({}) },
  });
});
afterAll(() => t?.services.close());

describe('a delivery delivered by another run while an attempt of it waited on the endpoint', () => {
  it.each([
    ['an attempt with retries left', 3],
    ['its last attempt', 14],
  ])('stays delivered when %s then fails, and is not retried', async (_what, attempt) => {
    const tenant = await f.tenant();
    const { endpoint } = await t.services.webhooks.create(adminCtx(tenant.id), {
      url: `http://127.0.0.1:9/${tenant.id}`,
      events: ['order.paid'],
    });
    const d = await db.webhookDelivery.create({
      data: { tenantId: tenant.id, endpointId: endpoint.id, eventType: 'order.paid', eventKey: 'order.paid:pay_1', body: '{}' },
    });
    const run = (n: number) =>
      bus
        .handlers()
        .get(WEBHOOK_DELIVER_TASK)!
        .run({ tenantId: tenant.id, deliveryId: d.id }, { attempt: n, maxAttempts: 14, jobId: `j${n}` });

    let giveUp!: () => void;
    answers.push(new Promise((resolve) => (giveUp = () => resolve({ error: 'no answer within 15000 ms', durationMs: 15_000 }))));
    const before = sends;
    const slow = run(attempt);
    await waitFor('the slow attempt to be sent', () => sends > before);
    // Redeliver's run: taken by the endpoint.
    await run(1);
    expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: d.id } })).toMatchObject({ status: 'SUCCEEDED' });

    giveUp();
    // Before: it threw (to be retried and sent again) and left the delivery PENDING (FAILED on its last attempt).
    await expect(slow).resolves.toBeUndefined();
    const after = await db.webhookDelivery.findUniqueOrThrow({ where: { id: d.id } });
    expect(after).toMatchObject({ status: 'SUCCEEDED', lastStatusCode: 200 });
    expect(after.deliveredAt).not.toBeNull();
    const log = await db.webhookAttempt.findMany({ where: { deliveryId: d.id }, orderBy: { attempt: 'asc' } });
    expect(log.map((a) => [a.statusCode, a.error])).toEqual([
      [200, null],
      [null, 'no answer within 15000 ms'],
    ]);
  });
});
