// The bot's REST client throws a rate limit only inside a lane job (platform/jobs/lanes.ts), where the lane
// waits for the reset with no worker slot held; everywhere else (DMs, role changes) it waits the limit out and
// the call succeeds, as before. Against the fake Discord API enforcing a channel's message limit with
// Discord's headers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Routes } from 'discord-api-types/v10';
import { FakeDiscordApi } from '../../src/dev/fake-discord-api.js';
import { createDiscordRest, discordRateLimitWait } from '../../src/adapters/discord/discord-rest.js';
import { inLane } from '../../src/platform/jobs/lanes.js';

/** The window of the channel whose limit is waited out (the second test waits for its reset). */
const WINDOW_MS = 1500;
/**
 * The window of the channel whose limit is thrown: longer than a busy machine can take over its three posts, so the
 * third always finds the bucket empty (in a 1.5 s window, a stall between the posts let the third into the next one).
 */
const LONG_WINDOW_MS = 60_000;
const THROWN = '400000000000000001';
const WAITED = '400000000000000002';
let fake: FakeDiscordApi;
beforeAll(async () => {
  fake = await new FakeDiscordApi().start();
  fake.rateLimit({ method: 'POST', path: new RegExp(`^/channels/(${THROWN})/messages$`), limit: 2, windowMs: LONG_WINDOW_MS });
  fake.rateLimit({ method: 'POST', path: new RegExp(`^/channels/(${WAITED})/messages$`), limit: 2, windowMs: WINDOW_MS });
});
afterAll(async () => {
  await fake.stop();
});

const post = (rest: ReturnType<typeof createDiscordRest>, channel: string, n: number) =>
  rest.post(Routes.channelMessages(channel), { body: { content: `message ${n}` } });

describe('a Discord rate limit', () => {
  it('is thrown inside a lane, with the wait until the reset, and nothing is sent past the limit', async () => {
    const rest = createDiscordRest({ apiBaseUrl: fake.apiBase, botToken: 'test-bot-token-xxxxxxxxxxxxxxxx' });
    const channel = THROWN;
    await inLane(async () => {
      await post(rest, channel, 1);
      await post(rest, channel, 2);
    });
    const limited = await inLane(() => post(rest, channel, 3)).catch((e: unknown) => e);
    const waitMs = discordRateLimitWait(limited);
    expect(waitMs).toBeGreaterThan(0);
    expect(waitMs).toBeLessThanOrEqual(LONG_WINDOW_MS + 1000);
    // The client knew the bucket was empty: the third message was never sent.
    expect(fake.find('POST', new RegExp(`^/channels/${channel}/messages$`))).toHaveLength(2);
    expect(discordRateLimitWait(new Error('other'))).toBeUndefined();
  });

  it('is waited out outside a lane: the call succeeds after the reset', async () => {
    const rest = createDiscordRest({ apiBaseUrl: fake.apiBase, botToken: 'test-bot-token-xxxxxxxxxxxxxxxx' });
    const channel = WAITED;
    const started = Date.now();
    for (const n of [1, 2, 3]) await post(rest, channel, n);
    const sent = fake.find('POST', new RegExp(`^/channels/${channel}/messages$`)).filter((c) => c.status === 200);
    expect(sent).toHaveLength(3);
    // The third went in the bucket's second window.
    expect(sent[2]!.at - started).toBeGreaterThanOrEqual(WINDOW_MS - 100);
  });
});
