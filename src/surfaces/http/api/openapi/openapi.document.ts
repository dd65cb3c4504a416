// Builds the OpenAPI 3.1 document of the REST API from the operations table (api.operations.ts): request
// schemas are the zod schemas the handlers validate with (as their input: what a caller sends), answers the
// zod schemas of api.schemas.ts (as their output), converted by zod's own z.toJSONSchema (JSON Schema
// 2020-12, the dialect of OpenAPI 3.1). Named schemas become components/schemas. Built once per process.
import { z } from 'zod';
import { WEBHOOK_EVENTS, type WebhookEventType } from '../../../../modules/webhooks/webhook-events.js';
import { isReadRequest } from '../api-context.js';
import { IDEMPOTENCY_HEADER, IN_USE_RETRY_AFTER_SECONDS } from '../idempotency.js';
import { API_OPERATIONS, type ApiOperation } from './api.operations.js';
import { apiError, webhookBodies } from './api.schemas.js';

type JsonSchema = Record<string, unknown>;

export const API_BASE_PATH = '/api/v1';
export const API_VERSION = '1.0.0';

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: the message and details.fields say what to fix',
  401: 'Missing, invalid or revoked API key',
  403: 'API_KEY_READ_ONLY: the API key is read-only and this operation is not a GET; nothing was done',
  404: "No such order (or not this shop's)",
  409: 'The order is not in a state that allows this (or IDEMPOTENCY_KEY_IN_USE: a request with this Idempotency-Key is still running; retry after Retry-After seconds)',
  422: 'This Idempotency-Key was already used for a different request',
  413: 'PAYLOAD_TOO_LARGE: the request body is over the size limit; nothing was done',
  429: 'Too many requests: wait for Retry-After seconds',
  503: 'A service this call needs is unavailable (the database: DATABASE_UNAVAILABLE, with Retry-After; or a provider it calls): retry later',
};

/** What a status means for an operation on `path`: a customer's erasure is not about an order. */
function errorDescription(path: string, status: number): string | undefined {
  if (status === 404 && path.startsWith('/customers/')) return "No such customer (or not this shop's)";
  if (status === 409 && path.startsWith('/customers/'))
    return "An order still needs the customer's address (the message names it; nothing was erased), or IDEMPOTENCY_KEY_IN_USE: a request with this Idempotency-Key is still running (retry after Retry-After seconds)";
  return ERROR_DESCRIPTIONS[status];
}

/** When each outgoing webhook is sent (the first words of its description). */
const WEBHOOK_WHEN: Record<WebhookEventType, string> = {
  'order.created': 'Sent when a customer places an order.',
  'order.paid': 'Sent when an order is paid in full.',
  'order.refunded': 'Sent for each refund of an order, in full or in part.',
  'order.cancelled': 'Sent when an order is cancelled: by an admin, by its customer, its payment rejected, or its pay window over.',
  'order.shipped':
    "Sent when an order's parcel is handed to the carrier, and again whenever its tracking number or carrier changes while it travels (trackingUpdate: true).",
  'order.delivered': "Sent when an order's parcel is marked delivered.",
  'order.deleted':
    'Sent when an admin deletes an order for good; the body describes it as it was when deleted. Events of the order sent after the delete describe it so too.',
};

/** zod names nested schemas "#/$defs/X"; in the document they live at "#/components/schemas/X" (XInput for request shapes). */
function pointRefsAtComponents(value: unknown, io: 'input' | 'output'): unknown {
  if (Array.isArray(value)) return value.map((v) => pointRefsAtComponents(v, io));
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      k === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/')
        ? `#/components/schemas/${v.slice(8)}${io === 'input' ? 'Input' : ''}`
        : pointRefsAtComponents(v, io),
    ]),
  );
}

