// A member update (a nickname, another role) for a member whose paid role was never given because Discord refused
// the grant (the bot's role below it, no Manage Roles): the role is missing, but nobody removed it. The listener
// took it for a moderator's removal and, under RECORD, overwrote the grant's reason ("drag the bot's role above")
// with "Someone other than the bot removed this paid role", audited a removal that never happened, and from then on
// the reconciliation left it alone as a recorded removal even after the shop fixed the bot's role.
import { describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../../../src/dev/fakes/fake-discord-guilds.js';
import { snowflake } from '../../helpers/factories.js';
import { adminCtx } from '../refunds/after-sale.harness.js';
import { useRoleJobs } from './role-jobs.harness.js';
import { waitFor } from '../../helpers/wait-for.js';

const rj = useRoleJobs();
const { db, f, s, discord, events, grantOf } = rj;

describe('a member update while the grant failed', () => {
  it('RECORD: the failed grant keeps its reason, no removal is recorded, and the reconciliation gives the role once fixed', async () => {
    const tenant = await f.tenant();
    await db.tenant.update({ where: { id: tenant.id }, data: { roleRemovalPolicy: 'RECORD' } });
    const guild = await f.guild({ tenantId: tenant.id });
    const customer = await f.customer({ tenantId: tenant.id });
    const vip = snowflake();
    const botRole = snowflake();
    discord.guilds.addGuild(guild.id, {
      roles: [
        { id: vip, name: 'VIP', position: 5, permissions: '0' },
        { id: botRole, name: 'Ledgerline', position: 2, permissions: PERMISSIONS.MANAGE_ROLES.toString() },
      ],
      botRoleIds: [botRole],
    });
    const userId = customer.discordUserId;
    discord.guilds.addMember(guild.id, userId);
    const product = await f.product({ tenantId: tenant.id, grantedRoleIds: [vip] });
    const order = await f.order({
      tenantId: tenant.id,
      customerId: customer.id,
      guildId: guild.id,
      lines: [{ productId: product.id, quantity: 1, unitPriceCents: 1500 }],
    });
    await s.payments.confirm(adminCtx(tenant.id), { orderId: order.id });
    const ent = await db.entitlement.findFirstOrThrow({ where: { orderId: order.id } });
    const failed = await waitFor('the grant refused', async () => {
      const c = await grantOf(ent.id);
      return c.state === 'FAILED' ? c : undefined;
    });
    expect(failed.failureKind).toBe('MISSING_PERMISSION');

    // The member changes their nickname: Discord sends their roles, without VIP (it was never given).
    expect(await events.rolesChanged(guild.id, userId, [])).toEqual({ removed: [], reapplied: false });
    expect(await grantOf(ent.id)).toMatchObject({ state: 'FAILED', failureKind: 'MISSING_PERMISSION' });
    const audit = (await s.audit.listFor(tenant.id, 'Entitlement', ent.id)).map((a) => a.action);
    expect(audit).not.toContain('entitlement.role_removed_externally');

    // The shop moves the bot's role up; the reconciliation gives the role.
    discord.guilds.updateRole(guild.id, botRole, { position: 9 });
    const report = await rj.repair.reconcile(adminCtx(tenant.id));
    expect(report.regranted).toHaveLength(1);
    await waitFor('the role given', () => discord.guilds.memberRoles(guild.id, userId)?.includes(vip));
  });
});
