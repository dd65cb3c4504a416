// Per-request helpers of the REST API: the API-key authentication middleware (with the one rule of what a
// read-only key may call), the tenant context it leaves for the handlers, and a guard that a body, when sent,
// is JSON.
import { bearerToken } from '../bearer-token.js';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ApiKeyService } from '../../../modules/api-keys/api-key.service.js';
import type { TenantContext } from '../../../modules/shared/actor.js';
import type { OrderService } from '../../../modules/orders/index.js';
import { AppError } from '../../../platform/errors.js';

/**
 * The requests a READ_ONLY key may send: GET (and HEAD, which Express answers from the GET route, without a
 * body). Decided by method alone, never by a list of routes, so a write route added later is refused to
 * read-only keys without anyone remembering to; and every non-GET route is refused, including
 * POST /orders/{id}/refunds/preview, which changes no order but keeps its answer under an Idempotency-Key and
 * is only a step towards a refund the key could not make (docs/decisions/rest-api.md, "Read-only keys").
 */
export function isReadRequest(method: string): boolean {
  return method.toUpperCase() === 'GET' || method.toUpperCase() === 'HEAD';
}

function readOnlyRefusal(method: string): AppError {
  return new AppError(
    'API_KEY_READ_ONLY',
    `This API key is read-only: it can read the shop's orders, products and exports (GET requests) but not send a ${method} request, which may change them. To make this call, create a read-and-write key in Settings -> API keys.`,
    { access: 'READ_ONLY', method },
  );
}

/**
 * `Authorization: Bearer <api key>`; the tenant comes from the key, never from the request. A read-only key's
 * request that is not a read is refused here, 403 API_KEY_READ_ONLY, before the idempotency record and any
 * handler: it writes nothing a GET would not (at most the key's lastUsedAt, once a minute).
 */
export function apiKeyAuth(apiKeys: ApiKeyService): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const token = bearerToken(req.get('authorization'));
    res.set('WWW-Authenticate', 'Bearer');
    if (!token) return next(new AppError('UNAUTHENTICATED', 'Missing API key. Send "Authorization: Bearer <api key>".'));
    const principal = await apiKeys.authenticate(token);
    res.removeHeader('WWW-Authenticate');
    if (principal.access === 'READ_ONLY' && !isReadRequest(req.method)) return next(readOnlyRefusal(req.method));
    const ctx: TenantContext = {
      tenantId: principal.tenantId,
      actor: { type: 'API_KEY', id: principal.apiKeyId, label: `API key ${principal.name}` },
    };
    res.locals.ctx = ctx;
    next();
  };
}

export function ctxOf(res: Response): TenantContext {
  const ctx = res.locals.ctx as TenantContext | undefined;
  if (!ctx) throw new AppError('UNAUTHENTICATED', 'Missing API key.');
  return ctx;
}

/**
 * The parsed JSON body, `{}` when none was sent. A body in another content type is refused rather than
 * ignored: a refund whose body was silently dropped would become a full refund.
 */
export function jsonBody(req: Request): unknown {
  const length = req.headers['content-length'];
  const hasBody = req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
  if (hasBody && !req.is('application/json')) {
    throw new AppError('VALIDATION_FAILED', 'Send the request body as JSON with "Content-Type: application/json".');
  }
  return req.body ?? {};
}

/** An order number in the path, as a shop's people write it everywhere else ("1001" for order #1001). */
const ORDER_NUMBER = /^\d{1,9}$/;

/**
 * The order a `/orders/{id}` path names, for every order route: its id (`ord_…`) as given, or its number, looked up
 * in the key's shop (orders.findByRef without payment references, which Discord's commands also take: a six-digit
 * number that is no order's number is NOT_FOUND "Order 123456 was not found.", not the order whose payment reference
 * it is). docs/decisions/rest-api.md "Order numbers in the path".
 */
export async function orderIdParam(req: Request, res: Response, orders: Pick<OrderService, 'findByRef'>): Promise<string> {
  const ref = String(req.params.id);
  if (!ORDER_NUMBER.test(ref)) return ref;
  return (await orders.findByRef(ctxOf(res).tenantId, ref, { paymentReference: false })).id;
}