function converter(components: Record<string, JsonSchema>) {
  return (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
    const json = pointRefsAtComponents(
      z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }),
      io,
    ) as JsonSchema & { $defs?: Record<string, JsonSchema>; $schema?: string; id?: string };
    const { $defs, $schema: _dialect, ...rest } = json;
    for (const [id, def] of Object.entries($defs ?? {})) components[io === 'input' ? `${id}Input` : id] ??= def;
    // A schema that is itself named is referenced, not repeated.
    const id = (schema.meta() as { id?: string } | undefined)?.id;
    if (id) {
      const { id: _id, ...body } = rest;
      components[id] ??= body;
      return { $ref: `#/components/schemas/${id}` };
    }
    return rest;
  };
}

function queryParameters(schema: JsonSchema): JsonSchema[] {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return (
    Object.entries(properties)
      // A parameter declared z.never() exists only to refuse it with a clear message: not documented.
      .filter(([, s]) => !(s.not && Object.keys(s.not as object).length === 0))
      .map(([name, s]) => {
        const { description, ...rest } = s;
        return { name, in: 'query', required: required.has(name), ...(description ? { description } : {}), schema: rest };
      })
  );
}

/** What `{id}` names: an order (by id or number: api-context.ts orderIdParam) or a customer. */
function idDescription(path: string): string {
  if (path.startsWith('/customers/')) return 'The customer id (cus_…)';
  return (
    'The order id (ord_…), or the order number as the panel and Discord show it without the "#" (1001 for order #1001). ' +
    "A number that no order of the shop has is a 404, also when it is an order's payment reference (not taken here)."
  );
}

/** The header a 409 IDEMPOTENCY_KEY_IN_USE carries (idempotency.ts). */
const IN_USE_RETRY_AFTER = {
  description: `With IDEMPOTENCY_KEY_IN_USE: the seconds to wait (${IN_USE_RETRY_AFTER_SECONDS}) before sending the same request with the same key again, which then waits for the first one's answer.`,
  schema: { type: 'integer', minimum: 1 },
};

function operationObject(op: ApiOperation, convert: ReturnType<typeof converter>): JsonSchema {
  const parameters: JsonSchema[] = [];
  if (op.path.includes('{id}'))
    parameters.push({ name: 'id', in: 'path', required: true, description: idDescription(op.path), schema: { type: 'string' } });
  if (op.path.includes('{kind}'))
    parameters.push({
      name: 'kind',
      in: 'path',
      required: true,
      description: 'What to export; ".csv" may end it (orders.csv). Any other value is a 400 naming kind.',
      schema: { type: 'string', enum: ['orders', 'payments', 'refunds', 'tax'] },
    });
  if (op.query) parameters.push(...queryParameters(convert(op.query, 'input')));
  if (op.idempotent) {
    parameters.push({
      name: IDEMPOTENCY_HEADER.replace(/(^|-)\w/g, (c) => c.toUpperCase()),
      in: 'header',
      required: false,
      description:
        'Any unique string (1-200 printable ASCII characters). A retry with the same key and body gets the first answer again (header Idempotent-Replayed: true) for 24 hours.',
      schema: { type: 'string', minLength: 1, maxLength: 200 },
    });
  }
  const errorRef = { $ref: '#/components/responses/Error' };
  const content = { [op.success.contentType ?? 'application/json']: { schema: convert(op.success.schema, 'output') } };
  const responses: Record<string, unknown> = {
    [op.success.status]: { description: op.success.description, content },
    ...(op.success.also ? { [op.success.also.status]: { description: op.success.also.description, content } } : {}),
  };
  // A read-only key is refused every operation that is not a GET (api-context.ts isReadRequest): 403.
  const refusedToReadOnly = isReadRequest(op.method) ? [] : [403];
  // An Idempotency-Key can answer 409 IDEMPOTENCY_KEY_IN_USE and 422 IDEMPOTENCY_KEY_REUSED (idempotency.ts), whatever
  // the operation's own errors: the erasure answered 422 and its operation documented none.
  const byIdempotencyKey = op.idempotent ? [409, 422] : [];
  // Any operation: 503 while the database is unreachable (error-handler.ts); one with a body: 413 over the body limit.
  const overBodyLimit = op.body ? [413] : [];
  for (const status of [
    ...new Set([400, 401, ...refusedToReadOnly, ...byIdempotencyKey, ...overBodyLimit, ...(op.errors ?? []), 429, 503]),
  ].sort()) {
    responses[status] =
      status === 400 || status === 401 || status === 429
        ? errorRef
        : {
            description: errorDescription(op.path, status),
            ...(status === 409 && op.idempotent ? { headers: { 'Retry-After': IN_USE_RETRY_AFTER } } : {}),
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          };
  }
  return {
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(op.body ? { requestBody: { required: false, content: { 'application/json': { schema: convert(op.body, 'input') } } } } : {}),
    responses,
  };
}

