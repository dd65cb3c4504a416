// The set-up the "twice" webhook tests share (shipped-twice, delivered-twice): the app with no worker, so an
// order's updates leave their webhook jobs pending together; a local receiver; a shop subscribed to one event with
// an API key and a PAID order; and the worker, started when the test has queued what it wants to see delivered.
import request from 'supertest';
import { afterAll, beforeAll } from 'vitest';
import type { WebhookEventType } from '../../../src/modules/webhooks/webhook-events.js';
import type { WorkerHandle } from '../../../src/platform/jobs/worker.js';
import { startHarnessWorker, useHarness } from '../../discord/harness.js';
import { WebhookReceiver } from '../../fakes/webhook-receiver.js';
import { adminCtx } from '../../helpers/actors.js';
import { factories } from '../../helpers/factories.js';
import { waitForJobsDone } from '../../helpers/job-queue.js';

export interface HeldWebhooks {
  /** The receiver the shops' webhooks point at (started before the file's tests). */
  readonly receiver: WebhookReceiver;
  /**
   * A shop whose webhook at the receiver listens to `event`, an API key and a PAID order; `patch` sends the
   * order's PATCH /api/v1/orders/{id} with that key (and `idempotencyKey` as Idempotency-Key) and expects 200.
   */
  paidOrder(event: WebhookEventType): Promise<{
    tenantId: string;
    order: { id: string };
    patch(body: Record<string, unknown>, idempotencyKey?: string): request.Test;
  }>;
  /** Starts the worker (stopped after the file's tests) and waits until `tasks` are done. */
  deliver(tasks: string[]): Promise<void>;
}

export function useHeldWebhooks(): HeldWebhooks {
  const f = factories();
  const h = useHarness({ worker: false });
  let receiver: WebhookReceiver | undefined;
  let worker: WorkerHandle | undefined;
  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
  });
  afterAll(async () => {
    await worker?.stop();
    await receiver?.stop();
  });
  const liveReceiver = () => {
    if (!receiver) throw new Error('the webhook receiver is not started yet: use it inside a test or a hook');
    return receiver;
  };

  return {
    get receiver() {
      return liveReceiver();
    },
    async paidOrder(event) {
      const s = await f.shop();
      const tenantId = s.tenant.id;
      const made = await h.t.services.webhooks.create(adminCtx(tenantId), { url: liveReceiver().url, events: [event] });
      liveReceiver().secret = made.secret;
      const { key } = await h.t.services.apiKeys.create(adminCtx(tenantId), 'fulfilment sync', 'READ_WRITE');
      const order = await f.order({ tenantId, customerId: s.customer.id, guildId: s.guild.id, status: 'PAID' });
      const patch = (body: Record<string, unknown>, idempotencyKey?: string) =>
        request(h.t.app)
          .patch(`/api/v1/orders/${order.id}`)
          .set({ authorization: `Bearer ${key}`, ...(idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey }) })
          .send(body)
          .expect(200);
      return { tenantId, order, patch };
    },
    async deliver(tasks) {
      worker = await startHarnessWorker(h.t);
      await waitForJobsDone({ tasks });
    },
  };
}
