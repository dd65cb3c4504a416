// The REST RoleGateway against the fake Discord API: the member-role routes with X-Audit-Log-Reason, and
// the permanent errors (50013 missing permissions, 10011 unknown role) the role jobs record instead of retrying.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscordApi } from '../../src/dev/fake-discord-api.js';
import { RoleGatewayPermanentError } from '../../src/modules/entitlements/role-gateway.port.js';
import { createDiscordRest } from '../../src/adapters/discord/discord-rest.js';
import { createDiscordRoleGateway } from '../../src/adapters/discord/role-gateway.discord.js';

let fake: FakeDiscordApi;
beforeAll(async () => {
  fake = await new FakeDiscordApi().start();
});
afterAll(async () => {
  await fake.stop();
});

const G = '300000000000000001';
const U = '300000000000000002';
const R = '300000000000000003';

describe('Discord role gateway', () => {
  it('adds and removes roles with the audit-log reason', async () => {
    const gateway = createDiscordRoleGateway(createDiscordRest({ apiBaseUrl: fake.apiBase, botToken: 'test-bot-token-xxxxxxxxxxxxxxxx' }));
    await gateway.addRole(G, U, R, 'Order #1001 paid');
    await gateway.removeRole(G, U, R, 'Order #1001 refunded');
    const [put] = fake.find('PUT', new RegExp(`^/guilds/${G}/members/${U}/roles/${R}$`));
    const [del] = fake.find('DELETE', new RegExp(`^/guilds/${G}/members/${U}/roles/${R}$`));
    expect(decodeURIComponent(String(put!.headers['x-audit-log-reason']))).toBe('Order #1001 paid');
    expect(decodeURIComponent(String(del!.headers['x-audit-log-reason']))).toBe('Order #1001 refunded');
    expect(put!.headers.authorization).toBe('Bot test-bot-token-xxxxxxxxxxxxxxxx');
  });

  it('turns 50013 and 10011 into the permanent error, and leaves 5xx to the job retry', async () => {
    const gateway = createDiscordRoleGateway(createDiscordRest({ apiBaseUrl: fake.apiBase, botToken: 'test-bot-token-xxxxxxxxxxxxxxxx' }));
    fake.fail({ method: 'PUT', path: /\/roles\//, status: 403, body: { message: 'Missing Permissions', code: 50013 } });
    const missing = await gateway.addRole(G, U, R, 'x').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(RoleGatewayPermanentError);
    expect((missing as RoleGatewayPermanentError).discordCode).toBe(50013);

    fake.fail({ method: 'DELETE', path: /\/roles\//, status: 404, body: { message: 'Unknown Role', code: 10011 } });
    const unknown = await gateway.removeRole(G, U, R, 'x').catch((e: unknown) => e);
    expect((unknown as RoleGatewayPermanentError).discordCode).toBe(10011);

    fake.fail({ method: 'PUT', path: /\/roles\//, status: 502, times: 2 });
    const flaky = await gateway.addRole(G, U, R, 'x').catch((e: unknown) => e);
    expect(flaky).toBeInstanceOf(Error);
    expect(flaky).not.toBeInstanceOf(RoleGatewayPermanentError);
  });
});
