// Deferred answers are interaction follow-ups (PATCH /webhooks/<app>/<token>/messages/@original), which Discord
// does not count against the bot's global rate limit. A burst of them (a flash sale: every Confirm deferred
// while TaxJar answers) must not wait behind a client-side 50 requests/s cap shared with the bot's DMs and
// role changes: none of them may be held back by a global limit, and every one reaches Discord.
// DISCORD_DEFER_AFTER_MS=0 defers every answer, so nothing here depends on timing.
import type { RateLimitData } from '@discordjs/rest';
import { describe, expect, it } from 'vitest';
import { factories, snowflake } from '../helpers/factories.js';
import { APP_ID, commandInteraction, member, send, useHarness } from './harness.js';

const f = factories();
const h = useHarness({ env: { DISCORD_DEFER_AFTER_MS: '0' } });
const BURST = 150; // three times the bot's 50 requests/s

describe('interaction follow-ups and the global rate limit', () => {
  it(`${BURST} deferred answers at once: none held by a global limit, all delivered`, async () => {
    const s = await f.shop();
    const globalWaits: RateLimitData[] = [];
    const onLimited = (d: RateLimitData) => {
      if (d.global) globalWaits.push(d);
    };
    const clients = [h.t.services.discordRest, h.t.services.interactionRest];
    for (const c of clients) c.on('rateLimited', onLimited);
    try {
      const interactions = Array.from({ length: BURST }, () =>
        commandInteraction({ guildId: s.guild.id, user: member({ id: s.customer.discordUserId }), id: snowflake() }, 'help'),
      );
      const answers = await Promise.all(interactions.map((i) => send(h, i)));
      expect(answers.every((a) => a.body.type === 5)).toBe(true); // every answer deferred
      for (const i of interactions) {
        await h.fake.waitFor((c) => c.method === 'PATCH' && c.path === `/webhooks/${APP_ID}/${i.token}/messages/@original`);
      }
      expect(globalWaits.map((d) => d.route)).toEqual([]);
    } finally {
      for (const c of clients) c.off('rateLimited', onLimited);
    }
  });
});
