// A shop whose removal policy is RECORD ("record it under Role changes", not "give the role back"): a moderator
// took a paid role, the listener recorded it (grant FAILED, REMOVED_EXTERNALLY, Retry gives it back). The daily
// reconciliation (and "Reconcile now") must not undo the shop's choice behind its back: the role stays off, the
// record stays FAILED, and the report says how many such removals it left alone. Under REAPPLY it still gives the
// role back.
import { describe, expect, it } from 'vitest';
import { adminCtx } from '../refunds/after-sale.harness.js';
import { useRoleJobs } from './role-jobs.harness.js';
import { waitFor } from '../../helpers/wait-for.js';

const rj = useRoleJobs();
const { discord, grantOf } = rj;

const removedByModerator = (policy: 'RECORD' | 'REAPPLY') => rj.removedByModerator(policy);

describe('reconciliation and the shop removal policy', () => {
  it('RECORD: a recorded removal is left alone (role off, still FAILED), and the report counts it', async () => {
    const m = await removedByModerator('RECORD');
    expect(await grantOf(m.ent.id)).toMatchObject({ state: 'FAILED', failureKind: 'REMOVED_EXTERNALLY' });

    const report = await rj.repair.reconcile(adminCtx(m.tenantId));
    expect(report.regranted).toEqual([]);
    // Nothing was queued: the record is as the listener left it, and the member still lacks the role.
    expect(await grantOf(m.ent.id)).toMatchObject({ state: 'FAILED', failureKind: 'REMOVED_EXTERNALLY' });
    expect(discord.guilds.memberRoles(m.guildId, m.userId)).toEqual([]);
    expect(report.removalsKept).toEqual([{ guildId: m.guildId, userId: m.userId, roleId: m.vip, customerId: m.ent.customerId }]);

    // The shop's Retry still gives it back.
    await rj.repair.retry(adminCtx(m.tenantId), (await grantOf(m.ent.id)).id);
    await waitFor('the role back after Retry', () => discord.guilds.memberRoles(m.guildId, m.userId)?.includes(m.vip));
  });

  it('REAPPLY: the reconciliation gives a missing role back', async () => {
    const m = await removedByModerator('REAPPLY');
    await waitFor('the listener gave it back', () => discord.guilds.memberRoles(m.guildId, m.userId)?.includes(m.vip));
    await waitFor('the regrant done', async () => (await grantOf(m.ent.id)).state === 'DONE');
    discord.guilds.takeRole(m.guildId, m.userId, m.vip); // taken again while the listener was away
    const report = await rj.repair.reconcile(adminCtx(m.tenantId));
    expect(report.regranted).toHaveLength(1);
    expect(report.removalsKept).toEqual([]);
    await waitFor('the role back', () => discord.guilds.memberRoles(m.guildId, m.userId)?.includes(m.vip));
  });
});
