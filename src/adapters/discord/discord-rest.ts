// The one Discord REST client (@discordjs/rest: per-route rate-limit buckets, waits `Retry-After` on 429).
// `api` comes from DISCORD_API_BASE_URL so tests and the simulator talk to src/dev/fake-discord-api.ts.
// 5xx: one immediate retry here, then the error is thrown so the job queue retries with its backoff.
import { REST, DiscordAPIError, HTTPError } from '@discordjs/rest';

export { DiscordAPIError, HTTPError };

export function createDiscordRest(opts: { apiBaseUrl: string; botToken?: string }): REST {
  const rest = new REST({ version: '10', api: opts.apiBaseUrl, retries: 1, timeout: 10_000 });
  if (opts.botToken) rest.setToken(opts.botToken);
  return rest;
}

/** Discord's JSON error code (50007 DMs closed, 50013 missing permissions, 10011 unknown role...). */
export function discordErrorCode(err: unknown): number | undefined {
  return err instanceof DiscordAPIError && typeof err.code === 'number' ? err.code : undefined;
}
