// A shop's webhook endpoints (Settings -> Webhooks in the panel): create (the signing secret is returned
// this once and kept encrypted), change URL / events / description / enabled, delete, resume sending after
// its circuit breaker paused it (webhook-breaker.ts), and Redeliver a delivery. Every write is
// tenant-scoped, checked inside its transaction, and audited in it.
import { z } from 'zod';
import type { WebhookDelivery, WebhookEndpoint } from '../../generated/prisma/index.js';
import { withTransaction, type Db } from '../../platform/db/prisma.js';
import { AppError } from '../../platform/errors.js';
import { formEdits, staleFormRefusal } from '../../platform/form-edits.js';
import { enqueueJob } from '../../platform/jobs/queue.js';
import { closeBreaker } from './webhook-breaker.js';
import type { SecretBox } from '../../platform/secret-box.js';
import { parseInput } from '../../platform/validate.js';
import type { AuditService } from '../audit/audit.service.js';
import type { TenantContext } from '../shared/actor.js';
import { WEBHOOK_DELIVER_TASK, deliverJobKey, deliverJobOptions } from './webhook-delivery.jobs.js';
import { WEBHOOK_EVENTS } from './webhook-events.js';
import { generateWebhookSecret } from './webhook-signature.js';
import { checkOutboundTarget, type OutboundPolicy, type OutboundUrlField, type ResolveHost } from '../../platform/outbound/outbound-url.js';

/** An endpoint as every surface may show it: never its secret. */
export type WebhookEndpointRecord = Omit<WebhookEndpoint, 'secret'>;

const events = z
  .array(z.enum(WEBHOOK_EVENTS, { error: `one of ${WEBHOOK_EVENTS.join(', ')}` }))
  .min(1, 'choose at least one event')
  .transform((list) => [...new Set(list)].sort());
const description = z
  .string()
  .trim()
  .max(200)
  .transform((s) => (s === '' ? null : s))
  .nullable();

export const createEndpointInput = z.strictObject({
  url: z.string().trim().min(1, 'enter the URL').max(2000),
  events,
  description: description.optional(),
  enabled: z.boolean().default(true),
});
export const updateEndpointInput = z
  .strictObject({
    url: z.string().trim().min(1, 'enter the URL').max(2000).optional(),
    events: events.optional(),
    description: description.optional(),
    enabled: z.boolean().optional(),
    /**
     * The endpoint as the panel's edit form showed it (stored values). Given, a field posted as shown is no change,
     * whatever the endpoint holds now, and a field changed both in the form and on the endpoint since is refused
     * (CONFLICT): a stale form never undoes what a colleague did meanwhile (platform/form-edits.ts).
     */
    shown: z
      .strictObject({ url: z.string(), events: z.array(z.string()), description: z.string().nullable(), enabled: z.boolean() })
      .partial()
      .optional(),
  })
  .refine((b) => Object.keys(b).some((k) => k !== 'shown'), 'change at least one of url, events, description, enabled');

/** Where the per-endpoint limit stops a shop from fanning one event out to an unbounded list. */
export const MAX_ENDPOINTS_PER_SHOP = 20;

export interface WebhookEndpointService {
  create(ctx: TenantContext, input: z.input<typeof createEndpointInput>): Promise<{ secret: string; endpoint: WebhookEndpointRecord }>;
  /**
   * Changes the given fields under the endpoint's row lock, audited, and closes its circuit breaker. With `shown`
   * (the panel's edit form) only the fields changed from it are written, nothing when none was; CONFLICT when a
   * changed field was changed on the endpoint since the form opened.
   */
  update(ctx: TenantContext, endpointId: string, input: z.input<typeof updateEndpointInput>): Promise<WebhookEndpointRecord>;
  remove(ctx: TenantContext, endpointId: string): Promise<WebhookEndpointRecord>;
  list(tenantId: string): Promise<WebhookEndpointRecord[]>;
  /**
   * "Resume sending": closes the endpoint's circuit breaker and sends its waiting deliveries now, each with a fresh
   * retry schedule (as Redeliver does for one). `resent`: how many were brought forward.
   */
  resume(ctx: TenantContext, endpointId: string): Promise<{ endpoint: WebhookEndpointRecord; resent: number }>;
  /** Sends a delivery again now (same webhook-id, so receivers can tell it is the same event), with a fresh retry schedule. */
  redeliver(ctx: TenantContext, deliveryId: string): Promise<WebhookDelivery>;
}

