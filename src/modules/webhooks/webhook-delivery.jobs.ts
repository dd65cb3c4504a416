// Outgoing webhooks as jobs (docs/decisions/outgoing-webhooks.md):
//   <order event> > webhooks : enqueued by the event's emit, in the transaction of the state change (so it
//                              exists if and only if the change committed). It writes one delivery per
//                              enabled endpoint of the shop subscribed to the event (the body fixed now) and
//                              enqueues one webhook.deliver job each, in one transaction; a re-run adds none
//                              twice (unique endpoint + event occurrence).
//   webhook.deliver          : one signed POST (Standard Webhooks headers); every attempt is logged (status,
//                              duration, response excerpt). A non-2xx answer or no answer throws, so
//                              graphile-worker retries with its exponential backoff, up to WEBHOOK_MAX_ATTEMPTS
//                              (about 28 hours in all); then the delivery is FAILED and can be redelivered.
//                              An endpoint that keeps failing is paused by its circuit breaker
//                              (webhook-breaker.ts): its attempts meanwhile are logged, not sent.
import { z } from 'zod';
import type { Clock } from '../../platform/clock.js';
import { Prisma, withTransaction, type Db } from '../../platform/db/prisma.js';
import { queryRows, type SqlRunner } from '../../platform/db/sql.js';
import { enqueueJob, type EventBus } from '../../platform/jobs/queue.js';
import type { Logger } from '../../platform/logger.js';
import { openSecret, type SecretBox } from '../../platform/secret-box.js';
import {
  orderCancelledPayload,
  orderCreatedPayload,
  orderDeletedPayload,
  orderDeliveredPayload,
  orderPaidPayload,
  orderRefundedPayload,
  orderShippedPayload,
  type OrderCancelledPayload,
  type OrderCreatedPayload,
  type OrderDeletedPayload,
  type OrderDeliveredPayload,
  type OrderPaidPayload,
  type OrderRefundedPayload,
  type OrderShippedPayload,
} from '../shared/events.js';
import { gateAttempt, recordOutcome } from './webhook-breaker.js';
import type { WebhookSender, WebhookSendResult } from './webhook-sender.port.js';
import type { WebhookEventType } from './webhook-events.js';
import { webhookHeaders } from './webhook-signature.js';

export const WEBHOOK_DELIVER_TASK = 'webhook.deliver';
/** graphile-worker waits exp(min(attempt, 10)) seconds before each retry: 14 attempts span about 28 hours (3 s, 7 s, 20 s, 55 s, 2.5 min, 7 min, 18 min, 50 min, 2.3 h, then 6.1 h four times). */
export const WEBHOOK_MAX_ATTEMPTS = 14;
export const WEBHOOK_SUBSCRIBER = 'webhooks';
export const deliverJobKey = (deliveryId: string) => `webhook:${deliveryId}`;
/**
 * Every delivery job is flagged with its endpoint, so the webhook runner sends at most
 * WEBHOOK_ENDPOINT_CONCURRENCY attempts to one endpoint at once (Services.runApart's capPerFlag): an endpoint
 * that answers, slowly, does not take every slot from the other shops' deliveries.
 */
export const WEBHOOK_ENDPOINT_FLAG = 'webhook-endpoint:';

/** How a delivery's job is added, by the fan-out and by Redeliver alike (the same key replaces a waiting retry). */
export const deliverJobOptions = (deliveryId: string, endpointId: string) => ({
  jobKey: deliverJobKey(deliveryId),
  maxAttempts: WEBHOOK_MAX_ATTEMPTS,
  flags: [`${WEBHOOK_ENDPOINT_FLAG}${endpointId}`],
});

/** What each event carries to its webhook, by event type (the envelope is added here). */
export interface WebhookEventPayloads {
  'order.created': OrderCreatedPayload;
  'order.paid': OrderPaidPayload;
  'order.refunded': OrderRefundedPayload;
  'order.cancelled': OrderCancelledPayload;
  'order.shipped': OrderShippedPayload;
  'order.delivered': OrderDeliveredPayload;
  'order.deleted': OrderDeletedPayload;
}

/**
 * Builds an event's `data` (the surface's public shapes; see surfaces/http/webhooks); null when the order it is
 * about is gone without a record of what it was (there is nothing true left to describe).
 */
