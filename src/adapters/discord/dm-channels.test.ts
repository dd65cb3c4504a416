// The remembered DM channels, against the fake Discord API through the real REST client: one "Create DM" per
// user while remembered, the least recently used user forgotten past the bound, a channel Discord no longer
// knows (10003) opened again once, and Discord's other errors (50007) passed on untouched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscordApi } from '../../dev/fake-discord-api.js';
import { createDiscordRest, discordErrorCode } from './discord-rest.js';
import { createDirectMessages } from './dm-channels.js';

let discord: FakeDiscordApi;
beforeAll(async () => {
  discord = await new FakeDiscordApi().start();
});
afterAll(() => discord.stop());

const opens = (userId: string) =>
  discord.find('POST', /^\/users\/@me\/channels$/).filter((c) => (c.body as { recipient_id?: string }).recipient_id === userId).length;
const dmsTo = (userId: string) => discord.directMessages().filter((m) => m.userId === userId).length;

describe('direct messages', () => {
  it('opens each channel once, forgets the least recently used past the bound, and reopens a channel Discord lost', async () => {
    const dms = createDirectMessages(createDiscordRest({ apiBaseUrl: discord.apiBase, botToken: 't' }), { maxUsers: 2 });
    const [a, b, c] = ['710000000000000001', '710000000000000002', '710000000000000003'];
    await dms.send(a, { content: 'a1' });
    await dms.send(b, { content: 'b1' });
    await dms.send(a, { content: 'a2' }); // a is now the most recently used
    await dms.send(c, { content: 'c1' }); // evicts b, not a
    await dms.send(a, { content: 'a3' });
    await dms.send(b, { content: 'b2' });
    expect([opens(a), opens(b), opens(c)]).toEqual([1, 2, 1]);
    expect([dmsTo(a), dmsTo(b), dmsTo(c)]).toEqual([3, 2, 1]);

    const channel = discord
      .find('POST', /^\/channels\/\d+\/messages$/)
      .map((x) => x.path.split('/')[2]!)
      .find((id) => discord.dmRecipient(id) === b)!;
    discord.fail({
      method: 'POST',
      path: new RegExp(`^/channels/${channel}/messages$`),
      status: 404,
      body: { message: 'Unknown Channel', code: 10003 },
    });
    await dms.send(b, { content: 'b3' });
    expect(opens(b)).toBe(3);
    expect(dmsTo(b)).toBe(3);
  });

  it("passes Discord's other refusals on (DMs closed: 50007), without opening the channel again", async () => {
    const dms = createDirectMessages(createDiscordRest({ apiBaseUrl: discord.apiBase, botToken: 't' }));
    const user = '710000000000000009';
    await dms.send(user, { content: 'hello' });
    discord.closeDms(user);
    const err = await dms.send(user, { content: 'again' }).catch((e: unknown) => e);
    expect(discordErrorCode(err)).toBe(50007);
    expect(opens(user)).toBe(1);
  });
});
