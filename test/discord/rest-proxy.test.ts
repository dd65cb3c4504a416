// DISCORD_REST_PROXY_URL: every Discord REST call of the service goes to the shared proxy (here the fake
// Discord API standing in for @discordjs/proxy, which serves Discord's paths under /api), with the bot
// token, and none to DISCORD_API_BASE_URL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discordRestBaseUrl } from '../../src/config/env.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { snowflake } from '../helpers/factories.js';
import { FakeDiscordApi } from '../fakes/fake-discord-api.js';

let proxy: FakeDiscordApi;
let direct: FakeDiscordApi;
let t: TestApp;

beforeAll(async () => {
  proxy = await new FakeDiscordApi().start();
  direct = await new FakeDiscordApi().start();
  t = await createTestApp({ env: { DISCORD_API_BASE_URL: direct.apiBase, DISCORD_REST_PROXY_URL: `${proxy.url}/` } });
});
afterAll(async () => {
  await t?.services.close();
  await proxy?.stop();
  await direct?.stop();
});

describe('Discord REST through the shared proxy', () => {
  it('sends the calls to the proxy, with the bot token, and none directly', async () => {
    const channel = snowflake();
    await t.services.discordRest.post(`/channels/${channel}/messages`, { body: { content: 'via proxy' } });
    const [call] = proxy.find('POST', new RegExp(`^/channels/${channel}/messages$`));
    expect(call?.headers.authorization).toBe('Bot test-bot-token-xxxxxxxxxxxxxxxxxxxx');
    expect(direct.calls).toHaveLength(0);
  });

  it('uses Discord (or DISCORD_API_BASE_URL) when no proxy is set', () => {
    expect(discordRestBaseUrl({ DISCORD_API_BASE_URL: 'https://discord.com/api', DISCORD_REST_PROXY_URL: undefined })).toBe(
      'https://discord.com/api',
    );
    expect(
      discordRestBaseUrl({ DISCORD_API_BASE_URL: 'https://discord.com/api', DISCORD_REST_PROXY_URL: 'http://discord-proxy:8080' }),
    ).toBe('http://discord-proxy:8080/api');
  });
});