export interface WebhookDataBuilder {
  build<T extends WebhookEventType>(type: T, payload: WebhookEventPayloads[T]): Promise<Record<string, unknown> | null>;
}

const eventSchemas = {
  'order.created': orderCreatedPayload,
  'order.paid': orderPaidPayload,
  'order.refunded': orderRefundedPayload,
  'order.cancelled': orderCancelledPayload,
  'order.shipped': orderShippedPayload,
  'order.delivered': orderDeliveredPayload,
  'order.deleted': orderDeletedPayload,
} as const;

/**
 * One occurrence of an event: what makes two fan-outs of it the same delivery. A refund, a payment; a shipment or a
 * delivery by the update that made it (an order can be shipped again after a failed delivery, and its tracking
 * can change in transit: each is news); the rest (created, cancelled, deleted) happen once per order.
 */
function occurrenceKey(type: WebhookEventType, p: WebhookEventPayloads[WebhookEventType]): string {
  if ('refundId' in p) return `${type}:${p.refundId}`;
  if ('paymentId' in p) return `${type}:${p.paymentId}`;
  if ('changeId' in p && p.changeId) return `${type}:${p.changeId}`;
  // A shipment without its update's entry (an emitter that records none): told apart by its tracking, as its DM is.
  if ('trackingNumber' in p) return `${type}:${p.orderId}:${p.trackingNumber ?? ''}|${p.carrier ?? ''}`;
  return `${type}:${p.orderId}`;
}

const deliverPayload = z.object({ tenantId: z.string(), deliveryId: z.string() });

export interface WebhookJobDeps {
  db: Db;
  /** Plain SQL on the same pool (a prepared statement): the endpoint lookup every order event makes. */
  sql?: SqlRunner;
  secrets: SecretBox;
  clock: Clock;
  logger: Logger;
  send: WebhookSender;
  data: WebhookDataBuilder;
  /** How long a probe of a paused endpoint holds it paused: at least the sender's timeout (default 15 s). */
  probeSeconds?: number;
}

const DEFAULT_PROBE_SECONDS = 15;

