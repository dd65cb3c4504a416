// The interaction follow-up client keeps one request handler per interaction token (@discordjs/rest routes
// /webhooks/<app>/<token> by token). Idle ones must be swept within seconds, not kept for the library's default
// hour: at a busy shop's rate that was every deferred answer of the last hour in the interaction process's memory.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInteractionRest, INTERACTION_HANDLER_SWEEP_MS } from '../../src/adapters/discord/discord-rest.js';
import { FakeDiscordApi } from '../../src/dev/fake-discord-api.js';
import { waitFor } from '../helpers/wait-for.js';

const fake = new FakeDiscordApi();
beforeAll(() => fake.start());
afterAll(() => fake.stop());

describe('interaction follow-up client', () => {
  it('sweeps idle per-token handlers every 30 s at most (the library keeps them an hour by default)', () => {
    const rest = createInteractionRest({ apiBaseUrl: fake.apiBase });
    expect(INTERACTION_HANDLER_SWEEP_MS).toBeLessThanOrEqual(60_000);
    expect(rest.options.handlerSweepInterval).toBe(INTERACTION_HANDLER_SWEEP_MS);
    rest.clearHandlerSweeper();
    rest.clearHashSweeper();
  });

  it('one handler per token while its answer goes out, swept once idle', async () => {
    const rest = createInteractionRest({ apiBaseUrl: fake.apiBase, handlerSweepMs: 200 });
    let swept = 0;
    rest.on('handlerSweep', (handlers) => (swept += handlers.size));
    try {
      const tokens = Array.from({ length: 40 }, (_, i) => `token-${i}-${Date.now()}`);
      await Promise.all(
        tokens.map((t) => rest.patch(`/webhooks/100000000000000099/${t}/messages/@original`, { body: { content: 'done' }, auth: false })),
      );
      // One handler per token was made, and each was swept once idle.
      await waitFor('the idle handlers swept', () => swept >= tokens.length && rest.handlers.size === 0);
      expect(swept).toBe(tokens.length);
    } finally {
      rest.clearHandlerSweeper();
      rest.clearHashSweeper();
    }
  });
});
