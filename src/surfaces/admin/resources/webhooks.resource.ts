// Outgoing webhooks in the panel (Settings):
//   Webhook endpoints   list / show, with "Sending" (whether its circuit breaker paused it, and till when) and
//                       "Events not sent" (event types it is not subscribed to: new types, such as order.shipped,
//                       are never added to an existing endpoint by themselves, docs/decisions/outgoing-webhooks.md);
//                       "New webhook endpoint" (the signing secret shown once), Edit (URL, events,
//                       description, enabled; only what the admin changed is written, platform/form-edits.ts),
//                       Delete, and "Resume sending" (on an endpoint whose attempts
//                       failed: sends now, with its waiting deliveries), all through services.webhooks
//                       (checked, audited). Tenant admins only: an endpoint receives the shop's order data.
//   Webhook deliveries  the delivery log, newest first: event, endpoint, status, attempts, last status code;
//                       the show page lists every attempt (status, duration, response excerpt or error) and
//                       has Redeliver (sends it again now, same webhook-id, fresh retry schedule).
import {
  flat,
  type ActionContext,
  type ActionRequest,
  type ActionResponse,
  type After,
  type RecordActionResponse,
  type ResourceWithOptions,
} from 'adminjs';
import { z } from 'zod';
import type { Services } from '../services.js';
import { WEBHOOK_EVENTS } from '../../../modules/webhooks/webhook-events.js';
import { BREAKER_MAX_PAUSE_SECONDS, BREAKER_THRESHOLD, breakerStatus } from '../../../modules/webhooks/webhook-breaker.js';
import { SHOWN_PARAM, type ScopedPrismaResource } from '../adapter/scoped-resource.js';
import { AppError } from '../../../platform/errors.js';
import { FORM_OUT_OF_DATE, parseShown } from '../../../platform/form-edits.js';
import { parseInput } from '../../../platform/validate.js';
import { tenantContextOf } from '../auth/panel-admin.js';
import type { AdminComponents } from '../components/component-loader.js';
import { canManage, never, tenantReadOnly } from './access.js';
import { errorNotice, type FieldOf } from './admin-errors.js';
import { buttonAction } from './button-action.js';
import { enumProperty } from './enum-columns.js';
import { WEBHOOK_DELIVERY_STATUS_BADGES, WEBHOOK_DELIVERY_STATUS_LABELS } from '../presentation/labels.js';
import { keepTyped } from './validation.js';

const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v !== '' ? [v] : []);
const asBool = (v: unknown): boolean | undefined => (v === true || v === 'true' ? true : v === false || v === 'false' ? false : undefined);

/**
 * The endpoint's form as its inputs send it (unflattened): the URL and the description one text each, the events a
 * list (or one), Enabled true or false. Anything else (a list where a text goes, a word for Enabled) is refused
 * under its field, never dropped: a save that ignored it would answer "saved" with the value the admin sent not
 * stored (the panel fuzz, test/admin/admin-panel.fuzz.test.ts).
 */