export function registerWebhookJobs(bus: EventBus, deps: WebhookJobDeps): void {
  const { db, clock } = deps;
  const log = deps.logger.child({ component: 'webhooks' });

  for (const type of Object.keys(eventSchemas) as WebhookEventType[]) {
    bus.subscribe(type, WEBHOOK_SUBSCRIBER, {
      schema: eventSchemas[type],
      // Most shops have no endpoint: their events add no fan-out job at all. An endpoint saved after the event's
      // transaction read the endpoints gets the event only if another endpoint was subscribed to it then
      // (docs/decisions/outgoing-webhooks.md).
      onlyWhen: (event) => Prisma.sql`EXISTS (SELECT 1 FROM webhook_endpoints e
        WHERE e."tenantId" = (${event})->>'tenantId' AND e.enabled AND ${type} = ANY (e.events))`,
      async run(payload) {
        const p = payload as WebhookEventPayloads[typeof type];
        // Every order event of every shop asks this: a prepared statement (planned once per connection), not
        // an ORM query compiled, sent unprepared and planned again each time.
        const endpoints = await queryRows<{ id: string }>(
          deps.sql ?? db,
          Prisma.sql`SELECT id FROM webhook_endpoints WHERE "tenantId" = ${p.tenantId} AND enabled AND ${type} = ANY (events)`,
        );
        if (endpoints.length === 0) return;
        const data = await deps.data.build(type, p);
        if (!data) {
          // Gone without a trace since the event (an order deleted through the panel or the API is described as
          // deleted: webhook-data.ts): nothing true to send. Ending here, not throwing: a retry finds nothing
          // either, and would keep the queue busy until it gave up.
          log.info(
            { tenantId: p.tenantId, orderId: p.orderId, type },
            'the order is gone without a record since the event; no webhook sent',
          );
          return;
        }
        const body = JSON.stringify({ type, timestamp: clock.now().toISOString(), data });
        const eventKey = occurrenceKey(type, p);
        await withTransaction(db, async (tx) => {
          for (const e of endpoints) {
            const [created] = await tx.$queryRaw<{ id: string }[]>`
              INSERT INTO webhook_deliveries ("tenantId", "endpointId", "eventType", "eventKey", body)
              VALUES (${p.tenantId}, ${e.id}, ${type}, ${eventKey}, ${body})
              ON CONFLICT ("endpointId", "eventKey") DO NOTHING RETURNING id`;
            if (created)
              await enqueueJob(
                tx,
                WEBHOOK_DELIVER_TASK,
                { tenantId: p.tenantId, deliveryId: created.id },
                deliverJobOptions(created.id, e.id),
              );
          }
        });
      },
    });
  }

  bus.registerTask(WEBHOOK_DELIVER_TASK, {
    schema: deliverPayload,
    async run({ tenantId, deliveryId }, job) {
      const d = await db.webhookDelivery.findFirst({ where: { id: deliveryId, tenantId }, include: { endpoint: true } });
      // Deleted with its endpoint, or already delivered by an earlier run of this job: nothing to send.
      if (!d || d.status === 'SUCCEEDED') return;
      if (!d.endpoint.enabled) {
        await db.webhookDelivery.updateMany({ where: { id: d.id, tenantId, status: 'PENDING' }, data: { status: 'FAILED' } });
        log.info({ deliveryId, endpointId: d.endpointId }, 'webhook endpoint disabled; delivery stopped');
        return;
      }
      // The endpoint's circuit breaker (webhook-breaker.ts): while it is paused, the attempt is logged, not sent.
      const gate = await gateAttempt(db, d.endpoint, deps.probeSeconds ?? DEFAULT_PROBE_SECONDS);
      const r: WebhookSendResult = gate.send
        ? await deps.send({
            url: d.endpoint.url,
            headers: webhookHeaders(openSecret(deps.secrets, d.endpoint.secret), d.id, clock.now(), d.body),
            body: d.body,
          })
        : { error: gate.reason, durationMs: 0 };
      const ok = r.statusCode !== undefined && r.statusCode >= 200 && r.statusCode < 300;
      const last = job.attempt >= job.maxAttempts;
      const now = clock.now();
      const attempt = await withTransaction(db, async (tx) => {
        // Locked, so two runs of this delivery (an automatic retry and a Redeliver) number their attempts apart.
        const [row] = await tx.$queryRaw<
          { id: string; status: string }[]
        >`SELECT id, status::text AS status FROM webhook_deliveries WHERE id = ${d.id} AND "tenantId" = ${tenantId} FOR UPDATE`;
        if (!row) return undefined;
        // Delivered by another run since this one read it (a Redeliver while this attempt waited on the endpoint): this
        // failure is logged, and the delivery stays delivered (not PENDING again, nor retried and sent again).
        const deliveredMeanwhile = !ok && row.status === 'SUCCEEDED';
        const updated = await tx.webhookDelivery.update({
          where: { id: d.id },
          data: {
            attempts: { increment: 1 },
            ...(deliveredMeanwhile
              ? {}
              : {
                  lastStatusCode: r.statusCode ?? null,
                  lastAttemptAt: now,
                  status: ok ? 'SUCCEEDED' : last ? 'FAILED' : 'PENDING',
                  ...(ok ? { deliveredAt: now } : {}),
                }),
          },
        });
        await tx.webhookAttempt.create({
          data: {
            tenantId,
            deliveryId: d.id,
            attempt: updated.attempts,
            statusCode: r.statusCode ?? null,
            durationMs: r.durationMs,
            responseExcerpt: r.responseExcerpt ?? null,
            error: r.error ?? null,
          },
        });
        if (gate.send) await recordOutcome(tx, d.endpointId, ok);
        return deliveredMeanwhile ? undefined : updated.attempts;
      });
      if (attempt === undefined || ok) return;
      const why = r.statusCode !== undefined ? `answered ${r.statusCode}` : r.error;
      if (last) {
        log.warn({ deliveryId, endpointId: d.endpointId, attempt }, `webhook delivery failed for good: ${why}`);
        return;
      }
      throw new Error(`webhook ${d.id} to endpoint ${d.endpointId}: ${why} (attempt ${attempt})`);
    },
  });
}
