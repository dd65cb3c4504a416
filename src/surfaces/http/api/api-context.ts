// Per-request helpers of the REST API: the API-key authentication middleware, the tenant context it
// leaves for the handlers, and a guard that a body, when sent, is JSON.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ApiKeyService } from '../../../modules/api-keys/api-key.service.js';
import type { TenantContext } from '../../../modules/shared/actor.js';
import { AppError } from '../../../platform/errors.js';

/** `Authorization: Bearer <api key>`; the tenant comes from the key, never from the request. */
export function apiKeyAuth(apiKeys: ApiKeyService): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const match = /^Bearer +(\S+)$/i.exec(req.get('authorization') ?? '');
    res.set('WWW-Authenticate', 'Bearer');
    if (!match) return next(new AppError('UNAUTHENTICATED', 'Missing API key. Send "Authorization: Bearer <api key>".'));
    const principal = await apiKeys.authenticate(match[1]!);
    res.removeHeader('WWW-Authenticate');
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

export function orderIdParam(req: Request): string {
  return String(req.params.id);
}
