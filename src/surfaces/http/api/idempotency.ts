// Idempotency-Key on every state-changing REST call, by Stripe's rules:
// - the first request with a key runs; its answer (status and body, when not a 5xx) is kept per
//   (tenant, key) for 24 hours together with a fingerprint of the request (method, path, body);
// - the same key with the same request gets the kept answer again, marked `Idempotent-Replayed: true`;
// - the same key with a different request is refused: 422 IDEMPOTENCY_KEY_REUSED, naming what differs;
// - while the first request still runs, the same request waits for its answer (up to IN_FLIGHT_WAIT_MS),
//   then answers 409 IDEMPOTENCY_KEY_IN_USE with Retry-After (IN_USE_RETRY_AFTER_SECONDS); when that answer is not
//   kept (below) it runs itself;
// - a 5xx is not kept (nothing, or nothing certain, happened): the key may be retried. A record left
//   unfinished by a process that died is taken over after IN_FLIGHT_STALE_MS.
// - a 400 (the request itself was refused: a malformed body, a value out of range; nothing was done) is not
//   kept either, as Stripe saves no result for a request that failed validation: the client fixes the body and
//   retries with the same key. It was kept, and the corrected request got 422 IDEMPOTENCY_KEY_REUSED.
import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Db } from '../../../platform/db/prisma.js';
import { Prisma } from '../../../platform/db/prisma.js';
import { AppError } from '../../../platform/errors.js';
import type { Logger } from '../../../platform/logger.js';
import { ctxOf } from './api-context.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';
export const KEEP_HOURS = 24;
export const IN_FLIGHT_STALE_MS = 60_000;
/** How long a concurrent duplicate waits for the first request's answer before answering 409. */
export const IN_FLIGHT_WAIT_MS = 5_000;
/**
 * Retry-After of a 409 IDEMPOTENCY_KEY_IN_USE. Short: the first request has already run IN_FLIGHT_WAIT_MS, so its
 * answer is usually close, and the retry itself waits up to IN_FLIGHT_WAIT_MS here for it (no answer is missed by
 * retrying early; a longer pause only delays it). Not zero: a client looping on the 409 spaces its polls by it.
 * A first request that died is taken over after IN_FLIGHT_STALE_MS, which such retries reach.
 */
export const IN_USE_RETRY_AFTER_SECONDS = 1;

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The key sent, validated; undefined when none was sent. */
export function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.get(IDEMPOTENCY_HEADER);
  if (key === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,200}$/.test(key)) {
    throw new AppError('VALIDATION_FAILED', 'Idempotency-Key must be 1 to 200 printable ASCII characters without spaces.', {
      fields: [{ path: 'Idempotency-Key', message: 'invalid' }],
    });
  }
  return key;
}

/** JSON with object keys sorted, so {"a":1,"b":2} and {"b":2,"a":1} are one request. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function fingerprintOf(req: Request): { fingerprint: string; path: string } {
  // /api/v1/... and its alias /api/... are one endpoint: one fingerprint.
  const path = req.originalUrl.split('?')[0]!.replace(/^\/api\/v1(?=\/|$)/, '/api');
  const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
  const fingerprint = createHash('sha256')
    .update(`${req.method} ${path}${query}\n${canonical(req.body ?? {})}`)
    .digest('hex');
  return { fingerprint, path };
}

interface Row {
  fingerprint: string;
  method: string;
  path: string;
  status: number | null;
  responseBody: unknown;
  /**
   * The body's text as first sent; null in a row an instance of the previous release kept or took over (text and jsonb
   * disagree): its jsonb is replayed.
   */
  responseText: string | null;
  expired: boolean;
  abandoned: boolean;
}

/** 409 IDEMPOTENCY_KEY_IN_USE, with the Retry-After the error handler keeps (set on the answer before it is written). */
const inUse = (res: Response, key: string) => {
  res.set('Retry-After', String(IN_USE_RETRY_AFTER_SECONDS));
  return new AppError(
    'IDEMPOTENCY_KEY_IN_USE',
    `A request with this Idempotency-Key is still running. Retry after ${IN_USE_RETRY_AFTER_SECONDS} second (Retry-After) with the same key to get its answer.`,
    { idempotencyKey: key, retryAfterSeconds: IN_USE_RETRY_AFTER_SECONDS },
  );
};

