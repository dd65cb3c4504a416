// The one Discord REST client (@discordjs/rest: per-route rate-limit buckets, waits `Retry-After` on 429).
// `api` comes from DISCORD_API_BASE_URL so tests and the simulator talk to src/dev/fake-discord-api.ts.
// 5xx: one immediate retry here, then the error is thrown so the job queue retries with its backoff.
// Inside a lane job (platform/jobs/lanes.ts) a rate limit is thrown instead of waited out (rejectOnRateLimit),
// and the lane waits for the reset with no worker slot held (discordRateLimitWait).
import { REST, DiscordAPIError, HTTPError, RateLimitError } from '@discordjs/rest';
import { insideLane } from '../../platform/jobs/lanes.js';

export { DiscordAPIError, HTTPError };

export function createDiscordRest(opts: { apiBaseUrl: string; botToken?: string }): REST {
  const rest = new REST({ version: '10', api: opts.apiBaseUrl, retries: 1, timeout: 10_000, rejectOnRateLimit: () => insideLane() });
  if (opts.botToken) rest.setToken(opts.botToken);
  return rest;
}

/** How long to wait (ms) when `err` is a Discord rate limit thrown inside a lane; undefined for any other error. */
export function discordRateLimitWait(err: unknown): number | undefined {
  return err instanceof RateLimitError ? Math.max(err.retryAfter, err.timeToReset, 0) : undefined;
}

/**
 * The client for interaction follow-ups (PATCH @original, POST a follow-up: /webhooks/<app>/<interaction token>),
 * authorised by the interaction's token, not the bot's. Discord does not count these against the bot's global
 * rate limit ("Interaction endpoints are not bound to the bot's Global Rate Limit", Receiving and Responding >
 * Endpoints), but @discordjs/rest applies its 50 requests/s global cap to every request of a client: sharing
 * the bot's client, a flash sale's deferred answers queued behind each other and behind DMs for seconds. This
 * client has no global cap; each interaction token's own bucket still applies (Discord's per-route limits).
 * It calls Discord directly, not through a shared REST proxy: the proxy exists to share the bot's limits.
 *
 * Each interaction token is a route of its own to @discordjs/rest (its major parameter is `<app>/<token>`), so
 * every deferred answer creates a request handler, which the client keeps until a sweep finds it idle: by
 * default once an hour, i.e. every deferred answer of the last hour in memory (a busy shop's interaction
 * process grew by hundreds of MB). Idle handlers are swept every INTERACTION_HANDLER_SWEEP_MS instead; a
 * handler still waiting on its token's rate limit is not idle and stays.
 */
export const INTERACTION_HANDLER_SWEEP_MS = 30_000;

export function createInteractionRest(opts: { apiBaseUrl: string; handlerSweepMs?: number }): REST {
  return new REST({
    version: '10',
    api: opts.apiBaseUrl,
    retries: 1,
    timeout: 10_000,
    globalRequestsPerSecond: Number.MAX_SAFE_INTEGER,
    handlerSweepInterval: opts.handlerSweepMs ?? INTERACTION_HANDLER_SWEEP_MS,
  });
}

/**
 * Discord refused the request itself: a 4xx other than 429 and 401. Sending it again cannot fix it (and Discord bans an
 * IP that repeats refused requests), so a job that gets one ends instead of being retried. A 401 is not about the
 * request but the bot's token (reset by its owner): @discordjs/rest drops the token on it, so no later request of
 * this process reaches Discord (each fails at once, "Expected token to be set") until it restarts with a token, and
 * the jobs are retried with their backoff meanwhile, so a DM or an admin-channel post is sent once the token is fixed,
 * not lost nor kept as refused.
 */
export function isRefusedByDiscord(err: unknown): err is DiscordAPIError {
  return err instanceof DiscordAPIError && err.status >= 400 && err.status < 500 && err.status !== 429 && err.status !== 401;
}

/** What this process knows of the bot's token: refused by Discord (a 401), or not (yet). */
export interface BotTokenWatch {
  /** When Discord first refused the token (to this process or its job worker child); null while it has not. */
  refusedAt(): Date | null;
  /** Discord refused the same token to another process this one answers for (its supervised job worker). */
  refusedElsewhere(at: Date): void;
}

/**
 * Watches for Discord refusing the bot's token: a 401 to a request made with it. @discordjs/rest then drops the token,
 * and nothing more of this process reaches Discord until it restarts with a valid one (isRefusedByDiscord): the one
 * moment worth an operator's attention, where the jobs after it only fail with "Expected token to be set". Calls
 * `onRefused` then, once, and keeps the time for /readyz and the metrics.
 */
export function watchBotToken(rest: REST, onRefused: (route: string, at: Date) => void): BotTokenWatch {
  let refusedAt: Date | null = null;
  let toldHere = false;
  rest.on('response', (request, response) => {
    if (response.status !== 401 || request.data.auth === false || toldHere) return;
    toldHere = true;
    refusedAt ??= new Date();
    onRefused(request.route, refusedAt);
  });
  return {
    refusedAt: () => refusedAt,
    refusedElsewhere(at) {
      refusedAt ??= at;
    },
  };
}

/** Discord's JSON error code (50007 DMs closed, 50013 missing permissions, 10011 unknown role...). */
export function discordErrorCode(err: unknown): number | undefined {
  return err instanceof DiscordAPIError && typeof err.code === 'number' ? err.code : undefined;
}
