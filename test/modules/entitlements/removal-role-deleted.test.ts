// A refund (or an expiry) after the role was deleted from the server: Discord answers the removal with 10011 Unknown
// Role, and a role that no longer exists is held by nobody. The removal is done, not a failure: Role changes must
// not list it as FAILED "Correct the product's roles, then Retry" (neither helps, and the customer holds nothing).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscordApi } from '../../../src/dev/fake-discord-api.js';
import { PERMISSIONS } from '../../../src/dev/fakes/fake-discord-guilds.js';
import { registerEntitlementJobs } from '../../../src/modules/entitlements/role-jobs.js';
import { startWorker, type WorkerHandle } from '../../../src/platform/jobs/worker.js';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { createDiscordRoleGateway } from '../../../src/adapters/discord/role-gateway.discord.js';
import { testDatabaseUrl, testDb } from '../../helpers/db.js';
import { factories, snowflake } from '../../helpers/factories.js';
import { adminCtx, afterSale } from '../refunds/after-sale.harness.js';
import { waitFor } from '../../helpers/wait-for.js';

const db = testDb(30);
const f = factories(db);
const s = afterSale(db);
const discord = new FakeDiscordApi();
let worker: WorkerHandle;

beforeAll(async () => {
  await discord.start();
  const rest = createDiscordRest({ apiBaseUrl: discord.apiBase, botToken: 'test-token' });
  registerEntitlementJobs(s.bus, { db, audit: s.audit, logger: s.logger, gateway: createDiscordRoleGateway(rest) });
  worker = await startWorker({ connectionString: testDatabaseUrl(), bus: s.bus, logger: s.logger, concurrency: 2, pollIntervalMs: 50 });
});
afterAll(async () => {
  await worker?.stop();
  await discord.stop();
});

const settled = (entitlementId: string, action: 'GRANT' | 'REVOKE') =>
  waitFor(`the ${action} to settle`, async () => {
    const c = await db.roleChange.findUnique({ where: { entitlementId_action: { entitlementId, action } } });
    return c && c.state !== 'PENDING' ? c : undefined;
  });

describe('removing a role deleted from the server', () => {
  it('a refund after the role was deleted: the removal is DONE (nothing to retry), audited as removed', async () => {
    const tenant = await f.tenant();
    const guild = await f.guild({ tenantId: tenant.id });
    const customer = await f.customer({ tenantId: tenant.id });
    const vip = snowflake();
    const botRole = snowflake();
    discord.guilds.addGuild(guild.id, {
      roles: [
        { id: vip, name: 'VIP', position: 5, permissions: '0' },
        { id: botRole, name: 'Ledgerline', position: 10, permissions: PERMISSIONS.MANAGE_ROLES.toString() },
      ],
      botRoleIds: [botRole],
    });
    discord.guilds.addMember(guild.id, customer.discordUserId);
    const product = await f.product({ tenantId: tenant.id, grantedRoleIds: [vip] });
    const order = await f.order({
      tenantId: tenant.id,
      customerId: customer.id,
      guildId: guild.id,
      lines: [{ productId: product.id, quantity: 1, unitPriceCents: 1500 }],
    });
    await s.payments.confirm(adminCtx(tenant.id), { orderId: order.id });
    const ent = await db.entitlement.findFirstOrThrow({ where: { orderId: order.id } });
    expect((await settled(ent.id, 'GRANT')).state).toBe('DONE');

    // An admin deletes VIP in Server Settings: members lose it, and Discord answers 10011 for it from now on.
    discord.guilds.takeRole(guild.id, customer.discordUserId, vip);
    discord.fail({
      method: 'DELETE',
      path: new RegExp(`/guilds/${guild.id}/members/${customer.discordUserId}/roles/${vip}$`),
      status: 404,
      body: { message: 'Unknown Role', code: 10011 },
    });
    await s.refunds.refund(adminCtx(tenant.id), order.id, { items: [{ productId: product.id, quantity: 1 }] });

    const removal = await settled(ent.id, 'REVOKE');
    expect(removal).toMatchObject({ state: 'DONE', failureKind: null, failureMessage: null });
    const actions = (await s.audit.listFor(tenant.id, 'Entitlement', ent.id)).map((a) => a.action);
    expect(actions).toContain('entitlement.role_removed');
    expect(actions).not.toContain('entitlement.revoke_failed');
    expect(await db.roleChange.count({ where: { tenantId: tenant.id, state: 'FAILED' } })).toBe(0);
  });
});