// Times are the database's (now()), so every instance agrees on what is expired or abandoned.
export function idempotency(deps: { db: Db; logger: Logger }): RequestHandler {
  const { db } = deps;
  const keep = Prisma.raw(`interval '${KEEP_HOURS} hours'`);
  const stale = Prisma.raw(`interval '${IN_FLIGHT_STALE_MS / 1000} seconds'`);
  return async (req, res, next) => {
    if (!STATE_CHANGING.has(req.method)) return next();
    const key = idempotencyKeyOf(req);
    if (!key) return next();
    const { tenantId } = ctxOf(res);
    const { fingerprint, path } = fingerprintOf(req);

    // Claim the key: exactly one request inserts the row.
    const claim = () => db.$executeRaw`
      INSERT INTO idempotency_keys ("tenantId", key, fingerprint, method, path)
      VALUES (${tenantId}, ${key}, ${fingerprint}, ${req.method}, ${path})
      ON CONFLICT ("tenantId", key) DO NOTHING`;
    const claimed = await claim();
    if (claimed === 0) {
      const read = async () =>
        (
          await db.$queryRaw<Row[]>`
        SELECT fingerprint, method, path, status, "responseBody",
               -- The text only when it is the jsonb's: an instance of the previous release that took the key over
               -- rewrote the jsonb and left the text of the request before (a roll-back), so that text is not replayed.
               CASE WHEN "responseText"::jsonb = "responseBody" THEN "responseText" END AS "responseText",
               "createdAt" < now() - ${keep} AS expired,
               (status IS NULL AND "createdAt" < now() - ${stale}) AS abandoned
        FROM idempotency_keys WHERE "tenantId" = ${tenantId} AND key = ${key}`
        )[0];
      let row = await read();
      // The same request sent twice at once (a client's eager retry): wait briefly for the first one's
      // answer and give it to both, rather than a 409 the caller must retry.
      for (
        let waited = 0;
        row && row.status === null && !row.abandoned && row.fingerprint === fingerprint && waited < IN_FLIGHT_WAIT_MS;
        waited += 50
      ) {
        await new Promise((r) => setTimeout(r, 50));
        row = await read();
      }
      // Gone: the request that held the key released it (its answer, a 400 or a 5xx, is not kept) and nothing runs
      // under it. This one runs in its place (it answered 409 "still running"), unless another took the key first.
      if (!row && (await claim()) === 0) return next(inUse(res, key));
      if (!row) {
        keepAnswer(res, deps, tenantId, key);
        return next();
      }
      if (!row.expired && row.fingerprint !== fingerprint) {
        const same = row.method === req.method && row.path === path;
        return next(
          new AppError(
            'IDEMPOTENCY_KEY_REUSED',
            same
              ? `This Idempotency-Key was already used for ${row.method} ${row.path} with different parameters. Use a new key for a different request.`
              : `This Idempotency-Key was already used for ${row.method} ${row.path}, not ${req.method} ${path}. Use a new key for a different request.`,
            { idempotencyKey: key, firstRequest: { method: row.method, path: row.path }, conflict: same ? 'body' : 'endpoint' },
          ),
        );
      }
      if (!row.expired && row.status !== null) {
        res.set(REPLAYED_HEADER, 'true');
        if (row.responseText === null) res.status(row.status).json(row.responseBody);
        else res.status(row.status).type('application/json; charset=utf-8').send(row.responseText);
        return;
      }
      if (!row.expired && !row.abandoned) return next(inUse(res, key));
      // Expired, or left unfinished by a request that died: take it over. The condition is re-checked on
      // the locked row, so of two takers only one wins.
      const taken = await db.$executeRaw`
        UPDATE idempotency_keys SET fingerprint = ${fingerprint}, method = ${req.method}, path = ${path}, status = NULL, "responseBody" = NULL, "responseText" = NULL, "createdAt" = DEFAULT
        WHERE "tenantId" = ${tenantId} AND key = ${key}
          AND ("createdAt" < now() - ${keep} OR (status IS NULL AND "createdAt" < now() - ${stale}))`;
      if (taken === 0) return next(inUse(res, key));
    }
    keepAnswer(res, deps, tenantId, key);
    next();
  };
}

/**
 * Records the answer before it is sent (so a retry that follows the answer always finds it): kept below
 * 500 but for 400, released otherwise (nothing, or nothing certain, happened; the caller may retry with the key).
 */
function keepAnswer(res: Response, deps: { db: Db; logger: Logger }, tenantId: string, key: string): void {
  const json = res.json.bind(res);
  res.json = (body: unknown) => {
    // The text res.json sends (Express's JSON.stringify with the app's defaults: no replacer, no spaces), kept as
    // it is for a byte-for-byte replay; the jsonb beside it is what an instance of the previous release replays.
    const text = JSON.stringify(body ?? null);
    const write =
      res.statusCode < 500 && res.statusCode !== 400
        ? deps.db
            .$executeRaw`UPDATE idempotency_keys SET status = ${res.statusCode}, "responseText" = ${text}, "responseBody" = ${text}::jsonb WHERE "tenantId" = ${tenantId} AND key = ${key}`
        : deps.db.$executeRaw`DELETE FROM idempotency_keys WHERE "tenantId" = ${tenantId} AND key = ${key} AND status IS NULL`;
    // If the write fails (database gone), the unfinished row is taken over after IN_FLIGHT_STALE_MS.
    write.catch((err: unknown) => deps.logger.warn({ err }, 'could not record the idempotent answer')).finally(() => json(body));
    return res;
  };
}
