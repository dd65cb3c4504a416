// Maps errors to the one JSON error body: { error: { code, message, requestId } }. Never a stack trace.
// - A database fault (down, restarting, connection lost, statement out of time) is 503 with Retry-After:
//   the caller should try again shortly, nothing is broken on their side.
// - Any client error raised by Express or its parsers (bad gzip, undecodable path such as %ZZ, a charset we
//   do not read) keeps its 4xx status; only unknown errors are 500.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, isAppError, isUndecodablePath } from '../../platform/errors.js';
import { isQueryInputError, isTransientDatabaseFault } from '../../platform/db/db-faults.js';

/** Seconds a caller should wait after a 503 caused by the database. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

export function requestIdOf(req: { id?: unknown }): string {
  return String(req.id ?? '');
}

export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json({ error: { code: 'NOT_FOUND', message: `No route for ${req.method} ${req.path}`, requestId: requestIdOf(req) } });
};

/** The AppError an error answers as (shared by the REST API and the invoice page). */
export function toAppError(err: unknown): { appErr: AppError; unexpected: boolean; retryAfter?: number } {
  const e = err as { type?: string; status?: number; statusCode?: number; message?: string; expose?: boolean } | undefined;
  if (isAppError(err)) return { appErr: err, unexpected: false };
  if (e?.type === 'entity.too.large') return { appErr: new AppError('PAYLOAD_TOO_LARGE', 'Request body is too large'), unexpected: false };
  if (e?.type === 'entity.parse.failed' || e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') {
    return { appErr: new AppError('VALIDATION_FAILED', 'Request body is not valid JSON'), unexpected: false };
  }
  if (isUndecodablePath(err)) {
    return {
      appErr: new AppError(
        'VALIDATION_FAILED',
        'Malformed request: the URL path holds a percent-encoding that does not decode (such as %ZZ, or a character cut short). Encode each path segment with encodeURIComponent.',
        { fields: [{ path: 'path', message: 'invalid percent-encoding' }] },
      ),
      unexpected: false,
    };
  }
  const status = e?.status ?? e?.statusCode;
  // Only errors Express and its parsers raise about the request (http-errors' `expose`, the router's
  // undecodable path): a 4xx from an upstream call we made is our problem, not the caller's.
  const aboutTheRequest = e?.expose === true || !!e?.type;
  if (typeof status === 'number' && status >= 400 && status < 500 && aboutTheRequest) {
    return {
      appErr: new AppError('VALIDATION_FAILED', status === 400 ? 'Malformed request' : `Request refused (${status})`),
      unexpected: false,
    };
  }
  if (isQueryInputError(err)) return { appErr: new AppError('VALIDATION_FAILED', 'Invalid parameters.'), unexpected: false };
  if (isTransientDatabaseFault(err)) {
    return {
      appErr: new AppError('DATABASE_UNAVAILABLE', 'The service is briefly unavailable. Try again in a few seconds.'),
      unexpected: false,
      retryAfter: DATABASE_RETRY_AFTER_SECONDS,
    };
  }
  return { appErr: new AppError('INTERNAL', 'Something went wrong. Quote the request id when reporting this.'), unexpected: true };
}

export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const requestId = requestIdOf(req);
  const { appErr, unexpected, retryAfter } = toAppError(err);
  if (unexpected) req.log?.error({ err }, 'unhandled error');
  else if (retryAfter) req.log?.warn({ err }, 'database unavailable; answered 503');
  if (res.headersSent) return;
  if (retryAfter) res.set('Retry-After', String(retryAfter));
  const body: Record<string, unknown> = { code: appErr.code, message: appErr.message, requestId };
  if (appErr.details) body.details = appErr.details;
  res.status(appErr.httpStatus).json({ error: body });
};
