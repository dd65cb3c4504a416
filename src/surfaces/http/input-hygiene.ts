// Text that no field of ours may hold, refused at the edge with 400 and the standard error body rather than
// failing deep inside (PostgreSQL refuses a NUL byte in text with a 500; a lone UTF-16 surrogate cannot be
// encoded as UTF-8 and corrupts or fails the write).
import type { RequestHandler } from 'express';
import { AppError } from '../../platform/errors.js';
import { unstorableTextProblem } from '../../platform/storable-text.js';

/** A NUL byte or a lone surrogate (platform/storable-text.ts, the rule the panel and Discord apply too). */
const unsafe = (text: string) => unstorableTextProblem(text) !== null;

/** The path of the first string (key or value) in `value` that holds a NUL byte or a lone surrogate. */
export function findUnsafeText(value: unknown, path = '', depth = 0): string | undefined {
  if (depth > 64) return path || '(root)';
  if (typeof value === 'string') return unsafe(value) ? path || '(root)' : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnsafeText(value[i], path ? `${path}.${i}` : String(i), depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const here = path ? `${path}.${k}` : k;
      if (unsafe(k)) return here;
      const found = findUnsafeText(v, here, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * The path as the router will decode its parameters, or undefined when it does not decode (the router refuses
 * that itself, platform/errors.ts isUndecodablePath).
 */
function decodedPath(path: string): string | undefined {
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}

/**
 * Refuses a request whose parsed body or query, or whose path (an id such as /api/orders/%00), holds a NUL byte
 * or a lone surrogate. The path was not checked: the id reached PostgreSQL, which refused it, and the caller got
 * "Invalid parameters." naming nothing.
 */
export const rejectUnsafeText: RequestHandler = (req, _res, next) => {
  const found =
    place('body', findUnsafeText(req.body)) ??
    place('query', findUnsafeText(req.query)) ??
    (findUnsafeText(decodedPath(req.path)) === undefined ? undefined : { where: 'path', field: 'path' });
  if (found) {
    return next(
      new AppError('VALIDATION_FAILED', `Invalid text in ${found.where}: NUL bytes and unpaired surrogates are not allowed.`, {
        fields: [{ path: found.field, message: 'invalid characters' }],
      }),
    );
  }
  next();
};

/**
 * Where the text was, for the message ("body.notes", "query.page") and for details.fields: the field or parameter
 * itself ("notes", "page"), as every other 400 names it.
 */
function place(part: 'body' | 'query', at: string | undefined): { where: string; field: string } | undefined {
  if (at === undefined) return undefined;
  return at === '(root)' ? { where: part, field: '(root)' } : { where: `${part}.${at}`, field: at };
}

/**
 * express.json's `verify` for the app's JSON parser (the invoice page's and the REST API's bodies; not the Discord
 * endpoint's nor the providers' webhooks, which read their raw bytes before it); the panel's JSON parser uses the
 * same one (surfaces/admin/panel-json.ts).
 */
export { refuseDuplicateJsonKeys } from '../../platform/json-duplicate-keys.js';

const RESERVED_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
const POSITIVE_INT = /^[1-9]\d{0,6}$/;

/**
 * The AdminJS list API's paging and sorting parameters, checked before AdminJS turns them into a query:
 * a negative page or a sort key such as __proto__ otherwise fails deep inside the adapter with a 500.
 */
export const adminListParams: RequestHandler = (req, _res, next) => {
  const q = req.query as Record<string, unknown>;
  const problems: string[] = [];
  for (const name of ['page', 'perPage'] as const) {
    if (q[name] !== undefined && !(typeof q[name] === 'string' && POSITIVE_INT.test(q[name])))
      problems.push(`${name} must be a whole number from 1`);
  }
  if (q.direction !== undefined && q.direction !== 'asc' && q.direction !== 'desc') problems.push('direction must be asc or desc');
  if (q.sortBy !== undefined && (typeof q.sortBy !== 'string' || RESERVED_NAMES.has(q.sortBy) || !/^[A-Za-z_][\w.]{0,100}$/.test(q.sortBy)))
    problems.push('sortBy is not a field name');
  for (const key of Object.keys(q)) {
    if (key.split(/[.~[\]]+/).some((part) => RESERVED_NAMES.has(part))) problems.push(`${key} is not a filter name`);
  }
  if (problems.length) {
    return next(
      new AppError('VALIDATION_FAILED', `Invalid list parameters: ${problems.join('; ')}.`, {
        fields: problems.map((message) => ({ path: 'query', message })),
      }),
    );
  }
  next();
};
