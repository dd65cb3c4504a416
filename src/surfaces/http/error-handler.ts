// Maps errors to the one JSON error body: { error: { code, message, requestId } }. Never a stack trace.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, isAppError } from '../../platform/errors.js';

export function requestIdOf(req: { id?: unknown; headers: Record<string, unknown> }): string {
  return String(req.id ?? req.headers['x-request-id'] ?? '');
}

export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json({ error: { code: 'NOT_FOUND', message: `No route for ${req.method} ${req.path}`, requestId: requestIdOf(req) } });
};

export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const requestId = requestIdOf(req);
  let appErr: AppError;
  const e = err as { type?: string; status?: number; statusCode?: number; message?: string };
  if (isAppError(err)) {
    appErr = err;
  } else if (e?.type === 'entity.too.large') {
    appErr = new AppError('PAYLOAD_TOO_LARGE', 'Request body is too large');
  } else if (e?.type === 'entity.parse.failed' || e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') {
    appErr = new AppError('VALIDATION_FAILED', 'Request body is not valid JSON');
  } else {
    req.log?.error({ err }, 'unhandled error');
    appErr = new AppError('INTERNAL', 'Something went wrong. Quote the request id when reporting this.');
  }
  if (res.headersSent) return;
  const body: Record<string, unknown> = { code: appErr.code, message: appErr.message, requestId };
  if (appErr.details) body.details = appErr.details;
  res.status(appErr.httpStatus).json({ error: body });
};