const endpointForm = z.object({
  url: z.string({ error: 'the URL, as one line of text' }).optional(),
  events: z.union([z.string(), z.array(z.string())], { error: 'tick the events to send' }).optional(),
  description: z.string({ error: 'the description, as text' }).nullable().optional(),
  enabled: z.union([z.boolean(), z.enum(['true', 'false'])], { error: 'on or off' }).optional(),
});
const asDate = (v: unknown): Date | null => {
  if (v === null || v === undefined || v === '') return null;
  const d = v instanceof Date ? v : new Date(String(v));
  return Number.isNaN(d.getTime()) ? null : d;
};
const utc = (d: Date) => `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;

/** The edit form's fields: a refused URL or events list is also shown under its input (`events.0` under events). */
const EDIT_FIELDS = ['url', 'events', 'description', 'enabled'];
const editFieldOf: FieldOf = (path) => {
  const field = path.split('.')[0]!;
  return EDIT_FIELDS.includes(field) ? field : undefined;
};

type Params = Record<string, unknown>;

/** The endpoint form's fields, each in its input's shape (endpointForm), or VALIDATION_FAILED naming the field. */
function readForm(payload: Record<string, unknown> | undefined): z.infer<typeof endpointForm> {
  const p = flat.unflatten<Record<string, unknown>, Record<string, unknown>>(payload ?? {});
  return parseInput(endpointForm, { url: p.url, events: p.events, description: p.description, enabled: p.enabled }, 'webhook endpoint');
}

/** The endpoint's breaker as its record's params hold it. */
const breakerOf = (params: Params | undefined, now: Date) =>
  breakerStatus({ consecutiveFailures: Number(params?.consecutiveFailures ?? 0), pausedUntil: asDate(params?.pausedUntil) }, now);

/** Whether the endpoint's attempts failed lately, so "Resume sending" has something to do. */
const hasFailures = (params: Params | undefined) => breakerOf(params, new Date()).kind !== 'closed';

/** "Sending", in words: whether the endpoint is sent to now, and if not, why and till when. */
function sendingWords(params: Params, now: Date): string {
  if (asBool(params.enabled) === false) return 'No: disabled';
  const status = breakerOf(params, now);
  switch (status.kind) {
    case 'closed':
      return 'Yes';
    case 'failing':
      return `Yes (the last ${status.failures === 1 ? 'attempt' : `${status.failures} attempts`} failed; paused after ${BREAKER_THRESHOLD} in a row)`;
    case 'probing':
      return `Yes: the next attempt tests it, after ${status.failures} failed in a row`;
    case 'paused':
      return `Paused until ${utc(status.until)}: ${status.failures} attempts in a row failed. Attempts meanwhile are logged, not sent, and retried on their schedule.`;
  }
}

/** The endpoint's events as its record's params hold them (flattened: events.0, events.1, ...). */
function eventsOf(params: Params): string[] {
  if (Array.isArray(params.events)) return params.events.map(String);
  return Object.keys(params)
    .filter((k) => /^events\.\d+$/.test(k))
    .map((k) => String(params[k]));
}

/**
 * "Events not sent", in words: the event types the endpoint is not subscribed to. An integrator's receiver may refuse
 * a type it does not know, so a new type is not sent to an existing endpoint until an admin ticks it in Edit; this
 * column is how the admin learns that one exists.
 */
function eventsNotSentWords(subscribed: readonly string[], page: 'list' | 'record'): string {
  const missing = WEBHOOK_EVENTS.filter((e) => !subscribed.includes(e));
  if (missing.length === 0) return page === 'list' ? 'None' : 'None: every order event is sent to it.';
  if (page === 'list') return missing.join(', ');
  const them = missing.length === 1 ? 'it' : 'them';
  return `${missing.join(', ')}. Not sent to this endpoint: tick ${them} in Edit once your receiver accepts ${them}.`;
}

/** What an action that changed a record answers: the record as saved now, and its page to go back to. */
async function savedRecord(context: ActionContext, id: string): Promise<Pick<RecordActionResponse, 'record' | 'redirectUrl'>> {
  const fresh = await context.resource.findOne(id, context);
  return {
    record: (fresh ?? context.record!).toJSON(context.currentAdmin),
    redirectUrl: context.h.recordActionUrl({ resourceId: context.resource.id(), recordId: id, actionName: 'show' }),
  };
}

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
      const p = readForm(request.payload);
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
      const p = readForm(request.payload);
      // A save without the endpoint as the form loaded it (a tab opened before forms carried it, a hand-made POST)
      // cannot tell the admin's changes from values someone else changed since: refused, nothing written.
      const shown = parseShown(request.payload?.[SHOWN_PARAM]);
      if (!shown) throw new AppError('CONFLICT', FORM_OUT_OF_DATE);
      const updated = await services.webhooks.update(tenantContextOf(context), record.id(), {
        shown: Object.fromEntries(EDIT_FIELDS.filter((k) => k in shown).map((k) => [k, shown[k]])),
        url: typeof p.url === 'string' ? p.url : undefined,
        events: p.events === undefined ? undefined : (asList(p.events) as never),
        description: typeof p.description === 'string' ? p.description : p.description === null ? null : undefined,
        enabled: asBool(p.enabled),
      });
      return {
        ...(await savedRecord(context, updated.id)),
        notice: {
          message: updated.enabled ? 'Webhook endpoint saved.' : 'Webhook endpoint saved. It is disabled: nothing is sent to it.',
          type: 'success',
        },
      };
    } catch (err) {
      // A refused save keeps what was typed, and says why in the notice and under the field it is about
      // (as every other form: validation.ts, the order edit).
      keepTyped(context.record, request.payload);
      return errorNotice(err, context, logger, editFieldOf);
    }
  };

  // A button: AdminJS calls it with GET once the guard is confirmed (button-action.ts).
  const resume = async (_request: ActionRequest, _response: unknown, context: ActionContext): Promise<RecordActionResponse> => {
    const record = context.record!;
    try {
      const { endpoint, resent } = await services.webhooks.resume(tenantContextOf(context), record.id());
      return {
        ...(await savedRecord(context, endpoint.id)),
        notice: {
          message:
            resent === 0
              ? 'Sending resumed: the next event is sent. No delivery was waiting for a retry.'
              : `Sending resumed: ${resent === 1 ? 'its waiting delivery is' : `its ${resent} waiting deliveries are`} sent now.`,
          type: 'success',
        },
      };
    } catch (err) {
      return errorNotice(err, context, logger);
    }
  };

  /**
   * "Sending" (the breaker's two columns, in words) and "Events not sent" on the list and show pages and after a
   * resume: virtual columns.
   */
  const withSending: After<ActionResponse> = async (response) => {
    const now = services.clock.now();
    const { record, records } = response as { record?: { params: Params }; records?: { params: Params }[] };
    for (const r of records ?? []) {
      r.params.sending = sendingWords(r.params, now);
      r.params.eventsNotSent = eventsNotSentWords(eventsOf(r.params), 'list');
    }
    if (record) {
      record.params.sending = sendingWords(record.params, now);
      record.params.eventsNotSent = eventsNotSentWords(eventsOf(record.params), 'record');
    }
    return response;
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
      listProperties: ['url', 'events', 'eventsNotSent', 'enabled', 'sending', 'description', 'createdAt'],
      showProperties: ['id', 'url', 'events', 'eventsNotSent', 'enabled', 'sending', 'description', 'createdAt', 'updatedAt'],
      editProperties: EDIT_FIELDS,
      properties: {
        url: {
          isTitle: true,
          description:
            'https:// (plain http:// only to localhost outside production). Private and local network addresses are refused in production.',
        },
        events: {
          availableValues: WEBHOOK_EVENTS.map((e) => ({ value: e, label: e })),
          description: 'The order events sent to this URL.',
          // As the form and the wire name them (order.cancelled), not AdminJS's words for an array's values ("Order Cancelled").
          components: { show: components.MultiValue, list: components.MultiValue },
        },
        eventsNotSent: {
          type: 'string',
          isVisible: { list: true, show: true, edit: false, filter: false },
          description:
            'Order events this endpoint is not subscribed to. An event type added to Ledgerline later is not sent to an existing endpoint until you tick it in Edit, so a receiver that refuses unknown types keeps working.',
        },
        enabled: { description: 'Disabled endpoints are sent nothing; deliveries waiting for a retry stop.' },
        secret: { isVisible: false },
        sending: {
          type: 'string',
          isVisible: { list: true, show: true, edit: false, filter: false },
          description: `After ${BREAKER_THRESHOLD} attempts in a row without a 2xx answer, the endpoint is paused for a while (at most ${BREAKER_MAX_PAUSE_SECONDS / 60} minutes), then tried again. "Resume sending" tries it now.`,
        },
        consecutiveFailures: { isVisible: false },
        pausedUntil: { isVisible: false },
      },
      actions: {
        ...tenantReadOnly,
        list: { isAccessible: canManage, after: withSending },
        show: { isAccessible: canManage, after: withSending },
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
        resumeSending: buttonAction({
          actionType: 'record',
          icon: 'Play',
          guard: 'Send to this endpoint again now, with its deliveries waiting for a retry?',
          isAccessible: canManage,
          isVisible: (c) => hasFailures(c.record?.params),
          handler: resume,
          after: withSending,
        }),
        delete: {
          isAccessible: canManage,
          guard: 'Delete this endpoint and its delivery log? Nothing more is sent to it.',
          handler: remove,
        },
      },
    },
  };
}

export function webhookDeliveryResource(deps: {
  services: Services;
  resource: ScopedPrismaResource;
  components: Pick<AdminComponents, 'OrderEnumCell'>;
}): ResourceWithOptions {
  const { services, resource, components } = deps;
  const logger = services.logger.child({ surface: 'admin', resource: 'WebhookDelivery' });

  // A button: AdminJS calls it with GET once the guard is confirmed (button-action.ts).
  const redeliver = async (_request: ActionRequest, _response: unknown, context: ActionContext): Promise<RecordActionResponse> => {
    try {
      const row = await services.webhooks.redeliver(tenantContextOf(context), context.record!.id());
      return {
        ...(await savedRecord(context, row.id)),
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
        status: enumProperty(components, WEBHOOK_DELIVERY_STATUS_LABELS, { badges: WEBHOOK_DELIVERY_STATUS_BADGES }),
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
        redeliver: buttonAction({
          actionType: 'record',
          icon: 'RefreshCw',
          guard: 'Send this message to the endpoint again now?',
          isAccessible: canManage,
          // Not offered for a disabled endpoint, which the service refuses ("Enable it first"). AdminJS
          // populates the record's endpoint before it lists a record's actions; unknown means offered.
          isVisible: (c) => c.record?.populated?.endpoint?.params?.enabled !== false,
          handler: redeliver,
        }),
      },
    },
  };
}
