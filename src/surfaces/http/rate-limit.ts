// Request rate limits that hold across instances: counters live in PostgreSQL (rate-limiter-flexible's
// PostgreSQL store, table rate_limits), so N instances do not allow N times the limit. Over the limit:
// 429 with Retry-After and the standard error body. Mounted per path prefix in app.ts, so routes added
// under a prefix later (the payment webhooks under /webhooks/<provider>/...) are covered without a change.
//
// When the counter store itself cannot be reached the request goes through (fail open) with a warning:
// the database being down fails the request anyway, and a limiter must not turn a blip into an outage.
import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type pg from 'pg';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Logger } from '../../platform/logger.js';
import { requestIdOf } from './error-handler.js';

export const RATE_LIMIT_TABLE = 'rate_limits';

export interface RateLimitOptions {
  pool: pg.Pool;
  logger: Logger;
  /** Distinguishes this limit's counters from the others' in the shared table. */
  name: string;
  /** Requests allowed per `windowSeconds` per key. */
  points: number;
  windowSeconds: number;
  /** Whose counter a request counts against (an API key, a client address...). */
  keyOf(req: Request): string;
  /** The answer over the limit, after Retry-After is set (default: 429 with the API's JSON error body). */
  refuse?(req: Request, res: Response, seconds: number): void;
}

/** How long to wait, in words ("1 second", "42 seconds"): the limits' windows are a minute at most. */
export const waitWords = (seconds: number): string => `${seconds} second${seconds === 1 ? '' : 's'}`;

const tooMany = (seconds: number) => `Too many requests. Try again in ${waitWords(seconds)}.`;

function refuseWithJson(req: Request, res: Response, seconds: number): void {
  res.status(429).json({ error: { code: 'RATE_LIMITED', message: tooMany(seconds), requestId: requestIdOf(req) } });
}

export function rateLimit(opts: RateLimitOptions): RequestHandler {
  const limiter = new RateLimiterPostgres({
    storeClient: opts.pool,
    storeType: 'pool',
    tableName: RATE_LIMIT_TABLE,
    tableCreated: true, // our migration creates it
    keyPrefix: opts.name,
    points: opts.points,
    duration: opts.windowSeconds,
    clearExpiredByTimeout: true,
  });
  return async (req, res, next) => {
    try {
      await limiter.consume(opts.keyOf(req));
      next();
    } catch (err) {
      if (err instanceof RateLimiterRes) {
        const seconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
        res.set('Retry-After', String(seconds));
        (opts.refuse ?? refuseWithJson)(req, res, seconds);
        return;
      }
      opts.logger.warn({ err, limit: opts.name }, 'rate limit store unavailable; request let through');
      next();
    }
  };
}

/** The client's address as Express sees it (behind TRUST_PROXY: the first untrusted hop). */
export const byClientAddress = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/** The API key sent (hashed: the store never holds a key), or the client address when none was sent. */
export const byApiKey = (req: Request): string => {
  const auth = req.get('authorization');
  return auth ? `key:${createHash('sha256').update(auth).digest('base64url').slice(0, 32)}` : `ip:${byClientAddress(req)}`;
};