/** The security scheme's words: the two access levels, and the operations a read-only key may call (every GET). */
function apiKeyDescription(): string {
  const reads = API_OPERATIONS.filter((op) => isReadRequest(op.method)).map((op) => `${op.method.toUpperCase()} ${op.path}`);
  return (
    'An API key (ll_live_…) from the admin panel (Settings -> API keys), with the access level chosen when it was created. ' +
    '"Read and write": every operation. "Read only": GET operations only (' +
    reads.join(', ') +
    '); any other method, even POST /orders/{id}/refunds/preview, is refused with 403 API_KEY_READ_ONLY and nothing is done. ' +
    'The level cannot be changed: for another one, create a new key.'
  );
}

export function buildOpenApiDocument(opts: { serverUrl?: string } = {}): JsonSchema {
  const components: Record<string, JsonSchema> = {};
  const convert = converter(components);
  convert(apiError, 'output');
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of API_OPERATIONS) (paths[op.path] ??= {})[op.method] = operationObject(op, convert);
  const webhooks: Record<string, unknown> = {};
  for (const type of WEBHOOK_EVENTS) {
    webhooks[type] = {
      post: {
        operationId: `webhook_${type.replace('.', '_')}`,
        tags: ['Webhooks'],
        summary: `${type} (sent to your endpoint)`,
        description:
          `${WEBHOOK_WHEN[type]} ` +
          'Signed with Standard Webhooks: verify webhook-signature (v1,base64 HMAC-SHA256 of "webhook-id.webhook-timestamp.body" with the endpoint\'s whsec_ secret) before trusting the body. Answer 2xx within 10 seconds; anything else is retried with exponential backoff for about 28 hours, with the same webhook-id.',
        parameters: ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => ({
          name,
          in: 'header',
          required: true,
          schema: { type: 'string' },
        })),
        requestBody: { required: true, content: { 'application/json': { schema: convert(webhookBodies[type], 'output') } } },
        responses: { '2XX': { description: 'Received' } },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Ledgerline REST API',
      version: API_VERSION,
      description:
        "A shop's orders, payments, refunds, invoice links, products, customers' erasure requests and its currency. Authenticate with an API key from the admin panel (Settings -> API keys): `Authorization: Bearer <key>`. Every path is also served under /api (an alias of /api/v1). Nothing sent is ignored: a query parameter an operation does not take (a filter it does not have, a bracket form such as from[gte]), one sent twice, and a body field it does not take are each a 400 VALIDATION_FAILED naming it, in the message and in details.fields. A method a path does not take (DELETE /orders/{id}) is a 405 METHOD_NOT_ALLOWED, with an Allow header listing the methods it does take, whatever the API key.",
    },
    servers: [{ url: opts.serverUrl ?? API_BASE_PATH }],
    security: [{ apiKey: [] }],
    tags: [
      { name: 'Orders' },
      { name: 'Payments' },
      { name: 'Refunds' },
      { name: 'Invoice links' },
      { name: 'Products' },
      { name: 'Customers' },
      { name: 'Shop', description: "The shop's own settings: its currency, changed with every price at once." },
      { name: 'Webhooks', description: "What Ledgerline POSTs to a shop's webhook endpoints (Settings -> Webhooks in the panel)." },
    ],
    paths,
    webhooks,
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: apiKeyDescription() } },
      responses: {
        Error: {
          description: 'An error: a code, a message and the request id',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
      schemas: components,
    },
  };
}
