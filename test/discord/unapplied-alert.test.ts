// The admin-channel alert about a payment that could not be applied (payment.unapplied > discord-admin-alert)
// catches only what it expects: an order deleted since (the alert still goes out, naming the order by id) and
// a Discord refusal (logged with the alert's context, the job ends). Anything else (a database or
// programming error reading the order) throws, so graphile-worker retries the job instead of posting an
// alert built on a failed read.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createDiscordRest } from '../../src/adapters/discord/discord-rest.js';
import { registerDiscordNotifications } from '../../src/adapters/discord/notifications/order-notifications.js';
import { EVENTS, type PaymentUnappliedPayload } from '../../src/modules/shared/events.js';
import { EventBus } from '../../src/platform/jobs/queue.js';
import { createLogger } from '../../src/platform/logger.js';
import { factories } from '../helpers/factories.js';
import { useHarness } from './harness.js';

const f = factories();
const h = useHarness();
const job = { attempt: 1, maxAttempts: 10, jobId: '1' };

function alertJob(orders: Parameters<typeof registerDiscordNotifications>[1]['orders']) {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const bus = new EventBus();
  registerDiscordNotifications(bus, {
    rest: createDiscordRest({ apiBaseUrl: h.fake.apiBase, botToken: 'test' }),
    logger: createLogger({ level: 'info', pretty: false, destination }),
    tenants: h.t.services.tenants,
    orders,
    customers: h.t.services.customers,
    dmStatus: { recordNotDelivered: async () => undefined, recordDmDelivered: async () => undefined },
  });
  const handler = bus.handlers().get(`${EVENTS.paymentUnapplied}>discord-admin-alert`)!;
  return { run: (p: PaymentUnappliedPayload) => handler.run(p, job), lines };
}

async function alertFor(orderId: string) {
  const s = await f.shop();
  const payload: PaymentUnappliedPayload = {
    tenantId: s.tenant.id,
    orderId,
    checkoutId: `chk_${orderId}`,
    amountCents: 2500,
    currency: 'USD',
    reason: 'the order changed',
    action: 'FLAGGED',
  };
  return { s, payload, posts: () => h.fake.find('POST', new RegExp(`^/channels/${s.tenant.adminChannelId}/messages$`)) };
}

describe('payment.unapplied admin alert', () => {
  it('a failed read of the order (not "not found") throws, so the job is retried; nothing is posted', async () => {
    const { payload, posts } = await alertFor('ord_read_fails');
    const { run } = alertJob({
      get: () => Promise.reject(new TypeError("Cannot read properties of undefined (reading 'items')")),
      recordAdminMessage: async () => undefined,
    });
    await expect(run(payload)).rejects.toThrow(TypeError);
    expect(posts()).toHaveLength(0);
  });

  it('an order deleted since: the alert still goes out, naming the order by id', async () => {
    const { payload, posts } = await alertFor('ord_deleted_since');
    const { run } = alertJob(h.t.services.orders);
    await run(payload);
    expect(posts()).toHaveLength(1);
    expect(JSON.stringify(posts()[0]!.body)).toContain('Action needed: payment on order ord_deleted_since');
  });

  it('Discord refusing the post is logged with the alert context and ends the job', async () => {
    const { s, payload, posts } = await alertFor('ord_refused');
    h.fake.fail({
      method: 'POST',
      path: new RegExp(`^/channels/${s.tenant.adminChannelId}/messages$`),
      status: 403,
      body: { message: 'Missing Access', code: 50001 },
    });
    const { run, lines } = alertJob(h.t.services.orders);
    await run(payload);
    expect(posts().map((c) => c.status)).toEqual([403]);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          checkoutId: payload.checkoutId,
          tenantId: payload.tenantId,
          notification: 'payment-unapplied',
          status: 403,
        }),
      ]),
    );
  });
});
