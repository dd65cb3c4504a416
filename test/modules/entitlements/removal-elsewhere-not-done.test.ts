// A removal answered 10007 Unknown Member or 10011 Unknown Role is done only in the order's own server, the one its
// role was given in. An order placed outside a server (no guildId) has its roles changed in the shop's first server,
// and that can change: here the server the role was given in is unlinked, the removal goes to the shop's other server,
// where the member never was (10007), and the member still holds the paid role in the first. That is a failure to
// look at (Role changes), not "done: they left".
import { describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../../../src/dev/fakes/fake-discord-guilds.js';
import { snowflake } from '../../helpers/factories.js';
import { adminCtx } from '../refunds/after-sale.harness.js';
import { useRoleJobs } from './role-jobs.harness.js';

const rj = useRoleJobs();
const { db, f, s, discord, settled } = rj;

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