type EndpointFields = { url?: string; events?: string[]; description?: string | null; enabled?: boolean };

/** The fields the form changed from what it showed; CONFLICT when one of them changed on the endpoint since. */
function changedFromShown(row: WebhookEndpoint, posted: EndpointFields, shown: Record<string, unknown>): EndpointFields {
  const { edits, conflicts } = formEdits(posted, shown, row as unknown as Record<string, unknown>);
  if (conflicts.length) {
    const { message, fields } = staleFormRefusal(`Webhook endpoint ${row.url}`, conflicts);
    throw new AppError('CONFLICT', message, { fields });
  }
  return edits as EndpointFields;
}

function publicRecord(e: WebhookEndpoint): WebhookEndpointRecord {
  const { secret: _secret, ...rest } = e;
  return rest;
}

/** A webhook endpoint's URL under the outbound rule (platform/outbound/outbound-url.ts; a ?query is the receiver's). */
const WEBHOOK_URL: OutboundUrlField = {
  field: 'url',
  what: 'a webhook',
  example: 'https://example.com/webhooks/ledgerline',
  maxLength: 2000,
  allowQuery: true,
};

export function createWebhookEndpointService(deps: {
  db: Db;
  secrets: SecretBox;
  audit: AuditService;
  policy: OutboundPolicy;
  /** Resolves a host name to its addresses (the SSRF check in production). */
  resolveHost: ResolveHost;
}): WebhookEndpointService {
  const { db, audit } = deps;
  const notFound = (id: string) => new AppError('NOT_FOUND', `Webhook endpoint ${id} not found.`);
  const target = async (url: string) => (await checkOutboundTarget(url, deps.policy, deps.resolveHost, WEBHOOK_URL)).toString();

  return {
    async create(ctx, raw) {
      const input = parseInput(createEndpointInput, raw, 'webhook endpoint');
      const url = await target(input.url);
      const secret = generateWebhookSecret();
      const endpoint = await withTransaction(db, async (tx) => {
        // The tenant row is locked so two concurrent creates cannot both pass the limit.
        const tenant = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM tenants WHERE id = ${ctx.tenantId} FOR UPDATE`;
        if (tenant.length === 0) throw new AppError('NOT_FOUND', `Tenant ${ctx.tenantId} not found.`);
        const count = await tx.webhookEndpoint.count({ where: { tenantId: ctx.tenantId } });
        if (count >= MAX_ENDPOINTS_PER_SHOP)
          throw new AppError('CONFLICT', `A shop can have at most ${MAX_ENDPOINTS_PER_SHOP} webhook endpoints; delete one first.`);
        const created = await tx.webhookEndpoint.create({
          data: {
            tenantId: ctx.tenantId,
            url,
            events: input.events,
            description: input.description ?? null,
            enabled: input.enabled,
            secret: deps.secrets.encrypt(secret),
          },
        });
        await audit.record(tx, ctx, {
          action: 'webhook_endpoint.created',
          entityType: 'WebhookEndpoint',
          entityId: created.id,
          after: { url, events: created.events, description: created.description, enabled: created.enabled },
        });
        return created;
      });
      return { secret, endpoint: publicRecord(endpoint) };
    },

    async update(ctx, endpointId, raw) {
      const input = parseInput(updateEndpointInput, raw, 'webhook endpoint');
      const url = input.url === undefined ? undefined : await target(input.url);
      const updated = await withTransaction(db, async (tx) => {
        const [before] = await tx.$queryRaw<
          WebhookEndpoint[]
        >`SELECT * FROM webhook_endpoints WHERE id = ${endpointId} AND "tenantId" = ${ctx.tenantId} FOR UPDATE`;
        if (!before) throw notFound(endpointId);
        const posted = { url, events: input.events, description: input.description, enabled: input.enabled };
        const data = input.shown ? changedFromShown(before, posted, input.shown) : posted;
        // Saved by someone who wants it tried: its circuit breaker closes (webhook-breaker.ts).
        await closeBreaker(tx, before.id);
        if (Object.values(data).every((v) => v === undefined)) return { ...before, consecutiveFailures: 0, pausedUntil: null };
        const after = await tx.webhookEndpoint.update({ where: { id: before.id }, data });
        const pick = (e: WebhookEndpoint) => ({ url: e.url, events: e.events, description: e.description, enabled: e.enabled });
        await audit.record(tx, ctx, {
          action: 'webhook_endpoint.updated',
          entityType: 'WebhookEndpoint',
          entityId: after.id,
          before: pick(before),
          after: pick(after),
        });
        return after;
      });
      return publicRecord(updated);
    },

    async remove(ctx, endpointId) {
      const removed = await withTransaction(db, async (tx) => {
        const row = await tx.webhookEndpoint.findFirst({ where: { id: endpointId, tenantId: ctx.tenantId } });
        if (!row) throw notFound(endpointId);
        // Its deliveries and their log go with it (cascade); a queued delivery job then finds nothing to send.
        const { count } = await tx.webhookEndpoint.deleteMany({ where: { id: row.id, tenantId: ctx.tenantId } });
        if (count === 0) throw notFound(endpointId);
        await audit.record(tx, ctx, {
          action: 'webhook_endpoint.deleted',
          entityType: 'WebhookEndpoint',
          entityId: row.id,
          before: { url: row.url, events: row.events },
        });
        return row;
      });
      return publicRecord(removed);
    },

    async list(tenantId) {
      const rows = await db.webhookEndpoint.findMany({ where: { tenantId }, orderBy: { createdAt: 'asc' } });
      return rows.map(publicRecord);
    },

    async resume(ctx, endpointId) {
      return withTransaction(db, async (tx) => {
        const [row] = await tx.$queryRaw<
          WebhookEndpoint[]
        >`SELECT * FROM webhook_endpoints WHERE id = ${endpointId} AND "tenantId" = ${ctx.tenantId} FOR UPDATE`;
        if (!row) throw notFound(endpointId);
        if (!row.enabled) throw new AppError('ILLEGAL_STATE', `The endpoint ${row.url} is disabled. Enable it first (Edit).`);
        await closeBreaker(tx, row.id);
        // Its deliveries waiting for a retry (PENDING) are run now with fresh attempts. A job a worker holds right
        // now is left alone by reschedule_jobs: that attempt is being sent already.
        const waiting = await tx.webhookDelivery.findMany({
          where: { endpointId: row.id, tenantId: ctx.tenantId, status: 'PENDING' },
          select: { id: true },
        });
        const keys = waiting.map((d) => deliverJobKey(d.id));
        const resent =
          keys.length === 0
            ? []
            : await tx.$queryRaw<{ id: bigint }[]>`
                SELECT id FROM graphile_worker.reschedule_jobs(
                  ARRAY(SELECT id FROM graphile_worker.jobs WHERE key = ANY (${keys}::text[])), run_at => now(), attempts => 0)`;
        await audit.record(tx, ctx, {
          action: 'webhook_endpoint.resumed',
          entityType: 'WebhookEndpoint',
          entityId: row.id,
          before: { consecutiveFailures: row.consecutiveFailures, pausedUntil: row.pausedUntil?.toISOString() ?? null },
          after: { consecutiveFailures: 0, pausedUntil: null, deliveriesResent: resent.length },
        });
        return { endpoint: publicRecord({ ...row, consecutiveFailures: 0, pausedUntil: null }), resent: resent.length };
      });
    },

    async redeliver(ctx, deliveryId) {
      return withTransaction(db, async (tx) => {
        const [row] = await tx.$queryRaw<{ id: string; endpointId: string; enabled: boolean; url: string }[]>`
          SELECT d.id, d."endpointId", e.enabled, e.url FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d."endpointId"
          WHERE d.id = ${deliveryId} AND d."tenantId" = ${ctx.tenantId} FOR UPDATE OF d`;
        if (!row) throw new AppError('NOT_FOUND', `Webhook delivery ${deliveryId} not found.`);
        if (!row.enabled) throw new AppError('ILLEGAL_STATE', `The endpoint ${row.url} is disabled. Enable it first, then redeliver.`);
        const delivery = await tx.webhookDelivery.update({ where: { id: row.id }, data: { status: 'PENDING' } });
        // "Send it now" is sent: the endpoint's circuit breaker closes (webhook-breaker.ts).
        await closeBreaker(tx, row.endpointId);
        // The same job key as the automatic attempts: a retry waiting for its turn is replaced by this one (now).
        await enqueueJob(
          tx,
          WEBHOOK_DELIVER_TASK,
          { tenantId: ctx.tenantId, deliveryId: row.id },
          deliverJobOptions(row.id, row.endpointId),
        );
        await audit.record(tx, ctx, {
          action: 'webhook_delivery.redelivered',
          entityType: 'WebhookDelivery',
          entityId: row.id,
          after: { eventType: delivery.eventType, endpointUrl: row.url },
        });
        return delivery;
      });
    },
  };
}
