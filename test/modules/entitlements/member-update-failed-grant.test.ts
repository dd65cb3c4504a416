// A member update (a nickname, another role) for a member whose paid role was never given because Discord refused
// the grant (the bot's role below it, no Manage Roles): the role is missing, but nobody removed it. The listener
// took it for a moderator's removal and, under RECORD, overwrote the grant's reason ("drag the bot's role above")
// with "Someone other than the bot removed this paid role", audited a removal that never happened, and from then on
// the reconciliation left it alone as a recorded removal even after the shop fixed the bot's role.
import { describe, expect, it } from 'vitest';
import { adminCtx } from '../refunds/after-sale.harness.js';
import { useRoleJobs } from './role-jobs.harness.js';
import { waitFor } from '../../helpers/wait-for.js';

const rj = useRoleJobs();
const { s, discord, events, grantOf } = rj;

describe('a member update while the grant failed', () => {
  it('RECORD: the failed grant keeps its reason, no removal is recorded, and the reconciliation gives the role once fixed', async () => {
    // The bot's role below VIP: Discord refuses the grant.
    const m = await rj.vipHolder('RECORD', { botPosition: 2 });
    const { ent } = await m.pay();
    const failed = await waitFor('the grant refused', async () => {
      const c = await grantOf(ent.id);
      return c.state === 'FAILED' ? c : undefined;
    });
    expect(failed.failureKind).toBe('MISSING_PERMISSION');

    // The member changes their nickname: Discord sends their roles, without VIP (it was never given).
    expect(await events.rolesChanged(m.guildId, m.userId, [])).toEqual({ removed: [], reapplied: false });
    expect(await grantOf(ent.id)).toMatchObject({ state: 'FAILED', failureKind: 'MISSING_PERMISSION' });
    const audit = (await s.audit.listFor(m.tenantId, 'Entitlement', ent.id)).map((a) => a.action);
    expect(audit).not.toContain('entitlement.role_removed_externally');

    // The shop moves the bot's role up; the reconciliation gives the role.
    discord.guilds.updateRole(m.guildId, m.botRole, { position: 9 });
    const report = await rj.repair.reconcile(adminCtx(m.tenantId));
    expect(report.regranted).toHaveLength(1);
    await waitFor('the role given', () => discord.guilds.memberRoles(m.guildId, m.userId)?.includes(m.vip));
  });
});
