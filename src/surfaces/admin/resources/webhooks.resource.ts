// Outgoing webhooks in the panel (Settings):
//   Webhook endpoints   list / show; "New webhook endpoint" (the signing secret shown once), Edit (URL,
//                       events, description, enabled) and Delete, all through services.webhooks (checked,
//                       audited). Tenant admins only: an endpoint receives the shop's order data.
//   Webhook deliveries  the delivery log, newest first: event, endpoint, status, attempts, last status code;
//                       the show page lists every attempt (status, duration, response excerpt or error) and
//                       has Redeliver (sends it again now, same webhook-id, fresh retry schedule).
import {
  flat,
  type ActionContext,
  type ActionRequest,
  type ActionResponse,
  type RecordActionResponse,
  type ResourceWithOptions,
} from 'adminjs';
import type { Services } from '../services.js';
import { WEBHOOK_EVENTS } from '../../../modules/webhooks/webhook-events.js';
import type { ScopedPrismaResource } from '../adapter/scoped-resource.js';
import { tenantContextOf } from '../auth/panel-admin.js';
import type { AdminComponents } from '../components/component-loader.js';
import { canManage, never, tenantReadOnly } from './access.js';
import { errorNotice } from './admin-errors.js';

const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v !== '' ? [v] : []);
const asBool = (v: unknown): boolean | undefined => (v === true || v === 'true' ? true : v === false || v === 'false' ? false : undefined);

export function webhookEndpointResource(deps: {
  services: Services;
  resource: ScopedPrismaResource;
  components: AdminComponents;
}): ResourceWithOptions {
  const { services, resource, components } = deps;
  const logger = services.logger.child({ surface: 'admin', resource: 'WebhookEndpoint' });
  const listUrl = (context: ActionContext) => context.h.resourceUrl({ resourceId: context.resource.id() });

  const createEndpoint = async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
    if (request.method !== 'post') return {};
    try {
      const p = flat.unflatten<Record<string, unknown>, Record<string, unknown>>(request.payload ?? {});
      const { secret, endpoint } = await services.webhooks.create(tenantContextOf(context), {
        url: String(p.url ?? ''),
        events: asList(p.events) as never,
        description: typeof p.description === 'string' ? p.description : undefined,
      });
      return {
        created: { id: endpoint.id, url: endpoint.url, events: endpoint.events, secret },
        listUrl: listUrl(context),
        notice: { message: 'Webhook endpoint created. Copy the signing secret now: it is shown only once.', type: 'success' },
      };
    } catch (err) {
      return errorNotice(err, context, logger);
    }
  };

  const edit = async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<RecordActionResponse> => {
    const record = context.record!;
    if (request.method !== 'post') return { record: record.toJSON(context.currentAdmin) };
    try {
      const p = flat.unflatten<Record<string, unknown>, Record<string, unknown>>(request.payload ?? {});
      const updated = await services.webhooks.update(tenantContextOf(context), record.id(), {
        url: typeof p.url === 'string' ? p.url : undefined,
        events: p.events === undefined ? undefined : (asList(p.events) as never),
        description: typeof p.description === 'string' ? p.description : p.description === null ? null : undefined,
        enabled: asBool(p.enabled),
      });
      const fresh = await context.resource.findOne(updated.id, context);
      return {
        record: (fresh ?? record).toJSON(context.currentAdmin),
        redirectUrl: context.h.recordActionUrl({ resourceId: context.resource.id(), recordId: updated.id, actionName: 'show' }),
        notice: {
          message: updated.enabled ? 'Webhook endpoint saved.' : 'Webhook endpoint saved. It is disabled: nothing is sent to it.',
          type: 'success',
        },
      };
    } catch (err) {
      return errorNotice(err, context, logger);
    }
  };

  const remove = async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<RecordActionResponse> => {
    const record = context.record!;
    if (request.method !== 'post') return { record: record.toJSON(context.currentAdmin) };
    try {
      const gone = await services.webhooks.remove(tenantContextOf(context), record.id());
      return {
        record: record.toJSON(context.currentAdmin),
        redirectUrl: listUrl(context),
        notice: { message: `Webhook endpoint ${gone.url} deleted with its delivery log.`, type: 'success' },
      };
    } catch (err) {
      return errorNotice(err, context, logger);
    }
  };

  return {
    resource,
    options: {
      id: 'WebhookEndpoint',
      navigation: { name: 'Settings', icon: 'Settings' },
      listProperties: ['url', 'events', 'enabled', 'description', 'createdAt'],
      showProperties: ['id', 'url', 'events', 'enabled', 'description', 'createdAt', 'updatedAt'],
      editProperties: ['url', 'events', 'description', 'enabled'],
      properties: {
        url: {
          isTitle: true,
          description:
            'https:// (plain http:// only to localhost outside production). Private and local network addresses are refused in production.',
        },
        events: { availableValues: WEBHOOK_EVENTS.map((e) => ({ value: e, label: e })), description: 'The order events sent to this URL.' },
        enabled: { description: 'Disabled endpoints are sent nothing; deliveries waiting for a retry stop.' },
        secret: { isVisible: false },
      },
      actions: {
        ...tenantReadOnly,
        list: { isAccessible: canManage },
        show: { isAccessible: canManage },
        search: { isAccessible: canManage },
        new: { isAccessible: never },
        createEndpoint: {
          actionType: 'resource',
          icon: 'Plus',
          component: components.WebhookEndpointCreate,
          isAccessible: canManage,
          handler: createEndpoint,
        },
        edit: { isAccessible: canManage, handler: edit },
        delete: {
          isAccessible: canManage,
          guard: 'Delete this endpoint and its delivery log? Nothing more is sent to it.',
          handler: remove,
        },
      },
    },
  };
}

