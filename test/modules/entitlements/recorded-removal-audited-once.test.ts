// A shop whose removal policy is RECORD: a moderator's removal of a paid role is recorded (grant FAILED,
// REMOVED_EXTERNALLY) and audited once. Every later GUILD_MEMBER_UPDATE of the member (a nickname, another role)
// still lacks the role; until 2026-12-07 each one recorded it again and wrote another
// entitlement.role_removed_externally entry, so an admin reading the audit log saw the same removal once per
// nickname change. A removal of the same role given again by a later purchase is a new one, audited once too.
import { describe, expect, it } from 'vitest';
import { useRoleJobs } from './role-jobs.harness.js';

const rj = useRoleJobs();
const { db, discord, events, grantOf } = rj;

const removalsAudited = (tenantId: string) =>
  db.auditLog.findMany({ where: { tenantId, action: 'entitlement.role_removed_externally' }, select: { entityId: true } });

describe('RECORD: a removal already recorded', () => {
  it("is not recorded nor audited again at the member's later updates", async () => {
    const m = await rj.removedByModerator('RECORD');
    const recorded = await grantOf(m.ent.id);
    expect(recorded).toMatchObject({ state: 'FAILED', failureKind: 'REMOVED_EXTERNALLY' });
    expect(await removalsAudited(m.tenantId)).toEqual([{ entityId: m.ent.id }]);

    // Two nickname changes: the member's roles are as they were, without VIP.
    expect(await events.rolesChanged(m.guildId, m.userId, [])).toEqual({ removed: [], reapplied: false });
    expect(await events.rolesChanged(m.guildId, m.userId, [])).toEqual({ removed: [], reapplied: false });

    expect(await removalsAudited(m.tenantId)).toEqual([{ entityId: m.ent.id }]);
    expect(await grantOf(m.ent.id)).toEqual(recorded);
  });

  it('the role bought again and removed again: the new removal is recorded and audited, once', async () => {
    const m = await rj.removedByModerator('RECORD');
    const second = await m.buy();
    expect(discord.guilds.memberRoles(m.guildId, m.userId)).toEqual([m.vip]);

    discord.guilds.takeRole(m.guildId, m.userId, m.vip);
    expect(await events.rolesChanged(m.guildId, m.userId, [])).toEqual({ removed: [m.vip], reapplied: false });
    expect(await events.rolesChanged(m.guildId, m.userId, [])).toEqual({ removed: [], reapplied: false });

    expect(await grantOf(second.ent.id)).toMatchObject({ state: 'FAILED', failureKind: 'REMOVED_EXTERNALLY' });
    const audited = (await removalsAudited(m.tenantId)).map((e) => e.entityId);
    expect(audited.sort()).toEqual([m.ent.id, second.ent.id].sort());
  });
});
