// Request rate limits that hold across instances: counters live in PostgreSQL (rate-limiter-flexible's
// PostgreSQL store, table rate_limits), so N instances do not allow N times the limit. Over the limit:
// 429 with Retry-After and the standard error body. Mounted per path prefix in app.ts, so routes added
// under a prefix later (the payment webhooks under /webhooks/<provider>/...) are covered without a change.
//
// When the counter store itself cannot be reached the request goes through (fail open) with a warning:
// the database being down fails the request anyway, and a limiter must not turn a blip into an outage.
import { createHash } from 'node:crypto';
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type pg from 'pg';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Logger } from '../../platform/logger.js';
import { bearerToken } from './bearer-token.js';
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

function limiterOf(opts: RateLimitOptions): RateLimiterPostgres {
  return new RateLimiterPostgres({
    storeClient: opts.pool,
    storeType: 'pool',
    tableName: RATE_LIMIT_TABLE,
    tableCreated: true, // our migration creates it
    keyPrefix: opts.name,
    points: opts.points,
    duration: opts.windowSeconds,
    clearExpiredByTimeout: true,
  });
}

/** The answer over the limit: Retry-After, then the limit's own refusal. */
function refuse(opts: RateLimitOptions, req: Request, res: Response, msBeforeNext: number): void {
  const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  res.set('Retry-After', String(seconds));
  (opts.refuse ?? refuseWithJson)(req, res, seconds);
}

export function rateLimit(opts: RateLimitOptions): RequestHandler {
  const limiter = limiterOf(opts);
  return async (req, res, next) => {
    try {
      await limiter.consume(opts.keyOf(req));
      next();
    } catch (err) {
      if (err instanceof RateLimiterRes) return refuse(opts, req, res, err.msBeforeNext);
      opts.logger.warn({ err, limit: opts.name }, 'rate limit store unavailable; request let through');
      next();
    }
  };
}

/**
 * A limit on failed requests (`failed`: an API key that is no key), per `keyOf`: each failure is counted after it
 * happened (`countFailure`, an error middleware), and while the count is over the limit every request is refused
 * before any work (`refuseWhileOver`, mounted before the per-key limit and the key lookup). A caller trying made-up
 * keys, each with a per-key budget of its own, is stopped after `points` of them a window, by its address.
 */
export function failedRequestLimit(opts: RateLimitOptions & { failed(err: unknown): boolean }): {
  refuseWhileOver: RequestHandler;
  countFailure: ErrorRequestHandler;
} {
  const limiter = limiterOf(opts);
  return {
    async refuseWhileOver(req, res, next) {
      try {
        const counted = await limiter.get(opts.keyOf(req));
        if (counted && counted.consumedPoints >= opts.points) return refuse(opts, req, res, counted.msBeforeNext);
      } catch (err) {
        opts.logger.warn({ err, limit: opts.name }, 'rate limit store unavailable; request let through');
      }
      next();
    },
    countFailure(err, req, _res, next) {
      if (!opts.failed(err)) return next(err);
      // Over the limit already (RateLimiterRes) or the store unreachable: this request's answer is its failure anyway.
      limiter.consume(opts.keyOf(req)).then(
        () => next(err),
        () => next(err),
      );
    },
  };
}

/** The client's address as Express sees it (behind TRUST_PROXY: the first untrusted hop). */
export const byClientAddress = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/** The API key sent (hashed: the store never holds a key), however the header spells it; else the client address. */
export const byApiKey = (req: Request): string => {
  const token = bearerToken(req.get('authorization'));
  return token ? `key:${createHash('sha256').update(token).digest('base64url').slice(0, 32)}` : `ip:${byClientAddress(req)}`;
};