export function webhookDeliveryResource(deps: { services: Services; resource: ScopedPrismaResource }): ResourceWithOptions {
  const { services, resource } = deps;
  const logger = services.logger.child({ surface: 'admin', resource: 'WebhookDelivery' });

  const redeliver = async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<RecordActionResponse> => {
    if (request.method !== 'post') return { record: context.record!.toJSON(context.currentAdmin) };
    try {
      const row = await services.webhooks.redeliver(tenantContextOf(context), context.record!.id());
      const fresh = await context.resource.findOne(row.id, context);
      return {
        record: (fresh ?? context.record!).toJSON(context.currentAdmin),
        redirectUrl: context.h.recordActionUrl({ resourceId: context.resource.id(), recordId: row.id, actionName: 'show' }),
        notice: { message: 'Queued: it is sent again in a few seconds (same webhook-id). This page shows the answer.', type: 'success' },
      };
    } catch (err) {
      return errorNotice(err, context, logger);
    }
  };

  /** The attempt log on the show page, one line per attempt. */
  const withAttempts = async (
    response: RecordActionResponse,
    _request: ActionRequest,
    context: ActionContext,
  ): Promise<RecordActionResponse> => {
    const record = response.record;
    if (!record?.id) return response;
    const attempts = await services.db.webhookAttempt.findMany({
      where: { deliveryId: String(record.id), tenantId: tenantContextOf(context).tenantId },
      orderBy: { attempt: 'asc' },
    });
    record.params.attemptLog =
      attempts.length === 0
        ? 'No attempt yet.'
        : attempts
            .map(
              (a) =>
                `#${a.attempt}  ${a.createdAt.toISOString()}  ${a.statusCode ?? 'no answer'}  ${a.durationMs} ms  ${(a.error ?? a.responseExcerpt ?? '').replace(/\s+/g, ' ').slice(0, 300)}`,
            )
            .join('\n');
    return response;
  };

  return {
    resource,
    options: {
      id: 'WebhookDelivery',
      navigation: { name: 'Settings', icon: 'Settings' },
      sort: { sortBy: 'createdAt', direction: 'desc' },
      listProperties: ['eventType', 'endpoint', 'status', 'attempts', 'lastStatusCode', 'lastAttemptAt', 'createdAt'],
      showProperties: [
        'id',
        'eventType',
        'endpoint',
        'status',
        'attempts',
        'lastStatusCode',
        'lastAttemptAt',
        'deliveredAt',
        'createdAt',
        'attemptLog',
        'body',
      ],
      filterProperties: ['status', 'eventType', 'endpoint', 'createdAt'],
      properties: {
        id: { description: 'The webhook-id header: the same on every attempt, so the receiver can drop duplicates.' },
        body: { type: 'textarea', description: 'Exactly the bytes sent and signed.' },
        attemptLog: {
          type: 'textarea',
          isVisible: { list: false, show: true, edit: false, filter: false },
          description: 'Attempt, time, status code, duration, and the start of the answer (or why there was none).',
        },
        eventKey: { isVisible: false },
      },
      actions: {
        ...tenantReadOnly,
        list: { isAccessible: canManage },
        show: { isAccessible: canManage, after: withAttempts },
        search: { isAccessible: canManage },
        redeliver: {
          actionType: 'record',
          icon: 'RefreshCw',
          component: false,
          guard: 'Send this message to the endpoint again now?',
          isAccessible: canManage,
          handler: redeliver,
        },
      },
    },
  };
}
