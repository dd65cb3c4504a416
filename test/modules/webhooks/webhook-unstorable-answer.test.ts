// A shop's endpoint answers what it likes. Its answer's excerpt is kept in the attempt's log (webhook_attempts), and
// PostgreSQL cannot hold a NUL character in text, nor can a cut emoji (half a surrogate pair, where the excerpt's
// 1,000 characters end) be written: the attempt's transaction failed, so a delivery the endpoint had taken (200) was
// neither marked delivered nor logged, and was sent again on every retry until the queue gave up, still PENDING.
// Through the delivery job's handler on the real database and the real sender, to a local receiver.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookSender, EXCERPT_CHARS } from '../../../src/adapters/http/webhook-sender.js';
import { registerWebhookJobs, WEBHOOK_DELIVER_TASK } from '../../../src/modules/webhooks/webhook-delivery.jobs.js';
import { EventBus } from '../../../src/platform/jobs/queue.js';
import { adminCtx } from '../../helpers/actors.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { WebhookReceiver } from '../../fakes/webhook-receiver.js';

const db = testDb();
const f = factories(db);
let t: TestApp;
let receiver: WebhookReceiver;
const bus = new EventBus();

beforeAll(async () => {
  t = await createTestApp();
  receiver = await new WebhookReceiver().start();
  registerWebhookJobs(bus, {
    db,
    secrets: t.services.secrets,
    clock: t.services.clock,
    logger: t.services.logger,
    send: createWebhookSender({ timeoutMs: 10_000, blockPrivate: false }),
    data: { build: async () => ({}) },
  });
});
afterAll(async () => {
  await receiver?.stop();
  await t?.services.close();
});

async function deliveredAnswering(body: string) {
  const tenant = await f.tenant();
  const { endpoint } = await t.services.webhooks.create(adminCtx(tenant.id), { url: receiver.url, events: ['order.paid'] });
  const d = await db.webhookDelivery.create({
    data: { tenantId: tenant.id, endpointId: endpoint.id, eventType: 'order.paid', eventKey: 'order.paid:pay_1', body: '{}' },
  });
  receiver.answerWith({ status: 200, body });
  // Before: the attempt's write failed, and the job threw (to be retried, and sent again).
  await bus
    .handlers()
    .get(WEBHOOK_DELIVER_TASK)!
    .run({ tenantId: tenant.id, deliveryId: d.id }, { attempt: 1, maxAttempts: 14, jobId: 't' });
  const delivery = await db.webhookDelivery.findUniqueOrThrow({ where: { id: d.id } });
  const attempts = await db.webhookAttempt.findMany({ where: { deliveryId: d.id } });
  return { delivery, attempts };
}

describe("an endpoint's answer that cannot be stored as it is", () => {
  it('with a NUL character: the delivery is delivered and its attempt logged, the NUL replaced', async () => {
    const { delivery, attempts } = await deliveredAnswering('ok\u0000done');
    expect(delivery).toMatchObject({ status: 'SUCCEEDED', attempts: 1, lastStatusCode: 200 });
    expect(attempts).toHaveLength(1);
    expect(attempts[0]!.responseExcerpt).toBe('ok\uFFFDdone');
  });

  it('with an emoji cut in half where the excerpt ends: delivered and logged, without the half', async () => {
    const { delivery, attempts } = await deliveredAnswering(`${'x'.repeat(EXCERPT_CHARS - 1)}\u{1F600} and more`);
    expect(delivery).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
    expect(attempts).toHaveLength(1);
    expect(attempts[0]!.responseExcerpt).toBe('x'.repeat(EXCERPT_CHARS - 1));
  });
});
