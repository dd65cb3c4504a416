// A removal answered 10007 Unknown Member or 10011 Unknown Role is done only in the order's own server, the one its
// role was given in. An order placed outside a server (no guildId) has its roles changed in the shop's first server,
// and that can change: here the server the role was given in is unlinked, the removal goes to the shop's other server,
// where the member never was (10007), and the member still holds the paid role in the first. That is a failure to
// look at (Role changes), not "done: they left".
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

describe("a removal answered 'unknown member' in another server than the grant's", () => {
  it('an order with no server of its own: FAILED, not DONE', async () => {
    const tenant = await f.tenant();
    const first = await f.guild({ tenantId: tenant.id });
    const customer = await f.customer({ tenantId: tenant.id });
    const vip = snowflake();
    const botRole = snowflake();
    const roles = [
      { id: vip, name: 'VIP', position: 5, permissions: '0' },
      { id: botRole, name: 'Ledgerline', position: 10, permissions: PERMISSIONS.MANAGE_ROLES.toString() },
    ];
    discord.guilds.addGuild(first.id, { roles, botRoleIds: [botRole] });
    discord.guilds.addMember(first.id, customer.discordUserId);
    const product = await f.product({ tenantId: tenant.id, grantedRoleIds: [vip] });
    const order = await f.order({
      tenantId: tenant.id,
      customerId: customer.id,
      guildId: null,
      lines: [{ productId: product.id, quantity: 1, unitPriceCents: 1500 }],
    });
    await s.payments.confirm(adminCtx(tenant.id), { orderId: order.id });
    const ent = await db.entitlement.findFirstOrThrow({ where: { orderId: order.id } });
    expect((await settled(ent.id, 'GRANT')).state).toBe('DONE');
    expect(discord.guilds.memberRoles(first.id, customer.discordUserId)).toEqual([vip]);

    // The shop links a second server and unlinks the first: the order's roles now go to the second.
    const second = await f.guild({ tenantId: tenant.id });
    discord.guilds.addGuild(second.id, { roles, botRoleIds: [botRole] });
    await db.guild.delete({ where: { id: first.id } });
    await s.refunds.refund(adminCtx(tenant.id), order.id, { items: [{ productId: product.id, quantity: 1 }] });

    const removal = await settled(ent.id, 'REVOKE');
    expect(removal.state).toBe('FAILED');
    expect(discord.guilds.memberRoles(first.id, customer.discordUserId)).toEqual([vip]);
  });
});
